package io.nimbusverse.sql;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.apache.camel.component.sql.DefaultRowMapperFactory;
import org.springframework.jdbc.core.RowMapper;

/**
 * Reads the rows of a table poll as maps of lower-case column name to value (a row's values in one array, its names
 * shared with the other rows), with the java.time types, so that dates and times keep every digit and no time zone
 * shifts them (java.sql.Time drops microseconds, java.sql.Timestamp moves with the JVM's zone). A TIME is read as its
 * text: MySQL's TIME is a duration up to 838:59:59, and a value that is no time of day must reach the converter as
 * what it is, to be quarantined with its row, not fail the whole poll. A date the driver refuses (MySQL's zero date)
 * comes as its text for the same reason. The column names and types are read once per result set, not once per
 * value.
 */
public class SqlRowMapperFactory extends DefaultRowMapperFactory {

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return new RowMapper<Map<String, Object>>() {
            private ResultSet columnsOf;
            private Columns columns;
            private int[] types;

            @Override
            public Map<String, Object> mapRow(ResultSet rs, int rowNum) throws SQLException {
                if (rs != columnsOf) {
                    readColumns(rs);
                }
                Object[] values = new Object[types.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(rs, i + 1, types[i]);
                }
                return new Row(columns, values);
            }

            private void readColumns(ResultSet rs) throws SQLException {
                ResultSetMetaData meta = rs.getMetaData();
                String[] names = new String[meta.getColumnCount()];
                types = new int[names.length];
                Map<String, Integer> positions = new HashMap<>();
                for (int i = 0; i < names.length; i++) {
                    names[i] = meta.getColumnLabel(i + 1).toLowerCase(Locale.ROOT);
                    types[i] = meta.getColumnType(i + 1);
                    positions.put(names[i], i);
                }
                columns = new Columns(names, positions);
                columnsOf = rs;
            }
        };
    }

    /** The lower-case names of a result set's columns, in order, and the position of each. */
    private record Columns(String[] names, Map<String, Integer> positions) {
    }

    /**
     * A row as a map over one array of its values, in column order; the names belong to the result set, shared by
     * its rows: a poll of many rows holds no map entry per value.
     */
    public static final class Row extends AbstractMap<String, Object> {
        private final Columns columns;
        private final Object[] values;

        Row(Columns columns, Object[] values) {
            this.columns = columns;
            this.values = values;
        }

        /** Where the column of this name is in the row, -1 when the result set has no such column. */
        int positionOf(String name) {
            return columns.positions().getOrDefault(name, -1);
        }

        /** The value at a position of {@link #positionOf}; null at -1. */
        Object valueAt(int position) {
            return position < 0 ? null : values[position];
        }

        @Override
        public Object get(Object name) {
            return name instanceof String column ? valueAt(positionOf(column)) : null;
        }

        @Override
        public boolean containsKey(Object name) {
            return columns.positions().containsKey(name);
        }

        @Override
        public Object put(String name, Object value) {
            Integer position = columns.positions().get(name);
            if (position == null) {
                throw new UnsupportedOperationException("a row has the columns of its table only, not " + name);
            }
            Object before = values[position];
            values[position] = value;
            return before;
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < values.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= values.length) {
                                throw new NoSuchElementException();
                            }
                            int at = next++;
                            return new SimpleImmutableEntry<>(columns.names()[at], values[at]);
                        }
                    };
                }

                @Override
                public int size() {
                    return values.length;
                }
            };
        }
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
