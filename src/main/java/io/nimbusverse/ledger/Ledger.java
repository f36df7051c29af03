package io.nimbusverse.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of what was done to every item: the CSV report of DESIGN.md.
 *
 * <p>Every state change is appended as one line and forced to disk before the call returns; the latest line of a
 * key wins. All entries are held in memory, so lookups never touch the disk. A torn last line (a crash in the middle
 * of a write) is dropped on open. When the file holds many more lines than live keys it is rewritten with the latest
 * line of each key only.
 *
 * <p>It is Camel's {@link IdempotentRepository}, so {@code idempotentConsumer} claims keys with it. Its lifecycle
 * belongs to the registry ({@link #open()}, {@link #close()}), not to the routes that use it: a route reload stops
 * the processors of the old routes, and that must not close the ledger under the other routes.
 */
public class Ledger implements IdempotentRepository {

    static final String HEADER =
            "key,source,name,size,media_type,class,status,batch_id,claimed_at,updated_at,s3_key,detail";
    private static final int FIELDS = 12;
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    private final Path file;
    private final int compactMinLines;
    private final Map<String, LedgerEntry> entries = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysByBatch = new ConcurrentHashMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private FileChannel channel;
    private long lines;

    /**
     * @param compactMinLines the file is compacted when it holds more than this many lines and more than twice as
     *                        many lines as live keys
     */
    public Ledger(Path file, int compactMinLines) {
        this.file = file;
        this.compactMinLines = compactMinLines;
    }

    public void open() throws IOException {
        writeLock.lock();
        try {
            if (channel != null) {
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            }
            dropTornTail();
            load();
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            LOG.info("Ledger {}: {} keys from {} lines", file, entries.size(), lines);
        } finally {
            writeLock.unlock();
        }
    }

    public void close() throws IOException {
        writeLock.lock();
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---- IdempotentRepository: a claim is a CLAIMED row ----

    @Override
    public boolean add(String key) {
        return claim(LedgerEntry.claimed(key, "", "", 0));
    }

    /** Claims the key with what the exchange tells about the item (file name and length, or the source header). */
    @Override
    public boolean add(Exchange exchange, String key) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, "", String.class);
        long size = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, 0L, Long.class);
        String source = exchange.getMessage().getHeader("NimbusSource", "file", String.class);
        return claim(LedgerEntry.claimed(key, source, name, size));
    }

    @Override
    public boolean contains(String key) {
        LedgerEntry entry = entries.get(key);
        return entry != null && entry.status() != ItemStatus.REMOVED;
    }

    /** Releases a claim: a REMOVED row, so the release survives a restart too. */
    @Override
    public boolean remove(String key) {
        writeLock.lock();
        try {
            LedgerEntry entry = entries.get(key);
            if (entry == null || entry.status() == ItemStatus.REMOVED) {
                return false;
            }
            append(List.of(entry.withStatus(ItemStatus.REMOVED, "claim released")));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        writeLock.lock();
        try {
            entries.clear();
            keysByBatch.clear();
            rewrite();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void start() {
        // the registry opens the ledger; see the class comment
    }

    @Override
    public void stop() {
        // the registry closes the ledger; see the class comment
    }

    // ---- the ledger's own API ----

    /** Appends the row of a new key; false, and nothing written, when the key is already known. */
    public boolean claim(LedgerEntry entry) {
        writeLock.lock();
        try {
            if (contains(entry.key())) {
                return false;
            }
            append(List.of(entry));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    public void record(LedgerEntry entry) {
        recordAll(List.of(entry));
    }

    /** Appends all rows with one write and one flush. */
    public void recordAll(Collection<LedgerEntry> changed) {
        if (changed.isEmpty()) {
            return;
        }
        writeLock.lock();
        try {
            append(changed);
        } finally {
            writeLock.unlock();
        }
    }

    public Optional<LedgerEntry> find(String key) {
        return Optional.ofNullable(entries.get(key)).filter(e -> e.status() != ItemStatus.REMOVED);
    }

    public List<LedgerEntry> batch(String batchId) {
        return keysByBatch.getOrDefault(batchId, Set.of()).stream()
                .map(entries::get)
                .filter(e -> e != null && batchId.equals(e.batchId()))
                .sorted(Comparator.comparing(LedgerEntry::claimedAt).thenComparing(LedgerEntry::key))
                .toList();
    }

    /** Batches with at least one item in one of the given statuses, oldest batch id first. */
    public List<String> batchesWith(Set<ItemStatus> statuses) {
        return entries.values().stream()
                .filter(e -> e.hasBatch() && statuses.contains(e.status()))
                .map(LedgerEntry::batchId)
                .distinct()
                .sorted()
                .toList();
    }

    /** Whether an item of some batch is in one of the given statuses. */
    public boolean anyBatchWith(Set<ItemStatus> statuses) {
        return entries.values().stream().anyMatch(e -> e.hasBatch() && statuses.contains(e.status()));
    }

    /** The names of the items in one of the given statuses. */
    public Set<String> namesWith(Set<ItemStatus> statuses) {
        return entries.values().stream().filter(e -> statuses.contains(e.status())).map(LedgerEntry::name)
                .collect(Collectors.toSet());
    }

    /** The latest entries changed at or after {@code since}, oldest first. */
    public List<LedgerEntry> entriesSince(Instant since) {
        return entries.values().stream()
                .filter(e -> e.status() != ItemStatus.REMOVED && !e.updatedAt().isBefore(since))
                .sorted((a, b) -> a.updatedAt().compareTo(b.updatedAt()))
                .toList();
    }

    public long count(Predicate<LedgerEntry> filter) {
        return entries.values().stream().filter(e -> e.status() != ItemStatus.REMOVED).filter(filter).count();
    }

    public Map<ItemStatus, Long> countByStatus() {
        Map<ItemStatus, Long> counts = new EnumMap<>(ItemStatus.class);
        counts.putAll(entries.values().stream()
                .filter(e -> e.status() != ItemStatus.REMOVED)
                .collect(Collectors.groupingBy(LedgerEntry::status, Collectors.counting())));
        return counts;
    }

    public int size() {
        return (int) entries.values().stream().filter(e -> e.status() != ItemStatus.REMOVED).count();
    }

    // ---- file handling ----

    private void append(Collection<LedgerEntry> changed) {
        if (channel == null) {
            throw new IllegalStateException("Ledger " + file + " is not open");
        }
        StringBuilder text = new StringBuilder();
        for (LedgerEntry entry : changed) {
            text.append(LedgerCsv.format(entry)).append('\n');
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the ledger " + file, e);
        }
        changed.forEach(this::remember);
        lines += changed.size();
        if (lines > compactMinLines && lines > 2L * entries.size()) {
            rewrite();
        }
    }

    private void remember(LedgerEntry entry) {
        LedgerEntry previous = entries.put(entry.key(), entry);
        if (previous != null && previous.hasBatch() && !previous.batchId().equals(entry.batchId())) {
            Set<String> keys = keysByBatch.get(previous.batchId());
            if (keys != null) {
                keys.remove(entry.key());
            }
        }
        if (entry.hasBatch()) {
            keysByBatch.computeIfAbsent(entry.batchId(), b -> ConcurrentHashMap.newKeySet()).add(entry.key());
        }
    }

    /** Writes the latest row of each live key to a new file and moves it over the old one. */
    private void rewrite() {
        Path tmp = file.resolveSibling(file.getFileName() + ".compacting");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder text = new StringBuilder(HEADER).append('\n');
            List<LedgerEntry> live = new ArrayList<>(entries.values());
            live.removeIf(e -> e.status() == ItemStatus.REMOVED);
            live.forEach(e -> text.append(LedgerCsv.format(e)).append('\n'));
            out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
            if (channel != null) {
                channel.close();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            entries.values().removeIf(e -> e.status() == ItemStatus.REMOVED);
            lines = live.size();
            LOG.info("Ledger {} compacted to {} keys", file, live.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compact the ledger " + file, e);
        }
    }

    /** A crash in the middle of an append leaves a last line without its newline: cut it off. */
    private void dropTornTail() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                LOG.warn("Ledger {}: dropping a torn last line of {} bytes", file, size - end);
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    private void load() throws IOException {
        entries.clear();
        keysByBatch.clear();
        lines = 0;
        int skipped = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line != null && !line.equals(HEADER)) {
                throw new IOException("Ledger " + file + " does not start with the header " + HEADER);
            }
            while ((line = reader.readLine()) != null) {
                Optional<LedgerEntry> entry = LedgerCsv.parse(line, FIELDS);
                if (entry.isPresent()) {
                    remember(entry.get());
                    lines++;
                } else if (!line.isBlank()) {
                    skipped++;
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("Ledger {}: skipped {} unreadable lines", file, skipped);
        }
    }

}
