package io.nimbusverse.convert;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits the rows of a file by the day of a date or timestamp column into one Parquet file per day, with at most
 * {@code maxOpen} files open at once so that memory stays bounded: the days met beyond those are remembered, and a
 * next pass over the file writes them ({@link #left()}). A null is the partition {@value #NULL_PARTITION}, as Hive
 * and Spark name it.
 */
final class PartitionedWriter implements RowBatchSink {

    static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    /** Days one file may span: each is a Parquet object and a pass over the file per {@code maxOpen} of them. */
    static final int MAX_PARTITIONS = 3_660;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** Opens the file of one partition. */
    interface Files {
        ParquetColumnsWriter open(String partition) throws IOException;
    }

    /** A partition's file once written. */
    record Piece(String partition, long rows) {
    }

    private final List<CsvColumn> columns;
    private final int column;
    private final int maxOpen;
    private final int batchRows;
    private final Set<String> done;
    private final Files files;
    private final Map<String, ParquetColumnsWriter> open = new LinkedHashMap<>();
    private final Map<String, RowBatch> pending = new LinkedHashMap<>();
    private final Set<String> left = new LinkedHashSet<>();
    private long rows;

    /**
     * @param column the index of the partition column (parsed by the parsing thread, never deferred)
     * @param done   the partitions written by earlier passes, whose rows are passed over
     */
    PartitionedWriter(List<CsvColumn> columns, int column, int maxOpen, int batchRows, Set<String> done,
            Files files) {
        this.columns = columns;
        this.column = column;
        this.maxOpen = maxOpen;
        this.batchRows = batchRows;
        this.done = done;
        this.files = files;
    }

    @Override
    public void write(RowBatch batch) throws IOException {
        for (int r = 0; r < batch.size; r++) {
            String partition = partitionOf(batch, r);
            if (done.contains(partition)) {
                continue;
            }
            RowBatch target = pending.get(partition);
            if (target == null) {
                if (open.size() == maxOpen) {
                    if (left.add(partition) && done.size() + open.size() + left.size() > MAX_PARTITIONS) {
                        throw new CsvBytes.TooLarge("column " + columns.get(column).name() + " spans more than "
                                + MAX_PARTITIONS + " days to partition by (line " + batch.lines[r] + ")",
                                "partition.column of the dataset rule", MAX_PARTITIONS);
                    }
                    continue;
                }
                open.put(partition, files.open(partition));
                // laid out as the parsed batches are: the same columns left as text for this thread to parse
                target = new RowBatch(columns, batchRows, batch.deferred);
                pending.put(partition, target);
            }
            target.copyRow(batch, r);
            if (target.isFull()) {
                open.get(partition).write(target);
                target.clear();
            }
        }
    }

    private String partitionOf(RowBatch batch, int row) {
        if (!batch.present[column][row]) {
            return NULL_PARTITION;
        }
        long value = batch.longs[column][row];
        long day = batch.types[column] == ColumnType.DATE ? value : Math.floorDiv(value, MICROS_PER_DAY);
        return LocalDate.ofEpochDay(day).toString();
    }

    @Override
    public void finish() throws IOException {
        for (Map.Entry<String, RowBatch> entry : pending.entrySet()) {
            ParquetColumnsWriter writer = open.get(entry.getKey());
            if (entry.getValue().size > 0) {
                writer.write(entry.getValue());
            }
            writer.finish();
            rows += writer.rows();
        }
    }

    @Override
    public long rows() {
        return rows;
    }

    /** The partitions this pass wrote, with their rows (after {@link #finish()}). */
    List<Piece> written() {
        List<Piece> pieces = new ArrayList<>();
        open.forEach((partition, writer) -> pieces.add(new Piece(partition, writer.rows())));
        return pieces;
    }

    /** The partitions met but not written: a next pass writes them. */
    Set<String> left() {
        return left;
    }

    @Override
    public void close() {
        open.values().forEach(ParquetColumnsWriter::close);
    }
}
