package io.nimbusverse.signal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The Parquet object made from a tabular item.
 *
 * @param dataset   the dataset its rows belong to (its S3 prefix)
 * @param table     the table it loads into; null for the dataset's name
 * @param partition how its S3 key is laid out: {@code ingest_date} (null too) or {@code none}
 * @param path      the file in the work folder (signals only; not in the manifest)
 * @param key       its S3 key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParquetPart(String dataset, String table, String partition, String path, String key, long rows,
        List<ColumnSchema> schema) {

    public static final String NO_PARTITION = "none";

    public ParquetPart withKey(String newKey) {
        return new ParquetPart(dataset, table, partition, path, newKey, rows, schema);
    }

    /** The table its rows load into. */
    public String tableName() {
        return table == null ? dataset : table;
    }

    public boolean partitioned() {
        return !NO_PARTITION.equals(partition);
    }
}
