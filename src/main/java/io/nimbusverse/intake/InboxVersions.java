package io.nimbusverse.intake;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox files taken and not yet released, by name: the content key, size and modification time each had when
 * it was hashed. It decides what becomes of an inbox original: it is deleted or moved only while it is still the
 * version that was taken, never a newer one dropped under the same name.
 *
 * <p>A file replaced or grown under its name while an earlier version of it was on its way (a second drop racing the
 * first, a writer that paused longer than the quiet time) is a conflict: the later version is quarantined with the
 * reason, so that two versions of one file are never both loaded silently. A name whose original changed after it
 * was taken is remembered on disk until its next version has been dealt with.
 *
 * <p>It is also the inbox consumer's memory of seen files ({@code name/size/modified}): a version held here is not
 * read again, however many files wait in the inbox; one that left (released, quarantined, a duplicate moved) is.
 * In an inbox that several instances read, a file is taken only under its name's lease ({@link InboxLeases}): a name
 * another instance holds is passed over, and asked for again once that instance's lease could have lapsed.
 */
public class InboxVersions implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(InboxVersions.class);
    private static final long UNKNOWN = 0;

    /** What was taken of one name. */
    record Version(String key, long size, long modified) {
    }

    private final Path inbox;
    private final Path changedDir;
    private final Ledger ledger;
    private final InboxLeases leases;
    private final long recheckMs;
    private final Map<String, Version> held = new ConcurrentHashMap<>();
    /** the names other instances hold, each until its lease is asked for again (epoch milliseconds) */
    private final Map<String, Long> heldElsewhere = new ConcurrentHashMap<>();
    private int heldElsewhereAtPurge;

    /**
     * @param changedDir where the names whose original changed after it was taken are remembered
     * @param leases     who takes each file of the inbox ({@link InboxLeases#ALONE} when one instance reads it)
     * @param recheck    how long a name another instance holds is passed over before its lease is asked for again
     */
    public InboxVersions(Path inbox, Path changedDir, Ledger ledger, InboxLeases leases, Duration recheck) {
        this.inbox = inbox;
        this.changedDir = changedDir;
        this.ledger = ledger;
        this.leases = leases;
        this.recheckMs = recheck.toMillis();
    }

    /** The consumer's key of a file: its name, size and modification time. */
    public static String seenKey(String name, long size, long modified) {
        return name + "/" + size + "/" + modified;
    }

    /** Holds the version of an item whose original stays in the inbox until it is released. */
    public void hold(BatchItem item) {
        if (item.getInboxPath() != null) {
            held.put(item.getName(), new Version(item.getKey(), item.getSize(), item.getInboxModified()));
        }
    }

    /**
     * Holds the items in flight found in the ledger at start. Their modification times are not known: each is
     * hashed once more when the consumer meets it, and held with its time then.
     */
    public void holdInFlight() {
        // in a shared inbox the ledger also holds the other instances' items: theirs are not held here
        for (LedgerEntry entry : ledger.inFlightHere()) {
            if (entry.source().equals("file")) {
                held.putIfAbsent(entry.name(), new Version(entry.key(), entry.size(), UNKNOWN));
            }
        }
    }

    /**
     * Why the item, just claimed, is a conflict with an earlier version of its name, or null: the earlier one is
     * still on its way, or its original changed after it was taken.
     */
    public synchronized String conflictOf(BatchItem item) throws IOException {
        Version earlier = held.get(item.getName());
        if (earlier != null && !earlier.key().equals(item.getKey()) && reached(earlier, ItemStatus.DONE)) {
            // another instance of a cluster finished it and released its original
            held.remove(item.getName(), earlier);
            earlier = null;
        }
        if (earlier != null && !earlier.key().equals(item.getKey())) {
            return item.getName() + " was replaced while its earlier version (" + describe(earlier.key())
                    + ") was on its way";
        }
        Path changed = changedMarker(item.getName());
        if (Files.exists(changed)) {
            return Files.readString(changed, StandardCharsets.UTF_8);
        }
        return null;
    }

    /** The next version of a name that changed after it was taken has been dealt with (quarantined, a duplicate). */
    public void settled(String name) throws IOException {
        Files.deleteIfExists(changedMarker(name));
    }

    /** Deletes the originals of items whose data is in S3, each if it is still the version that was taken. */
    public synchronized void release(List<BatchItem> items) throws IOException {
        for (BatchItem item : items) {
            Path original = item.getInboxPath() == null ? null : Path.of(item.getInboxPath());
            if (original != null && stillTaken(item, original)) {
                Files.deleteIfExists(original);
                LOG.debug("{} is in S3: removed from the inbox", item.getName());
            }
            forget(item);
        }
    }

    /**
     * Deletes the originals still held when their batch completes: the process ended between the upload's ledger row
     * and the release, and left them in the inbox. An original released already is not looked at again: a newer
     * file may have been dropped under its name since.
     */
    public synchronized void releaseHeld(List<BatchItem> items) throws IOException {
        release(items.stream().filter(this::isHeld).toList());
    }

    private boolean isHeld(BatchItem item) {
        Version version = held.get(item.getName());
        return version != null && version.key().equals(item.getKey());
    }

    /**
     * Moves the original of an item out of the inbox (to quarantine, to duplicates), if it is still the version that
     * was taken; otherwise copies the item's staged copy there and leaves the newer version in the inbox.
     */
    public synchronized void moveOut(BatchItem item, Path target) throws IOException {
        Path original = item.getInboxPath() == null ? null : Path.of(item.getInboxPath());
        if (original != null && stillTaken(item, original)) {
            Files.move(original, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.copy(Path.of(item.getStagedPath()), target);
        }
        forget(item);
    }

    private void forget(BatchItem item) {
        held.computeIfPresent(item.getName(), (name, v) -> v.key().equals(item.getKey()) ? null : v);
        releaseLeaseIfGone(item);
    }

    /**
     * The item is on its way on another instance, which holds its original (in a shared inbox, met here after that
     * instance's lease lapsed): its lease goes back, and its name is passed over for a while.
     */
    public void passOver(BatchItem item) {
        leases.release(item.getName());
        heldElsewhere.put(item.getName(), System.currentTimeMillis() + recheckMs);
    }

    /**
     * Gives the name's lease up once nothing of it is left here: no version held, its original out of the inbox. A
     * newer file under the name, or one that changed after it was taken (its next version is a conflict, which this
     * instance alone knows), keeps the lease here.
     */
    public void releaseLeaseIfGone(BatchItem item) {
        if (item.getInboxPath() != null && !held.containsKey(item.getName())
                && !Files.exists(Path.of(item.getInboxPath()))) {
            leases.release(item.getName());
        }
    }

    /**
     * Whether the inbox file is still the version the item was taken from: same size and modification time (the
     * hash decides when the time was not recorded). A file that changed is left in the inbox, and its name is
     * remembered so that its new version is a conflict.
     */
    private boolean stillTaken(BatchItem item, Path original) throws IOException {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(original, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return false;
        }
        boolean same = now.size() == item.getSize() && (item.getInboxModified() == UNKNOWN
                ? sha256(original).equals(item.getKey())
                : now.lastModifiedTime().toMillis() == item.getInboxModified());
        if (!same) {
            String reason = item.getName() + " changed in the inbox after its version of " + item.getSize()
                    + " bytes was taken (" + describe(item.getKey()) + "): a writer that paused longer than "
                    + "nimbus.intake.read-lock-check-interval-ms, or a new file under the same name";
            Files.createDirectories(changedDir);
            Files.writeString(changedMarker(item.getName()), reason, StandardCharsets.UTF_8);
            LOG.warn("{}; it stays in the inbox, and the next version taken under that name is quarantined as a "
                    + "conflict", reason);
        }
        return same;
    }

    private String describe(String key) {
        Optional<LedgerEntry> entry = ledger.find(key);
        return "sha256 " + key.substring(0, Math.min(12, key.length())) + entry.map(e -> ", " + e.status()
                + (e.hasBatch() ? " in batch " + e.batchId() : "")).orElse("");
    }

    private Path changedMarker(String name) {
        return changedDir.resolve(FileNames.sha256Hex(name));
    }

    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Gives up the leases of names whose file left the inbox without being held here: a poll that met the file just
     * before it was released, moved or deleted takes its lease, and nothing else would give it up.
     */
    public void releaseLeasesOfFilesGone() {
        forgetReleasedElsewhere();
        leases.releaseWhere(name -> !held.containsKey(name) && !Files.exists(inbox.resolve(name)));
    }

    /**
     * Forgets the versions held here whose original another instance of a cluster released: it uploaded their batch
     * and removed them from the inbox, which this instance does not see happen.
     */
    private void forgetReleasedElsewhere() {
        held.forEach((name, version) -> {
            // the file first: the ledger is asked only of the few versions whose original is gone
            if (!Files.exists(inbox.resolve(name)) && reached(version, ItemStatus.UPLOADED)) {
                held.remove(name, version);
            }
        });
    }

    /** Whether the version's item went through the status, or ended, or is no longer in the ledger. */
    private boolean reached(Version version, ItemStatus status) {
        return ledger.find(version.key()).map(e -> e.status().reached(status)).orElse(true);
    }

    // ---- IdempotentRepository of the inbox consumer ----

    /** True while the file is a version held here, unchanged: it is on its way and need not be read again. */
    @Override
    public boolean contains(String seenKey) {
        String name = nameOf(seenKey);
        Version version = held.get(name);
        return version != null && version.modified() != UNKNOWN
                && seenKey.equals(seenKey(name, version.size(), version.modified()));
    }

    /**
     * The consumer's eager check: false (the file is passed over) while it is a version held here, or while another
     * instance holds its name's lease. Nothing is added: a version is held once it is claimed or found on its way,
     * not when the consumer merely reads the file.
     */
    @Override
    public boolean add(String seenKey) {
        if (contains(seenKey)) {
            return false;
        }
        String name = nameOf(seenKey);
        long now = System.currentTimeMillis();
        Long passedOverUntil = heldElsewhere.get(name);
        if (passedOverUntil != null && passedOverUntil > now) {
            return false;
        }
        if (leases.take(name)) {
            heldElsewhere.remove(name);
            return true;
        }
        heldElsewhere.put(name, now + recheckMs);
        forgetLapsedElsewhere(now);
        LOG.debug("{} is another instance's: passed over", FileNames.printable(name));
        return false;
    }

    /** Names of files that left the inbox are not kept for ever: once the map doubled, the lapsed ones go. */
    private synchronized void forgetLapsedElsewhere(long now) {
        if (heldElsewhere.size() > 2 * Math.max(1_000, heldElsewhereAtPurge)) {
            heldElsewhere.values().removeIf(until -> until <= now);
            heldElsewhereAtPurge = heldElsewhere.size();
        }
    }

    private static String nameOf(String seenKey) {
        return seenKey.substring(0, seenKey.lastIndexOf('/', seenKey.lastIndexOf('/') - 1));
    }

    @Override
    public boolean remove(String seenKey) {
        return true;
    }

    @Override
    public boolean confirm(String seenKey) {
        return true;
    }

    @Override
    public void clear() {
        held.clear();
        heldElsewhere.clear();
    }

    @Override
    public void start() {
        // held versions live as long as the application
    }

    @Override
    public void stop() {
        // held versions live as long as the application
    }
}
