package io.nimbusverse.convert;

/**
 * How much of the converter's buffers each column gets. Buffers are held per column, so a fixed total is shared
 * out: a file of a dozen columns gets full-sized batches, pages and dictionaries, a file of thousands of columns
 * smaller ones, and both convert in about the same memory.
 *
 * @param batchRows          rows of a batch handed from the parsing thread to the writing one
 * @param pageValues         values of a Parquet page at most
 * @param dictionaryMaxBytes bytes a column's dictionary may take before the column falls back to PLAIN
 * @param distinctValues     distinct values of a column profiled to decide whether a dictionary pays
 */
record ColumnBudget(int batchRows, int pageValues, int dictionaryMaxBytes, int distinctValues) {

    static final int MAX_BATCH_ROWS = 8_192;
    static final int MAX_PAGE_VALUES = 20_000;
    static final int MAX_DICTIONARY_BYTES = 1 << 20;
    static final int MAX_DISTINCT_VALUES = 1_000;

    /** values of the batches in flight, all columns together (each cell takes about 25 bytes) */
    private static final int BATCH_CELLS = 1 << 19;
    /** values of the open pages, all columns together (about 16 bytes each) */
    private static final int PAGE_CELLS = 1 << 20;
    private static final long DICTIONARY_BYTES = 64L << 20;
    private static final int PROFILED_VALUES = 500_000;

    static ColumnBudget forColumns(int columns) {
        int n = Math.max(1, columns);
        return new ColumnBudget(clamp(BATCH_CELLS / n, 16, MAX_BATCH_ROWS),
                clamp(PAGE_CELLS / n, 64, MAX_PAGE_VALUES),
                (int) Math.max(4_096, Math.min(MAX_DICTIONARY_BYTES, DICTIONARY_BYTES / n)),
                clamp(PROFILED_VALUES / n, 16, MAX_DISTINCT_VALUES));
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
