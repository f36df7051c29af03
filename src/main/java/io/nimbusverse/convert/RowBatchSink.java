package io.nimbusverse.convert;

import java.io.IOException;

/** Where the writing thread puts the batches: one Parquet file, or one per partition. */
interface RowBatchSink extends AutoCloseable {

    void write(RowBatch batch) throws IOException;

    /** Writes what is buffered and the footer(s). */
    void finish() throws IOException;

    /** Rows written so far. */
    long rows();

    @Override
    void close();
}
