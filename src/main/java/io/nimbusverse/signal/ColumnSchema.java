package io.nimbusverse.signal;

/** One column of a Parquet item: its name, its type as the manifest writes it, and whether it holds nulls. */
public record ColumnSchema(String name, String type, boolean nullable) {
}
