package io.nimbusverse.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The durable record of what was done to every item: one row per key (its latest status), in the layout of the
 * report of docs/ARCHITECTURE.md. Each change is durable before the call returns. It is Camel's
 * {@link IdempotentRepository}, so {@code idempotentConsumer} claims keys with it: a claim is atomic, and of two
 * claims of one key exactly one wins. Its lifecycle belongs to the registry ({@link #open()}, {@link #close()}), not
 * to the routes that use it: a route reload stops the processors of the old routes, and that must not close the
 * ledger under the other routes.
 *
 * <p>Two stores: {@link CsvLedger} (one CSV file, one machine: the default) and {@link JdbcLedger} (a table that
 * several instances share).
 */
public interface Ledger extends IdempotentRepository {

    /** The columns of the report, in order: the CSV file's header, and the export's. */
    String HEADER = "key,source,name,size,media_type,class,status,batch_id,claimed_at,updated_at,s3_key,detail";

    void open() throws IOException;

    void close() throws IOException;

    // ---- IdempotentRepository: a claim is a CLAIMED row ----

    @Override
    default boolean add(String key) {
        return claim(LedgerEntry.claimed(key, "", "", 0));
    }

    /** Claims the key with what the exchange tells about the item (file name and length, or the source header). */
    @Override
    default boolean add(Exchange exchange, String key) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, "", String.class);
        long size = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, 0L, Long.class);
        String source = exchange.getMessage().getHeader("NimbusSource", "file", String.class);
        return claim(LedgerEntry.claimed(key, source, name, size));
    }

    @Override
    default boolean confirm(String key) {
        return true;
    }

    @Override
    default void start() {
        // the registry opens the ledger: a route reload stops the old routes' processors, and must not close it
    }

    @Override
    default void stop() {
        // the registry closes the ledger
    }

    /**
     * Calls the listener with every row this instance writes from now on, once it is durable, in the order written;
     * a store that instances share tells the rows the others write too, shortly after. A listener must be quick, and
     * must not write to the ledger.
     */
    void onChange(Consumer<LedgerEntry> listener);

    /** Every row written, the earlier rows of a key too (as far as the store keeps them), oldest first. */
    void history(Consumer<LedgerEntry> reader) throws IOException;

    /** Writes the row of a new key; false, and nothing written, when the key is already claimed. */
    boolean claim(LedgerEntry entry);

    default void record(LedgerEntry entry) {
        recordAll(List.of(entry));
    }

    /** Writes all rows at once, durable together. */
    void recordAll(Collection<LedgerEntry> changed);

    Optional<LedgerEntry> find(String key);

    /** The items of the batch, in the order they were claimed. */
    List<LedgerEntry> batch(String batchId);

    /** The items that were in the batch and went on to another one (replayed or reloaded), as they are now. */
    List<LedgerEntry> movedOutOf(String batchId);

    /** Batches with at least one item in one of the given statuses of items on their way, oldest batch id first. */
    List<String> batchesWith(Set<ItemStatus> statuses);

    /** Whether an item of some batch is in one of the given statuses of items on their way. */
    boolean anyBatchWith(Set<ItemStatus> statuses);

    /** The entries of items still on their way (claimed, converted, uploaded). */
    List<LedgerEntry> inFlight();

    /**
     * The entries of items on their way that this instance is answerable for (it wrote their rows last): what its
     * start recovers. All of them where one instance keeps the ledger; in a ledger several instances share, the
     * others' items are theirs to recover.
     */
    List<LedgerEntry> inFlightHere();

    /** The names of the items still on their way. */
    Set<String> namesInFlight();

    /** The entries this instance wrote since the ledger was opened (the items of this run). */
    List<LedgerEntry> touchedSinceOpen();

    /** Every entry, in the order the keys were first written: for audits, exports and tests. */
    List<LedgerEntry> entries();

    /**
     * Reads every entry once, one row per key (the report's rows), to the reader: the export. The JDBC store streams
     * them; the CSV store reads them as {@link #entries()} does.
     */
    void forEachEntry(Consumer<LedgerEntry> reader);

    /** Writes the report: the header, then every entry, in the CSV layout of the ledger's file. */
    static void export(Ledger ledger, Appendable out) throws IOException {
        out.append(HEADER).append('\n');
        try {
            ledger.forEachEntry(entry -> {
                try {
                    out.append(LedgerCsv.format(entry)).append('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** How many entries match: reads every row, for audits and tests, never on a stage's path. */
    default long count(Predicate<LedgerEntry> filter) {
        return entries().stream().filter(filter).count();
    }

    /** The number of keys in each status. */
    Map<ItemStatus, Long> countByStatus();

    /** The number of keys. */
    int size();

    /** Only the items on their way are looked up by status: finished ones are found with {@link #entries()}. */
    static void onTheirWay(Set<ItemStatus> statuses) {
        if (!ItemStatus.IN_FLIGHT.containsAll(statuses)) {
            throw new IllegalArgumentException("batches are looked up by the statuses of items on their way "
                    + ItemStatus.IN_FLIGHT + ", not " + statuses);
        }
    }
}
