package io.nimbusverse.sql;

import java.util.List;
import java.util.Map;

/**
 * A run of rows of one poll of a table, ready to become one Parquet object: the rows' values typed for the table's
 * current columns ({@link SqlColumn#parquetValue}), the rows whose values did not convert, and what identifies the
 * chunk.
 */
public class SqlChunk {

    /** A row left out of the chunk, with why. */
    public record BadRow(Object key, Map<String, Object> row, String reason) {
    }

    private final String table;
    private final String keyColumn;
    private final String watermarkColumn;
    private final String flagColumn;
    private final String key;
    private final List<SqlColumn> columns;
    private List<Object[]> rows;
    private final int recordCount;
    private final List<BadRow> badRows;
    private final List<Object> keys;
    private final Object lastWatermark;
    private byte[] parquet;

    SqlChunk(String table, String keyColumn, String watermarkColumn, String flagColumn, String key,
            List<SqlColumn> columns, List<Object[]> rows, List<BadRow> badRows, List<Object> keys,
            Object lastWatermark) {
        this.table = table;
        this.keyColumn = keyColumn;
        this.watermarkColumn = watermarkColumn;
        this.flagColumn = flagColumn;
        this.key = key;
        this.columns = columns;
        this.rows = rows;
        this.recordCount = rows.size();
        this.badRows = badRows;
        this.keys = keys;
        this.lastWatermark = lastWatermark;
    }

    public String getTable() {
        return table;
    }

    public String getKeyColumn() {
        return keyColumn;
    }

    /** The column a table read by a watermark is read past; null for a table read by its processed flag. */
    public String getWatermarkColumn() {
        return watermarkColumn;
    }

    /** The processed flag of a table read by it; null for a table read by a watermark. */
    public String getFlagColumn() {
        return flagColumn;
    }

    /** The ledger key: the table and the range of keys (or watermarks) of its rows. */
    public String getKey() {
        return key;
    }

    public List<SqlColumn> getColumns() {
        return columns;
    }

    /** The rows that converted, a value per column, until they are Parquet. */
    public List<Object[]> getRows() {
        return rows;
    }

    public List<BadRow> getBadRows() {
        return badRows;
    }

    /** For the routes: a count, since the simple language hashes a list it calls a method on, every row deep. */
    public int getRecordCount() {
        return recordCount;
    }

    public int getBadRowCount() {
        return badRows.size();
    }

    /** The key of every row read, bad ones included: the rows a processed flag is set on. */
    public List<Object> getKeys() {
        return keys;
    }

    public Object getLastWatermark() {
        return lastWatermark;
    }

    public Object getLastKey() {
        return keys.get(keys.size() - 1);
    }

    /** The rows as Parquet, once made; null when no row converted. */
    public byte[] getParquet() {
        return parquet;
    }

    /** The rows are Parquet now: they are let go, so a poll holds its rows once. */
    void setParquet(byte[] parquet) {
        this.parquet = parquet;
        this.rows = null;
    }

    @Override
    public String toString() {
        return key + " (" + recordCount + " rows, " + badRows.size() + " bad)";
    }
}
