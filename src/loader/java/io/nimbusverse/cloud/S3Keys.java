package io.nimbusverse.cloud;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The deterministic S3 layout of docs/ARCHITECTURE.md: the same item of the same batch always lands at the same key, so a retry
 * overwrites instead of duplicating. Dates are the batch's creation date in UTC.
 */
public final class S3Keys {

    private static final DateTimeFormatter DAY_PATH = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    public static final String RAW = "raw/";
    public static final String PARQUET = "parquet/";
    public static final String METADATA = "metadata/";
    public static final String SIGNALS = "signals/";
    /** The prefixes the pipeline writes under (the archive's is a setting). */
    public static final List<String> PREFIXES = List.of(RAW, PARQUET, METADATA, SIGNALS);

    private S3Keys() {
    }

    public static String raw(String itemClass, Instant batchCreatedAt, String sha256, String name) {
        return RAW + itemClass + "/" + DAY_PATH.format(batchCreatedAt) + "/" + sha256 + "/" + name;
    }

    public static String parquet(String dataset, Instant batchCreatedAt, String batchId, int n) {
        return PARQUET + dataset + "/ingest_date=" + DAY.format(batchCreatedAt) + "/" + batchId + "-" + n
                + ".parquet";
    }

    /** The key of one partition of an item ({@code <column>=<yyyy-MM-dd>}) whose rule partitions by a column. */
    public static String partitionedParquet(String dataset, String partition, String batchId, int n) {
        return PARQUET + dataset + "/" + partition + "/" + batchId + "-" + n + ".parquet";
    }

    /** The key of a dataset whose rule partitions nothing. */
    public static String unpartitionedParquet(String dataset, String batchId, int n) {
        return PARQUET + dataset + "/" + batchId + "-" + n + ".parquet";
    }

    public static String metadata(String sha256) {
        return METADATA + sha256 + ".json";
    }

    public static String signal(String batchId) {
        return SIGNALS + batchId + ".SIGNAL";
    }

    public static String complete(String batchId) {
        return SIGNALS + batchId + ".COMPLETE";
    }
}
