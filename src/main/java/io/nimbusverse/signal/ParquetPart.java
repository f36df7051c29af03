package io.nimbusverse.signal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The Parquet object made from a tabular item, or its objects when its rule partitions it by a column.
 *
 * @param dataset   the dataset its rows belong to (its S3 prefix)
 * @param table     the table it loads into; null for the dataset's name
 * @param partition how its S3 key is laid out: {@code ingest_date} (null too) or {@code none}; its pieces say theirs
 * @param path      the file in the work folder (signals only; not in the manifest); null when it has pieces
 * @param key       its S3 key; null when it has pieces
 * @param pieces    one object per day of the rule's partition column, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParquetPart(String dataset, String table, String partition, String path, String key, long rows,
        List<ColumnSchema> schema, List<Piece> pieces) {

    public static final String NO_PARTITION = "none";

    /**
     * One object of a partitioned item.
     *
     * @param partition its S3 folder, {@code <column>=<yyyy-MM-dd>}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Piece(String partition, String path, String key, long rows) {

        public Piece withKey(String newKey) {
            return new Piece(partition, path, newKey, rows);
        }

        public Piece withPath(String newPath) {
            return new Piece(partition, newPath, key, rows);
        }
    }

    public ParquetPart withKey(String newKey) {
        return new ParquetPart(dataset, table, partition, path, newKey, rows, schema, pieces);
    }

    public ParquetPart withPath(String newPath) {
        return new ParquetPart(dataset, table, partition, newPath, key, rows, schema, pieces);
    }

    public ParquetPart withPieces(List<Piece> newPieces) {
        return new ParquetPart(dataset, table, partition, path, key, rows, schema, newPieces);
    }

    /** The table its rows load into. */
    public String tableName() {
        return table == null ? dataset : table;
    }

    public boolean partitioned() {
        return !NO_PARTITION.equals(partition);
    }

    /** Its S3 keys: its key, or its pieces'. */
    public List<String> keys() {
        return pieces == null ? (key == null ? List.of() : List.of(key)) : pieces.stream().map(Piece::key).toList();
    }
}
