package io.nimbusverse.convert;

/**
 * What one item may hold. Beyond a limit the item is quarantined with a reason that names the setting, instead of
 * exhausting memory or the stack: reading stays bounded whatever a user drops.
 *
 * @param maxRecordBytes   bytes of one CSV record (a line, or a quoted field spanning lines), and of one JSON text
 * @param maxColumns       fields of one CSV record: the converter's memory grows with the number of columns
 * @param maxNestingDepth  levels of nesting of JSON, XML and the documents Tika reads
 * @param maxExpandedBytes text a compressed or packaged file (gzip, zip, office documents) may expand to when read
 */
public record Limits(int maxRecordBytes, int maxColumns, int maxNestingDepth, long maxExpandedBytes) {

    public static final String MAX_RECORD_BYTES = "nimbus.limits.max-record-bytes";
    public static final String MAX_COLUMNS = "nimbus.limits.max-columns";
    public static final String MAX_NESTING_DEPTH = "nimbus.limits.max-nesting-depth";
    public static final String MAX_EXPANDED_BYTES = "nimbus.limits.max-expanded-bytes";

    /** The defaults of application.properties. */
    public static final Limits DEFAULTS = new Limits(16 << 20, 10_000, 1_000, 1L << 30);

    public Limits {
        positive(MAX_RECORD_BYTES, maxRecordBytes);
        positive(MAX_COLUMNS, maxColumns);
        positive(MAX_NESTING_DEPTH, maxNestingDepth);
        positive(MAX_EXPANDED_BYTES, maxExpandedBytes);
    }

    private static void positive(String setting, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(setting + " must be a positive number, not " + value);
        }
    }

    /** The reason of an item over a limit: what was found, and the setting that allows more. */
    static LimitExceededException exceeded(String what, String setting, long limit) {
        return new LimitExceededException(what + " (limit " + limit + ", " + setting + ")");
    }
}
