package io.nimbusverse.convert;

/** A cursor on one row of a {@link RowBatch}: what the Parquet writer is given, one row after the other. */
final class BatchRow {
    RowBatch batch;
    int row;
}
