package io.nimbusverse.signal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The Parquet object made from a tabular item.
 *
 * @param dataset the table it loads into
 * @param path    the file in the work folder (signals only; not in the manifest)
 * @param key     its S3 key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParquetPart(String dataset, String path, String key, long rows, List<ColumnSchema> schema) {

    public ParquetPart withKey(String newKey) {
        return new ParquetPart(dataset, path, newKey, rows, schema);
    }
}
