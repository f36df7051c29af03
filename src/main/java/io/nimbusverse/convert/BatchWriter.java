package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Encodes batches to Parquet on a thread of its own while the caller parses the next ones: parsing CSV and encoding
 * Parquet take comparable time, so the two overlap. A fixed set of batches circulates between the two threads,
 * which keeps memory bounded.
 */
final class BatchWriter implements TypedRowHandler.BatchSink, AutoCloseable {

    private static final RowBatch END = new RowBatch(List.of(), 1);

    private final RowBatchSink writer;
    private final BlockingQueue<RowBatch> empty;
    private final BlockingQueue<RowBatch> full;
    private final Thread thread;
    private final LongConsumer progress;
    private long rowsHandedOver;
    private volatile Throwable failure;

    BatchWriter(RowBatchSink writer, List<CsvColumn> columns, int batchRows, int batches, LongConsumer progress) {
        this(writer, columns, -1, batchRows, batches, progress);
    }

    /** @param parsedColumn a column the parsing thread parses, never deferred (the partition column), or -1 */
    BatchWriter(RowBatchSink writer, List<CsvColumn> columns, int parsedColumn, int batchRows, int batches,
            LongConsumer progress) {
        this.writer = writer;
        this.progress = progress;
        this.empty = new ArrayBlockingQueue<>(batches);
        this.full = new ArrayBlockingQueue<>(batches + 1);
        boolean[] deferred = deferred(columns);
        if (parsedColumn >= 0) {
            deferred[parsedColumn] = false;
        }
        for (int i = 0; i < batches; i++) {
            empty.add(new RowBatch(columns, batchRows, deferred));
        }
        this.thread = new Thread(this::writeBatches, "parquet-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * The columns whose values the writing thread parses: dates, timestamps and doubles cost the most to parse, and
     * the writing thread has time to spare while the parsing thread splits records.
     */
    static boolean[] deferred(List<CsvColumn> columns) {
        boolean[] deferred = new boolean[columns.size()];
        for (int c = 0; c < deferred.length; c++) {
            CsvColumn column = columns.get(c);
            // a value that does not fit a pinned column makes its row a bad row, which only the parsing thread can
            if (column.fit() != CsvColumn.Fit.INFERRED || column.format() != null) {
                continue;
            }
            deferred[c] = switch (column.type()) {
                case DATE, TIMESTAMP, TIMESTAMP_TZ, DOUBLE -> true;
                default -> false;
            };
        }
        return deferred;
    }

    /** The first batch to fill. */
    RowBatch firstBatch() {
        return empty.remove();
    }

    @Override
    public RowBatch handOver(RowBatch batch) {
        rowsHandedOver += batch.size;
        progress.accept(rowsHandedOver);
        try {
            full.put(batch);
            RowBatch next;
            while ((next = empty.poll(100, TimeUnit.MILLISECONDS)) == null) {
                throwIfFailed();
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while converting", e);
        }
    }

    /** Writes the last, partly filled batch, waits until every row is written, and writes the footer. */
    long finish(RowBatch last) throws IOException {
        try {
            if (last.size > 0) {
                full.put(last);
            }
            full.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while converting");
        }
        throwIfFailed();
        writer.finish();
        return writer.rows();
    }

    /** Stops the writing thread, when parsing failed. */
    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            full.clear();
            full.offer(END);
            thread.join();
        }
    }

    private void writeBatches() {
        try {
            for (RowBatch batch = full.take(); batch != END; batch = full.take()) {
                writer.write(batch);
                batch.clear();
                empty.put(batch);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void throwIfFailed() {
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("writing Parquet failed: " + t.getMessage(), t);
        }
    }
}
