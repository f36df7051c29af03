package io.nimbusverse.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;

import org.apache.camel.component.sql.DefaultRowMapperFactory;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.RowMapper;

/**
 * Reads the rows of a table poll with the java.time types, so that dates and times keep every digit and no time
 * zone shifts them (java.sql.Time drops microseconds, java.sql.Timestamp moves with the JVM's zone). A TIME is read
 * as its text: MySQL's TIME is a duration up to 838:59:59, and a value that is no time of day must reach the
 * converter as what it is, to be quarantined with its row, not fail the whole poll. A date the driver refuses
 * (MySQL's zero date) comes as its text for the same reason.
 */
public class SqlRowMapperFactory extends DefaultRowMapperFactory {

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return new ColumnMapRowMapper() {
            @Override
            protected Object getColumnValue(ResultSet rs, int index) throws SQLException {
                return switch (rs.getMetaData().getColumnType(index)) {
                    case Types.TIME, Types.TIME_WITH_TIMEZONE -> rs.getString(index);
                    case Types.TIMESTAMP -> orText(rs, index, LocalDateTime.class);
                    case Types.DATE -> orText(rs, index, LocalDate.class);
                    default -> super.getColumnValue(rs, index);
                };
            }
        };
    }

    private static Object orText(ResultSet rs, int index, Class<?> type) throws SQLException {
        try {
            return rs.getObject(index, type);
        } catch (SQLException | RuntimeException e) {
            return rs.getString(index);
        }
    }
}
