package io.nimbusverse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tables a test reads (the YAML of routes/sql-tables.yaml), and plain JDBC reads of source and target. */
public final class SqlTables {

    private SqlTables() {
    }

    public static String byWatermark(String table, String key, String watermark, int chunkRows) {
        return route(table, "sql-by-watermark", "        watermark: " + watermark + "\n", key, chunkRows);
    }

    public static String byFlag(String table, String key, String flag, int chunkRows) {
        return route(table, "sql-by-flag", "        flag: " + flag + "\n", key, chunkRows);
    }

    private static String route(String table, String kamelet, String parameter, String key, int chunkRows) {
        return "- route:\n    id: sql-" + table + "\n    routeConfigurationId: nimbus-errors\n"
                + "    from:\n      uri: kamelet:" + kamelet + "\n      parameters:\n"
                + "        table: " + table + "\n        key: " + key + "\n" + parameter
                + "        chunkRows: " + chunkRows + "\n"
                + "      steps:\n        - to:\n            uri: direct:sql-chunk\n";
    }

    public static void execute(String url, String user, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    public static long count(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            // the table is not there yet
            return -1;
        }
    }

    /**
     * Every row, each value read by plain JDBC as what its column type means: numbers as BigDecimal without
     * trailing zeros, FLOAT and REAL as Float, DOUBLE as Double, dates and times as java.time, bytes as hex, text
     * as String, booleans as Boolean. Two tables holding the same values read the same, whatever their dialect.
     */
    /** The rows without the loaders' lineage columns ({@code _nimbus_*}): the data as the source had it. */
    public static List<Map<String, Object>> withoutLineage(List<Map<String, Object>> rows) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> values = new LinkedHashMap<>(row);
            values.keySet().removeIf(column -> column.startsWith("_nimbus_"));
            data.add(values);
        }
        return data;
    }

    public static List<Map<String, Object>> rows(String url, String user, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(), value(rs, i, meta.getColumnType(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(ResultSet rs, int i, int type) throws SQLException {
        if (rs.getObject(i) == null) {
            return null;
        }
        return switch (type) {
            case Types.BIT, Types.BOOLEAN -> rs.getBoolean(i);
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC ->
                    rs.getBigDecimal(i).stripTrailingZeros().toPlainString();
            case Types.REAL -> rs.getFloat(i);
            case Types.FLOAT, Types.DOUBLE -> rs.getDouble(i);
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                    HexFormat.of().formatHex(rs.getBytes(i));
            default -> rs.getString(i);
        };
    }
}
