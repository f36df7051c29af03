package io.nimbusverse.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;

/**
 * Seals claimed items into batches, finds the batches whose START_UPLOAD may never have been sent, and gives each
 * stage the items of a batch: the ledger knows which items a batch has and where each stands, the item's work
 * folder keeps what the stages learnt of it ({@value #ITEM_FILE}). Signals carry only the batch id.
 */
public class Batches {

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** What the stages learnt of an item (media type, Parquet, metadata), in its work folder. */
    public static final String ITEM_FILE = "item.json";

    private final Ledger ledger;
    private final WorkFolders folders;
    private final ObjectMapper json;
    private final InboxLeases leases;
    private final SharedWork share;

    /**
     * @param leases who takes each inbox file: a claim is recovered only under its name's lease
     * @param share  where the other instances of a cluster find the items' folders ({@link SharedWork#LOCAL} alone)
     */
    public Batches(Ledger ledger, WorkFolders folders, ObjectMapper json, InboxLeases leases, SharedWork share) {
        this.ledger = ledger;
        this.folders = folders;
        this.json = json;
        this.leases = leases;
        this.share = share;
    }

    /** A batch id that sorts by creation time: {@code 20261125T181833Z-3fa9c1}. */
    static String newId(Instant now) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(random);
    }

    public static Instant createdAt(String batchId) {
        return ID_TIME.parse(batchId.substring(0, 16), Instant::from);
    }

    /**
     * Gives the items a batch, durably, before START_UPLOAD is sent: if the send is lost in a crash,
     * {@link #unsent()} finds the batch again at the next start. An item handed over twice (a file seen again while
     * its batch was still open, or batched already by the recovery at start) is kept once, in its first batch. When
     * other instances may take the batch, its items' folders are put where they find them first.
     */
    public Signal seal(List<BatchItem> items) throws IOException {
        Instant now = Instant.now();
        String batchId = newId(now);
        Map<String, BatchItem> unique = new LinkedHashMap<>();
        items.forEach(item -> unique.putIfAbsent(item.getKey(), item));
        List<LedgerEntry> assigned = new ArrayList<>();
        for (BatchItem item : unique.values()) {
            ledger.find(item.getKey()).filter(e -> !e.hasBatch()).ifPresent(e -> assigned.add(e.withBatch(batchId)));
        }
        for (LedgerEntry entry : assigned) {
            share.put(folders.itemDir(entry.key()), true);
        }
        ledger.recordAll(assigned);
        return Signal.of(SignalType.START_UPLOAD, batchId, now, assigned.size());
    }

    /**
     * START_UPLOAD again for every batch with items still CLAIMED. When the first one did reach Kafka,
     * the convert stage sees the batch converted and skips the second.
     */
    public List<Signal> unsent() {
        return ledger.inFlightHere().stream()
                .filter(e -> e.status() == ItemStatus.CLAIMED && e.hasBatch())
                .map(LedgerEntry::batchId)
                .distinct()
                .sorted()
                .map(batchId -> signalOf(SignalType.START_UPLOAD, batchId))
                .toList();
    }

    /** A signal of the batch at a stage. */
    public Signal signalOf(SignalType type, String batchId) {
        return Signal.of(type, batchId, createdAt(batchId), ledger.batch(batchId).size());
    }

    /**
     * Every item of the batch, in a stable order; the quarantined ones carry their reason. What another instance
     * learnt of an item is fetched; its files are not ({@link #liveItems}).
     */
    public List<BatchItem> items(String batchId) {
        return items(batchId, false);
    }

    private List<BatchItem> items(String batchId, boolean withFiles) {
        List<BatchItem> items = new ArrayList<>();
        for (LedgerEntry entry : ledger.batch(batchId)) {
            BatchItem item = share.shared() ? fetched(entry, withFiles && entry.status() != ItemStatus.QUARANTINED)
                    : itemOf(entry);
            if (entry.status() == ItemStatus.QUARANTINED) {
                item.setQuarantineReason(entry.detail());
            }
            items.add(item);
        }
        return items;
    }

    /** The items of the batch that are not quarantined, each with its files in this instance's work folder. */
    public List<BatchItem> liveItems(String batchId) {
        return items(batchId, true).stream().filter(i -> !i.isQuarantined()).toList();
    }

    /** Keeps what a stage learnt of the item, for the next stages and for a batch taken again after a crash. */
    public BatchItem save(BatchItem item) throws IOException {
        Path dir = folders.itemDir(item.getKey());
        write(dir, item);
        share.put(dir, false);
        return item;
    }

    private void write(Path dir, BatchItem item) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(ITEM_FILE + ".tmp");
        json.writeValue(tmp.toFile(), item);
        Files.move(tmp, dir.resolve(ITEM_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The item as the instance that got furthest with it left it: a folder of this instance's own that has not been
     * converted here is completed from the shared one, its paths made this instance's, and with {@code withFiles}
     * the files it names that this folder lacks are fetched.
     */
    private BatchItem fetched(LedgerEntry entry, boolean withFiles) {
        Path dir = folders.itemDir(entry.key());
        BatchItem item = itemOf(entry);
        try {
            // asked for whatever the ledger says: CLOUD_UPLOAD is sent before the batch's items are CONVERTED
            if (!convertedHere(item) && share.fetch(dir, ITEM_FILE)) {
                item = folders.relocated(json.readValue(dir.resolve(ITEM_FILE).toFile(), BatchItem.class));
                write(dir, item);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot fetch what another instance learnt of item " + entry.key(), e);
        }
        return withFiles ? withFiles(item) : item;
    }

    /** The item, the files it names in this instance's work folder: those another instance made are fetched. */
    public BatchItem withFiles(BatchItem item) {
        if (!share.shared()) {
            return item;
        }
        Path dir = folders.itemDir(item.getKey());
        for (Path file : folders.filesOf(item)) {
            if (!Files.exists(file) && file.startsWith(dir)) {
                try {
                    if (!share.fetch(dir, relative(dir, file))) {
                        // never the item's fault: it was put before its batch was announced
                        throw new NoSuchFileException(file.toString(), null, "neither in this work folder nor put "
                                + "where the instances share the items' folders");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot fetch " + file + " of item " + item.getKey(), e);
                }
            }
        }
        return item;
    }

    private static boolean convertedHere(BatchItem item) {
        return item.getMetadataPath() != null && Files.exists(Path.of(item.getMetadataPath()));
    }

    /** Deletes the work folders of a finished batch's items, here and where other instances find them. */
    public void cleanUp(List<BatchItem> items) {
        Map<Path, List<String>> shared = new LinkedHashMap<>();
        for (BatchItem item : items) {
            Path dir = folders.itemDir(item.getKey());
            List<String> files = shared.computeIfAbsent(dir, d -> new ArrayList<>());
            folders.filesOf(item).stream().filter(file -> file.startsWith(dir)).map(file -> relative(dir, file))
                    .forEach(files::add);
        }
        share.delete(shared);
        folders.cleanUp(items);
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /**
     * Deletes the folders of finished items this instance worked on for a batch that another instance completed. A
     * folder changed in the last minute is left for the next time: its item may be being taken again just now.
     */
    public int cleanUpFinishedElsewhere() throws IOException {
        int deleted = 0;
        long quietSince = System.currentTimeMillis() - 60_000;
        for (Path dir : folders.itemDirs()) {
            try {
                Path saved = dir.resolve(ITEM_FILE);
                String key = Files.exists(saved) ? json.readValue(saved.toFile(), BatchItem.class).getKey()
                        : dir.getFileName().toString();
                boolean finished = ledger.find(key).map(e -> e.status().isFinal()).orElse(false);
                if (finished && Files.getLastModifiedTime(dir).toMillis() < quietSince) {
                    WorkFolders.deleteTree(dir);
                    deleted++;
                }
            } catch (NoSuchFileException e) {
                // the completion of its batch on this instance deleted it meanwhile
            }
        }
        return deleted;
    }

    /**
     * Items claimed and never batched (a crash between claim and batch, the aggregator's memory lost): batch them
     * now from their staged copies, whether or not the inbox still holds the file. A claim whose copy was lost too
     * (the process ended between the claim and keeping the copy) is released when the inbox holds the file, which is
     * then taken again, and FAILED when it does not.
     */
    public List<BatchItem> unbatched() throws IOException {
        List<BatchItem> items = new ArrayList<>();
        List<LedgerEntry> lost = new ArrayList<>();
        for (LedgerEntry entry : ledger.inFlightHere()) {
            if (entry.status() != ItemStatus.CLAIMED || entry.hasBatch()) {
                continue;
            }
            BatchItem item = itemOf(entry);
            if (entry.source().equals("file") && !leases.take(entry.name())) {
                // a shared inbox: another instance took the file over (this one was down), and batches it
                continue;
            }
            if (!entry.source().equals("file")) {
                // a chunk of table rows is made when read: without its saved item, its rows are read again
                if (Files.exists(folders.itemDir(entry.key()).resolve(ITEM_FILE))) {
                    items.add(item);
                } else {
                    ledger.remove(entry.key());
                }
            } else if (Files.exists(Path.of(item.getStagedPath()))) {
                items.add(item);
            } else if (Files.exists(Path.of(item.getInboxPath()))) {
                ledger.remove(entry.key());
            } else {
                lost.add(entry.withStatus(ItemStatus.FAILED, "claimed, then the process ended before its copy was "
                        + "kept, and the inbox no longer holds it: drop the file again"));
            }
        }
        ledger.recordAll(lost);
        return items;
    }

    private BatchItem itemOf(LedgerEntry entry) {
        Path saved = folders.itemDir(entry.key()).resolve(ITEM_FILE);
        if (Files.exists(saved)) {
            try {
                return json.readValue(saved.toFile(), BatchItem.class);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + saved, e);
            }
        }
        BatchItem item = new BatchItem();
        item.setKey(entry.key());
        item.setSha256(entry.key());
        item.setName(entry.name());
        item.setSize(entry.size());
        item.setSource(entry.source());
        item.setInboxPath(folders.inboxFile(entry.name()).toString());
        item.setStagedPath(folders.stagedFile(entry.key(), entry.name()).toString());
        item.setMediaType(entry.mediaType().isEmpty() ? null : entry.mediaType());
        item.setItemClass(entry.itemClass().isEmpty() ? null : entry.itemClass());
        item.setRawKey(entry.s3Key().isEmpty() ? null : entry.s3Key());
        return item;
    }
}
