package io.nimbusverse.loader;

import java.io.Closeable;
import java.io.IOException;

import org.apache.parquet.io.InputFile;

/**
 * Where a loader finds the objects of a batch: S3 through the AWS SDK for the on-prem loader, the Hadoop file
 * system of Glue's Spark (EMRFS on s3://) for the Glue job. Keys are the S3 keys of docs/ARCHITECTURE.md's layout.
 */
public interface BatchObjects {

    /** A Parquet object opened for reading, released when closed. */
    interface ParquetObject extends Closeable {
        InputFile inputFile();
    }

    ParquetObject openParquet(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /**
     * Whether a storage failure may pass by itself (network, throttling): the load is then thrown back to be
     * retried instead of being answered FAILED.
     */
    boolean isTransient(Exception failure);
}
