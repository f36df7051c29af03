package io.nimbusverse.ledger;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger in one CSV file (the default, one machine): the report of docs/ARCHITECTURE.md.
 *
 * <p>Every state change is appended as one line and forced to disk before the call returns; the latest line of a
 * key wins. Appends of several threads share their flush (group commit): a thread that finds a flush under way waits
 * for it and, when its row came after the flush began, flushes once for every row written meanwhile. A torn last line (a crash in the middle of a write) is dropped on open. When the file holds many more
 * lines than live keys it is rewritten with the latest line of each key only (to a new file, moved over the old one).
 *
 * <p>Memory stays small at millions of items: the items still on their way (claimed, converted, uploaded) are held
 * whole; every other key only in a compact index ({@link LedgerIndex}: its digest, status, batch and where its
 * latest line starts), and its row is read from the file when asked for. Counts by status are kept as rows are
 * written, never counted by a scan.
 */
public class CsvLedger implements Ledger {

    private static final int READ_BUFFER = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(CsvLedger.class);

    /** A batch with an item still on its way: all its keys, and how many of them are on their way. */
    private static final class ActiveBatch {
        final Set<String> keys = new HashSet<>();
        int inFlight;
    }

    private final Path file;
    private final int compactMinLines;
    private final ReentrantLock lock = new ReentrantLock();
    private LedgerIndex index = new LedgerIndex(16);
    private final Map<String, LedgerEntry> inFlight = new HashMap<>();
    private final Map<String, ActiveBatch> activeBatches = new HashMap<>();
    private final long[] counts = new long[ItemStatus.values().length];
    private final List<Consumer<LedgerEntry>> listeners = new CopyOnWriteArrayList<>();
    private volatile FileChannel appendChannel;
    /** how many appends were written to the file, and how many of them are forced to disk */
    private volatile long appended;
    private final AtomicLong durable = new AtomicLong();
    private final Object forcing = new Object();
    private FileChannel readChannel;
    private long length;
    private long lines;

    /**
     * @param compactMinLines the file is compacted when it holds more than this many lines and more than twice as
     *                        many lines as live keys
     */
    public CsvLedger(Path file, int compactMinLines) {
        this.file = file;
        this.compactMinLines = compactMinLines;
    }

    @Override
    public void open() throws IOException {
        lock.lock();
        try {
            if (appendChannel != null) {
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            }
            dropTornTail();
            load();
            openChannels();
            LOG.info("Ledger {}: {} keys from {} lines, {} on their way", file, size(), lines, inFlight.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (appendChannel != null) {
                appendChannel.force(false);
                appendChannel.close();
                readChannel.close();
                appendChannel = null;
                readChannel = null;
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- IdempotentRepository: a claim is a CLAIMED row ----

    @Override
    public boolean contains(String key) {
        lock.lock();
        try {
            int entry = index.find(key);
            return entry >= 0 && !index.status(entry).releasesClaim();
        } finally {
            lock.unlock();
        }
    }

    /** Releases a claim: a REMOVED row, so the release survives a restart too. */
    @Override
    public boolean remove(String key) {
        long written;
        lock.lock();
        try {
            Optional<LedgerEntry> entry = find(key);
            if (entry.isEmpty()) {
                return false;
            }
            written = append(List.of(entry.get().withStatus(ItemStatus.REMOVED, "claim released")));
        } finally {
            lock.unlock();
        }
        forceThrough(written);
        return true;
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            index = new LedgerIndex(16);
            inFlight.clear();
            activeBatches.clear();
            Arrays.fill(counts, 0);
            rewrite();
        } finally {
            lock.unlock();
        }
    }

    // ---- the ledger's own API ----

    /**
     * Calls the listener with every row written from now on, once it is durable, under the ledger's lock (so in the
     * order of the file): a listener must be quick, and must not write to the ledger.
     */
    @Override
    public void onChange(Consumer<LedgerEntry> listener) {
        listeners.add(listener);
    }

    /**
     * Reads every line of the file front to back, the earlier rows of a key too (as far as the last compaction kept
     * them): the history of each item, for what wants to know when each change happened.
     */
    @Override
    public void history(Consumer<LedgerEntry> reader) throws IOException {
        long end;
        lock.lock();
        try {
            end = length;
        } finally {
            lock.unlock();
        }
        try (InputStream in = Files.newInputStream(file)) {
            LineReader lines = new LineReader(in);
            lines.next();
            String line;
            while (lines.consumed() < end && (line = lines.next()) != null) {
                LedgerCsv.parse(line, LedgerCsv.FIELDS).ifPresent(reader);
            }
        }
    }

    /** Appends the row of a new key; false, and nothing written, when the key is already known. */
    @Override
    public boolean claim(LedgerEntry entry) {
        long written;
        lock.lock();
        try {
            if (contains(entry.key())) {
                return false;
            }
            written = append(List.of(entry));
        } finally {
            lock.unlock();
        }
        forceThrough(written);
        return true;
    }

    /** Appends all rows with one write and one flush. */
    @Override
    public void recordAll(Collection<LedgerEntry> changed) {
        if (changed.isEmpty()) {
            return;
        }
        long written;
        lock.lock();
        try {
            written = append(changed);
        } finally {
            lock.unlock();
        }
        forceThrough(written);
    }

    @Override
    public Optional<LedgerEntry> find(String key) {
        lock.lock();
        try {
            LedgerEntry held = inFlight.get(key);
            if (held != null) {
                return Optional.of(held);
            }
            int entry = index.find(key);
            if (entry < 0 || index.status(entry) == ItemStatus.REMOVED) {
                return Optional.empty();
            }
            return Optional.of(readRow(index.offset(entry)));
        } finally {
            lock.unlock();
        }
    }

    /** The items of the batch, in the order they were claimed. */
    @Override
    public List<LedgerEntry> batch(String batchId) {
        lock.lock();
        try {
            List<LedgerEntry> items = new ArrayList<>();
            ActiveBatch active = activeBatches.get(batchId);
            if (active != null) {
                active.keys.forEach(key -> find(key).ifPresent(items::add));
            } else {
                index.forEachOfBatch(batchId, entry -> items.add(readRow(index.offset(entry))));
            }
            items.removeIf(e -> !batchId.equals(e.batchId()) || e.status() == ItemStatus.REMOVED);
            items.sort(Comparator.comparing(LedgerEntry::claimedAt).thenComparing(LedgerEntry::key));
            return items;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The items that were in the batch and went on to another one (replayed or reloaded), as they are now; as far as
     * the last compaction kept it.
     */
    @Override
    public List<LedgerEntry> movedOutOf(String batchId) {
        lock.lock();
        try {
            List<LedgerEntry> items = new ArrayList<>();
            index.forEachFormerOfBatch(batchId, entry -> {
                if (index.status(entry) != ItemStatus.REMOVED) {
                    items.add(readRow(index.offset(entry)));
                }
            });
            items.sort(Comparator.comparing(LedgerEntry::claimedAt).thenComparing(LedgerEntry::key));
            return items;
        } finally {
            lock.unlock();
        }
    }

    /** Batches with at least one item in one of the given statuses of items on their way, oldest batch id first. */
    @Override
    public List<String> batchesWith(Set<ItemStatus> statuses) {
        Ledger.onTheirWay(statuses);
        lock.lock();
        try {
            return inFlight.values().stream()
                    .filter(e -> e.hasBatch() && statuses.contains(e.status()))
                    .map(LedgerEntry::batchId)
                    .distinct()
                    .sorted()
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** Whether an item of some batch is in one of the given statuses of items on their way. */
    @Override
    public boolean anyBatchWith(Set<ItemStatus> statuses) {
        Ledger.onTheirWay(statuses);
        lock.lock();
        try {
            return inFlight.values().stream().anyMatch(e -> e.hasBatch() && statuses.contains(e.status()));
        } finally {
            lock.unlock();
        }
    }

    /** The entries of items still on their way (claimed, converted, uploaded). */
    /** One instance keeps the file: every item on its way is its own. */
    @Override
    public List<LedgerEntry> inFlightHere() {
        return inFlight();
    }

    @Override
    public List<LedgerEntry> inFlight() {
        lock.lock();
        try {
            return List.copyOf(inFlight.values());
        } finally {
            lock.unlock();
        }
    }

    /** The names of the items still on their way. */
    @Override
    public Set<String> namesInFlight() {
        lock.lock();
        try {
            Set<String> names = new HashSet<>();
            inFlight.values().forEach(e -> names.add(e.name()));
            return names;
        } finally {
            lock.unlock();
        }
    }

    /** The entries written since the ledger was opened (the items of this run), in the order of their keys. */
    @Override
    public List<LedgerEntry> touchedSinceOpen() {
        return rows(index::touched);
    }

    /** Every entry, in the order the keys were first written: reads every row, for audits and tests. */
    @Override
    public List<LedgerEntry> entries() {
        return rows(entry -> true);
    }

    @Override
    public void forEachEntry(Consumer<LedgerEntry> reader) {
        entries().forEach(reader);
    }

    /** The live entries the index picks, each read back from the file. */
    private List<LedgerEntry> rows(IntPredicate which) {
        lock.lock();
        try {
            List<LedgerEntry> rows = new ArrayList<>();
            for (int entry = 0; entry < index.size(); entry++) {
                if (index.status(entry) != ItemStatus.REMOVED && which.test(entry)) {
                    rows.add(readRow(index.offset(entry)));
                }
            }
            return rows;
        } finally {
            lock.unlock();
        }
    }

    /** The number of keys in each status, kept up to date as rows are written. */
    @Override
    public Map<ItemStatus, Long> countByStatus() {
        lock.lock();
        try {
            Map<ItemStatus, Long> byStatus = new EnumMap<>(ItemStatus.class);
            for (ItemStatus status : ItemStatus.values()) {
                if (status != ItemStatus.REMOVED && counts[status.ordinal()] > 0) {
                    byStatus.put(status, counts[status.ordinal()]);
                }
            }
            return byStatus;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return (int) (index.size() - counts[ItemStatus.REMOVED.ordinal()]);
        } finally {
            lock.unlock();
        }
    }

    // ---- in memory ----

    private void remember(LedgerEntry entry, long offset, boolean touched) {
        ItemStatus previous = index.put(entry.key(), entry.status(), entry.batchId(), offset, touched);
        if (previous != null) {
            counts[previous.ordinal()]--;
        }
        counts[entry.status().ordinal()]++;

        LedgerEntry before = inFlight.remove(entry.key());
        if (before != null && before.hasBatch()) {
            ActiveBatch batch = activeBatches.get(before.batchId());
            if (batch != null) {
                batch.inFlight--;
                if (!before.batchId().equals(entry.batchId())) {
                    batch.keys.remove(entry.key());
                }
                if (batch.inFlight <= 0) {
                    activeBatches.remove(before.batchId());
                }
            }
        }
        if (ItemStatus.IN_FLIGHT.contains(entry.status())) {
            inFlight.put(entry.key(), entry);
            if (entry.hasBatch()) {
                ActiveBatch batch = activeBatches.computeIfAbsent(entry.batchId(), this::membersOf);
                batch.keys.add(entry.key());
                batch.inFlight++;
            }
        }
    }

    /** A batch that becomes active again (an item of it back on its way): with the keys it has already. */
    private ActiveBatch membersOf(String batchId) {
        ActiveBatch batch = new ActiveBatch();
        index.forEachOfBatch(batchId, entry -> batch.keys.add(readRow(index.offset(entry)).key()));
        return batch;
    }

    // ---- the file ----

    /** Writes the rows (not yet forced to disk) and keeps them in memory; returns the number of this append. */
    private long append(Collection<LedgerEntry> changed) {
        if (appendChannel == null) {
            throw new IllegalStateException("Ledger " + file + " is not open");
        }
        List<byte[]> rows = new ArrayList<>(changed.size());
        int total = 0;
        for (LedgerEntry entry : changed) {
            byte[] row = (LedgerCsv.format(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            rows.add(row);
            total += row.length;
        }
        ByteBuffer bytes = ByteBuffer.allocate(total);
        rows.forEach(bytes::put);
        bytes.flip();
        try {
            while (bytes.hasRemaining()) {
                appendChannel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the ledger " + file, e);
        }
        int i = 0;
        for (LedgerEntry entry : changed) {
            remember(entry, length, true);
            length += rows.get(i++).length;
        }
        lines += changed.size();
        for (Consumer<LedgerEntry> listener : listeners) {
            changed.forEach(listener);
        }
        long number = ++appended;
        if (lines > compactMinLines && lines > 2L * size()) {
            rewrite();
        }
        return number;
    }

    /**
     * Returns once the append of that number is on disk: forces the file unless a flush begun after the append
     * (another thread's, or a compaction's) already did.
     */
    private void forceThrough(long number) {
        while (durable.get() < number) {
            synchronized (forcing) {
                if (durable.get() >= number) {
                    return;
                }
                long target = appended;
                FileChannel channel = appendChannel;
                if (channel == null) {
                    throw new IllegalStateException("Ledger " + file + " is not open");
                }
                try {
                    channel.force(false);
                    durable.accumulateAndGet(target, Math::max);
                } catch (ClosedChannelException e) {
                    // a compaction replaced the file (forced whole) meanwhile: the loop sees it durable
                    if (appendChannel == channel) {
                        throw new UncheckedIOException("Cannot append to the ledger " + file, e);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot append to the ledger " + file, e);
                }
            }
        }
    }

    private LedgerEntry readRow(long offset) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(512);
            int end = -1;
            while (end < 0) {
                int read = readChannel.read(buffer, offset + buffer.position());
                for (int i = 0; i < buffer.position(); i++) {
                    if (buffer.get(i) == '\n') {
                        end = i;
                        break;
                    }
                }
                if (end < 0 && read < 0) {
                    throw new IllegalStateException("Ledger " + file + ": no row ends after offset " + offset);
                }
                if (end < 0 && !buffer.hasRemaining()) {
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                }
            }
            String line = new String(buffer.array(), 0, end, StandardCharsets.UTF_8);
            return LedgerCsv.parse(line, LedgerCsv.FIELDS).orElseThrow(() -> new IllegalStateException(
                    "Ledger " + file + ": the row at offset " + offset + " cannot be read"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the ledger " + file, e);
        }
    }

    private void openChannels() throws IOException {
        appendChannel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        readChannel = FileChannel.open(file, StandardOpenOption.READ);
        length = appendChannel.size();
    }

    /**
     * Writes the latest row of each live key to a new file and moves it over the old one; a crash before the move
     * leaves the old file whole. The rows on their way are written as held, the others copied byte for byte.
     */
    private void rewrite() {
        Path tmp = file.resolveSibling(file.getFileName() + ".compacting");
        LedgerIndex compacted = new LedgerIndex(size());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), READ_BUFFER)) {
            byte[] header = (HEADER + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(header);
            long offset = header.length;
            for (int entry = 0; entry < index.size(); entry++) {
                if (index.status(entry) == ItemStatus.REMOVED) {
                    continue;
                }
                LedgerEntry row = readRow(index.offset(entry));
                byte[] bytes = (LedgerCsv.format(row) + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(bytes);
                compacted.put(row.key(), row.status(), row.batchId(), offset, index.touched(entry));
                offset += bytes.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compact the ledger " + file, e);
        }
        try {
            try (FileChannel written = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            if (appendChannel != null) {
                appendChannel.close();
                readChannel.close();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            openChannels();
            durable.accumulateAndGet(appended, Math::max);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compact the ledger " + file, e);
        }
        index = compacted;
        counts[ItemStatus.REMOVED.ordinal()] = 0;
        lines = index.size();
        LOG.info("Ledger {} compacted to {} keys", file, lines);
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

    /**
     * Reads the file once, front to back: each line's key, status and batch go into the index (a later line of a key
     * replaces its earlier one); then the rows of the items on their way are read whole.
     */
    private void load() throws IOException {
        long fileSize = Files.size(file);
        index = new LedgerIndex((int) Math.min(Integer.MAX_VALUE / 64, Math.max(16, fileSize / 400)));
        inFlight.clear();
        activeBatches.clear();
        Arrays.fill(counts, 0);
        lines = 0;
        int skipped = 0;
        try (InputStream in = Files.newInputStream(file)) {
            LineReader reader = new LineReader(in);
            String line = reader.next();
            if (line != null && !line.equals(HEADER)) {
                throw new IOException("Ledger " + file + " does not start with the header " + HEADER);
            }
            long offset = reader.consumed();
            while ((line = reader.next()) != null) {
                LedgerCsv.Head head = LedgerCsv.head(line, LedgerCsv.FIELDS);
                if (head != null) {
                    ItemStatus previous = index.put(head.key(), head.status(), head.batchId(), offset, false);
                    if (previous != null) {
                        counts[previous.ordinal()]--;
                    }
                    counts[head.status().ordinal()]++;
                    lines++;
                } else if (!line.isBlank()) {
                    skipped++;
                }
                offset = reader.consumed();
            }
        }
        try (FileChannel reading = FileChannel.open(file, StandardOpenOption.READ)) {
            readChannel = reading;
            for (int entry = 0; entry < index.size(); entry++) {
                if (ItemStatus.IN_FLIGHT.contains(index.status(entry))) {
                    LedgerEntry row = readRow(index.offset(entry));
                    inFlight.put(row.key(), row);
                }
            }
            for (LedgerEntry row : List.copyOf(inFlight.values())) {
                if (row.hasBatch()) {
                    ActiveBatch batch = activeBatches.computeIfAbsent(row.batchId(), this::membersOf);
                    batch.inFlight++;
                }
            }
        } finally {
            readChannel = null;
        }
        if (skipped > 0) {
            LOG.warn("Ledger {}: skipped {} unreadable lines", file, skipped);
        }
    }

    /** Lines of UTF-8 text with the count of bytes consumed, for the offset of each line. */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[READ_BUFFER];
        private int position;
        private int limit;
        private long consumed;
        private byte[] pending = new byte[256];

        LineReader(InputStream in) {
            this.in = in;
        }

        long consumed() {
            return consumed;
        }

        String next() throws IOException {
            int pendingLength = 0;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return pendingLength == 0 ? null : new String(pending, 0, pendingLength,
                                StandardCharsets.UTF_8);
                    }
                }
                for (int i = position; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        String line;
                        if (pendingLength == 0) {
                            line = new String(buffer, position, i - position, StandardCharsets.UTF_8);
                        } else {
                            pending = ensure(pending, pendingLength + i - position);
                            System.arraycopy(buffer, position, pending, pendingLength, i - position);
                            line = new String(pending, 0, pendingLength + i - position, StandardCharsets.UTF_8);
                        }
                        consumed += i - position + 1 + pendingLength;
                        position = i + 1;
                        return line;
                    }
                }
                pending = ensure(pending, pendingLength + limit - position);
                System.arraycopy(buffer, position, pending, pendingLength, limit - position);
                pendingLength += limit - position;
                position = limit;
            }
        }

        private static byte[] ensure(byte[] array, int length) {
            return array.length >= length ? array : Arrays.copyOf(array, Math.max(length, array.length * 2));
        }
    }
}
