package io.nimbusverse.sql;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.component.sql.DefaultRowMapperFactory;
import org.springframework.jdbc.core.RowMapper;

/**
 * Reads the rows of a table poll as maps of lower-case column name to value, with the java.time types, so that
 * dates and times keep every digit and no time zone shifts them (java.sql.Time drops microseconds,
 * java.sql.Timestamp moves with the JVM's zone). A TIME is read as its text: MySQL's TIME is a duration up to
 * 838:59:59, and a value that is no time of day must reach the converter as what it is, to be quarantined with its
 * row, not fail the whole poll. A date the driver refuses (MySQL's zero date) comes as its text for the same
 * reason. The column names and types are read once per result set, not once per value.
 */
public class SqlRowMapperFactory extends DefaultRowMapperFactory {

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return new RowMapper<Map<String, Object>>() {
            private ResultSet columnsOf;
            private String[] names;
            private int[] types;

            @Override
            public Map<String, Object> mapRow(ResultSet rs, int rowNum) throws SQLException {
                if (rs != columnsOf) {
                    readColumns(rs);
                }
                Map<String, Object> row = new LinkedHashMap<>(names.length * 2);
                for (int i = 0; i < names.length; i++) {
                    row.put(names[i], value(rs, i + 1, types[i]));
                }
                return row;
            }

            private void readColumns(ResultSet rs) throws SQLException {
                ResultSetMetaData meta = rs.getMetaData();
                names = new String[meta.getColumnCount()];
                types = new int[names.length];
                for (int i = 0; i < names.length; i++) {
                    names[i] = meta.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
                    types[i] = meta.getColumnType(i + 1);
                }
                columnsOf = rs;
            }
        };
    }

    private static Object value(ResultSet rs, int index, int type) throws SQLException {
        return switch (type) {
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> rs.getString(index);
            case Types.TIMESTAMP -> orText(rs, index, LocalDateTime.class);
            case Types.DATE -> orText(rs, index, LocalDate.class);
            case Types.BLOB -> rs.getBytes(index);
            case Types.CLOB, Types.NCLOB -> rs.getString(index);
            default -> rs.getObject(index);
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
