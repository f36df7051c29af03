package io.nimbusverse.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.intake.BatchProgress;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console and the CLI show, kept as the ledger changes so that no request reads the whole ledger: the
 * batches newest first with the time each stage was reached, the quarantined items newest first, and the names and
 * keys of every item for the search. A batch's items are read from the ledger when it is asked for (a batch is at
 * most {@code nimbus.intake.batch-size} items).
 *
 * <p>Started from the ledger's history (every line of its file, so the stage times of earlier runs are known as far
 * as the last compaction kept them), then fed each row the ledger writes.
 */
public class BatchBoard {

    /** The steps of a batch's timeline, in order. */
    public static final List<String> STEPS = List.of("claimed", "converted", "uploaded", "loaded", "completed");
    private static final Logger LOG = LoggerFactory.getLogger(BatchBoard.class);

    private static final Pattern ROWS = Pattern.compile("(?:^| )rows=(\\d+)");
    private static final Pattern TABLE = Pattern.compile("(?:^| )table=(\\S+)");
    private static final Pattern PARQUET = Pattern.compile("(?:^| )parquet=parquet/([^/\\s]+)/");
    private static final Pattern LOADED = Pattern.compile("(?:^| )loaded=(\\S+)");

    /** When a batch reached each step: the earliest row that shows it. */
    private static final class Times {
        final Map<String, Instant> reached = new ConcurrentHashMap<>();

        void reach(String step, Instant at) {
            if (at != null) {
                reached.merge(step, at, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
    }

    private final Ledger ledger;
    private final NavigableMap<String, Times> batches = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    /** quarantined keys by when they were quarantined (newest first), and the position of each key */
    private final NavigableMap<String, String> quarantined = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    private final Map<String, String> quarantinedAt = new ConcurrentHashMap<>();
    private final NameIndex names = new NameIndex();
    /** rows written while the history is read, applied after it; null once it is read */
    private List<LedgerEntry> held;

    public BatchBoard(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Follows the ledger's changes and reads its history on a thread of its own (seconds for millions of items, which
     * the start does not wait for): rows written meanwhile are held, and applied after the history, in order.
     */
    public void open() {
        Thread reader = new Thread(() -> {
            try {
                readHistory();
            } catch (IOException | RuntimeException e) {
                LOG.error("The console cannot read the ledger's history: it shows what happens from now on", e);
                synchronized (this) {
                    held.forEach(this::apply);
                    held = null;
                }
            }
        }, "console-history");
        synchronized (this) {
            held = new ArrayList<>();
        }
        ledger.onChange(this::follow);
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads the history on the calling thread: what {@link #open()} does in the background. */
    void readHistory() throws IOException {
        ledger.history(this::apply);
        synchronized (this) {
            held.forEach(this::apply);
            held = null;
        }
        LOG.debug("The console's board holds {} batches", batches.size());
    }

    /** Whether the history is still being read: the pages show what is known so far. */
    public synchronized boolean isLoading() {
        return held != null;
    }

    private synchronized void follow(LedgerEntry row) {
        if (held != null) {
            held.add(row);
        } else {
            apply(row);
        }
    }

    void apply(LedgerEntry row) {
        if (row.status() == ItemStatus.CLAIMED || row.status() == ItemStatus.DUPLICATE) {
            names.add(row.key(), row.name());
        }
        String key = row.key();
        String before = quarantinedAt.remove(key);
        if (before != null) {
            quarantined.remove(before);
        }
        if (row.status() == ItemStatus.QUARANTINED) {
            String at = row.updatedAt() + " " + key;
            quarantinedAt.put(key, at);
            quarantined.put(at, key);
        }
        if (!row.hasBatch()) {
            return;
        }
        Times times = batches.computeIfAbsent(row.batchId(), id -> new Times());
        times.reach("claimed", row.claimedAt());
        switch (row.status()) {
            case CONVERTED -> times.reach("converted", row.updatedAt());
            case UPLOADED -> {
                times.reach("converted", row.updatedAt());
                times.reach("uploaded", row.updatedAt());
            }
            case DONE -> {
                loadedAt(row.detail()).ifPresent(at -> times.reach("loaded", at));
                times.reach("completed", row.updatedAt());
            }
            case FAILED -> times.reach("completed", row.updatedAt());
            // the convert stage set the item aside: the batch went through it
            case QUARANTINED -> times.reach("converted", row.updatedAt());
            default -> {
                // CLAIMED is the batch's first step; the other statuses end an item without a step of the batch
            }
        }
    }

    // ---- what the pages show ----

    /** A step of a batch's timeline and when it was reached (null: not yet). */
    public record Step(String name, Instant at) {
    }

    /**
     * A batch as the list shows it; {@code movedOn}: its items that went on to a later batch (replayed, reloaded),
     * counted apart from its items.
     */
    public record BatchSummary(String batchId, String status, Instant createdAt, int items,
            Map<String, Integer> byStatus, Map<String, Integer> byClass, long rows, int movedOn,
            List<Step> timeline) {
    }

    public record BatchPage(List<BatchSummary> batches, int total, String next) {
    }

    /** An item as the pages show it: its ledger row, and what its detail tells of its table and rows. */
    public record ItemView(String key, String name, String source, long size, String itemClass, String mediaType,
            String status, String batchId, Instant claimedAt, Instant updatedAt, String s3Key, String table, Long rows,
            String detail, List<String> actions) {
    }

    /** A batch with its items, and the items that went on to a later batch as they are now. */
    public record BatchDetail(BatchSummary summary, List<ItemView> items, List<ItemView> movedOn) {
    }

    public record QuarantinePage(List<ItemView> items, int total, String next) {
    }

    /**
     * A page of batches, newest first: {@code limit} batches older than {@code before} (a batch id; null for the
     * newest). Each one's items are read from the ledger, the others not at all.
     */
    public BatchPage batches(int limit, String before) {
        NavigableMap<String, Times> older = before == null || before.isBlank() ? batches
                : batches.tailMap(before, false);
        List<BatchSummary> page = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, Times> batch : older.entrySet()) {
            if (page.size() == limit) {
                next = page.get(page.size() - 1).batchId();
                break;
            }
            page.add(summary(batch.getKey(), batch.getValue(), ledger.batch(batch.getKey()),
                    ledger.movedOutOf(batch.getKey()).size()));
        }
        return new BatchPage(page, batches.size(), next);
    }

    public Optional<BatchDetail> batch(String batchId) {
        Times times = batches.get(batchId);
        if (times == null) {
            return Optional.empty();
        }
        List<LedgerEntry> items = ledger.batch(batchId);
        List<LedgerEntry> moved = ledger.movedOutOf(batchId);
        return Optional.of(new BatchDetail(summary(batchId, times, items, moved.size()),
                items.stream().map(BatchBoard::view).toList(), moved.stream().map(BatchBoard::view).toList()));
    }

    /** The status of the batch an item is in now, for the actions its page offers. */
    public Optional<String> statusOf(String batchId) {
        Times times = batches.get(batchId);
        return times == null ? Optional.empty()
                : Optional.of(status(times, ledger.batch(batchId), ledger.movedOutOf(batchId).size()));
    }

    public QuarantinePage quarantined(int limit, String before) {
        NavigableMap<String, String> older = before == null || before.isBlank() ? quarantined
                : quarantined.tailMap(before, false);
        List<ItemView> page = new ArrayList<>();
        String next = null;
        String last = null;
        for (Map.Entry<String, String> entry : older.entrySet()) {
            if (page.size() == limit) {
                next = last;
                break;
            }
            ledger.find(entry.getValue()).ifPresent(e -> page.add(view(e)));
            last = entry.getKey();
        }
        return new QuarantinePage(page, quarantined.size(), next);
    }

    /**
     * The items whose name or key holds the text (any case), newest first; a whole SHA-256 is looked up at once, and
     * finds the duplicates of those bytes too.
     */
    public List<ItemView> search(String text, int limit) {
        String query = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (query.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        if (query.matches("[0-9a-f]{64}") && ledger.find(query).isPresent()) {
            keys.add(query);
        }
        keys.addAll(names.keysMatching(query, limit));
        List<ItemView> found = new ArrayList<>();
        for (String key : keys) {
            if (found.size() == limit) {
                break;
            }
            ledger.find(key).ifPresent(e -> found.add(view(e)));
        }
        return found;
    }

    public Map<ItemStatus, Long> countByStatus() {
        return ledger.countByStatus();
    }

    public int batchCount() {
        return batches.size();
    }

    public int quarantinedCount() {
        return quarantined.size();
    }

    public Optional<ItemView> item(String key) {
        return ledger.find(key).map(BatchBoard::view);
    }

    // ---- summaries ----

    private static BatchSummary summary(String batchId, Times times, List<LedgerEntry> items, int movedOn) {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        Map<String, Integer> byClass = new LinkedHashMap<>();
        long rows = 0;
        for (LedgerEntry item : items) {
            byStatus.merge(item.status().name(), 1, Integer::sum);
            byClass.merge(item.itemClass().isEmpty() ? "unclassified" : item.itemClass(), 1, Integer::sum);
            if (item.status() == ItemStatus.DONE) {
                rows += rowsOf(item.detail()).orElse(0L);
            }
        }
        List<Step> timeline = STEPS.stream().map(step -> new Step(step, times.reached.get(step))).toList();
        Instant created = times.reached.get("claimed");
        return new BatchSummary(batchId, status(times, items, movedOn), created, items.size(), byStatus, byClass, rows,
                movedOn, timeline);
    }

    /**
     * FAILED or TIMED_OUT when an item says so; else the earliest stage an item of the batch is still in (CLAIMED,
     * CONVERTED, UPLOADED: waiting for the loader); else COMPLETED, or the status that ended every item (REQUEUED when
     * every item went on to a later batch).
     */
    private static String status(Times times, List<LedgerEntry> items, int movedOn) {
        if (items.stream().anyMatch(e -> e.status() == ItemStatus.FAILED)) {
            return "FAILED";
        }
        if (items.stream().anyMatch(e -> e.status() == ItemStatus.UPLOADED
                && e.detail().contains(BatchProgress.TIMED_OUT))) {
            return "TIMED_OUT";
        }
        Optional<ItemStatus> earliest = items.stream().map(LedgerEntry::status).filter(ItemStatus.IN_FLIGHT::contains)
                .min(Comparator.naturalOrder());
        if (earliest.isPresent()) {
            return earliest.get().name();
        }
        // every item ended: COMPLETED when one loaded, else what ended them all (QUARANTINED, DUPLICATE, REQUEUED);
        // a batch whose items all went on to later batches was requeued as a whole
        if (items.isEmpty()) {
            return movedOn > 0 ? ItemStatus.REQUEUED.name() : "COMPLETED";
        }
        return items.stream().anyMatch(e -> e.status() == ItemStatus.DONE) ? "COMPLETED"
                : items.get(0).status().name();
    }

    static ItemView view(LedgerEntry e) {
        List<String> actions = switch (e.status()) {
            case QUARANTINED -> e.source().equals("file") ? List.of("replay") : List.of();
            case DONE -> e.source().equals("file") ? List.of("reload") : List.of();
            default -> List.of();
        };
        return new ItemView(e.key(), e.name(), e.source(), e.size(), e.itemClass(), e.mediaType(), e.status().name(),
                e.batchId(), e.claimedAt(), e.updatedAt(), e.s3Key(), tableOf(e.detail()).orElse(null),
                rowsOf(e.detail()).orElse(null), e.detail(), actions);
    }

    static Optional<Long> rowsOf(String detail) {
        Matcher m = ROWS.matcher(detail);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The table the item's rows go into: named in the detail when it is not the dataset's, else the dataset's. */
    static Optional<String> tableOf(String detail) {
        Matcher table = TABLE.matcher(detail);
        if (table.find()) {
            return Optional.of(table.group(1));
        }
        Matcher parquet = PARQUET.matcher(detail);
        return parquet.find() ? Optional.of(parquet.group(1)) : Optional.empty();
    }

    private static Optional<Instant> loadedAt(String detail) {
        Matcher m = LOADED.matcher(detail);
        return m.find() ? Optional.of(Instant.parse(m.group(1))) : Optional.empty();
    }

    /**
     * Every item's lower-case name and key, one line each in one growing byte array (about the name's and key's
     * length per item): searched front to back, the latest matches kept.
     */
    private static final class NameIndex {
        private byte[] bytes = new byte[1 << 16];
        private int used;

        synchronized void add(String key, String name) {
            byte[] line = (name.toLowerCase(Locale.ROOT) + "\t" + key + "\n").getBytes(StandardCharsets.UTF_8);
            if (used + line.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + line.length));
            }
            System.arraycopy(line, 0, bytes, used, line.length);
            used += line.length;
        }

        /** The keys of the latest lines holding the query, newest first. */
        synchronized List<String> keysMatching(String query, int limit) {
            byte[] needle = query.getBytes(StandardCharsets.UTF_8);
            Deque<String> latest = new ArrayDeque<>();
            int start = 0;
            while (start < used) {
                int end = start;
                while (bytes[end] != '\n') {
                    end++;
                }
                if (contains(start, end, needle)) {
                    int tab = end;
                    while (bytes[tab] != '\t') {
                        tab--;
                    }
                    latest.addFirst(new String(bytes, tab + 1, end - tab - 1, StandardCharsets.UTF_8));
                    if (latest.size() > limit * 2) {
                        latest.removeLast();
                    }
                }
                start = end + 1;
            }
            return new ArrayList<>(new LinkedHashSet<>(latest));
        }

        private boolean contains(int from, int to, byte[] needle) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }
}
