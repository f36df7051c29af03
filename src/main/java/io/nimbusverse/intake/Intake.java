package io.nimbusverse.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a file from the inbox: one read computes its SHA-256 while copying it into the work folder, so what is
 * hashed is exactly what later stages convert and upload. The inbox original stays until its data is in S3
 * ({@link InboxVersions}).
 */
public class Intake {

    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final WorkFolders folders;
    private final Ledger ledger;
    private final InboxVersions versions;
    private final Counter duplicatesSkipped;
    private final Counter filesRead;

    public Intake(WorkFolders folders, Ledger ledger, InboxVersions versions, MeterRegistry metrics) {
        this.folders = folders;
        this.ledger = ledger;
        this.versions = versions;
        this.duplicatesSkipped = Counter.builder("nimbus.duplicates.skipped")
                .description("Files skipped because their content was ingested before under another name")
                .register(metrics);
        this.filesRead = Counter.builder("nimbus.intake.files.read")
                .description("Files read and hashed at intake; a file on its way is never read again")
                .register(metrics);
    }

    /**
     * Hashes and copies the file; the copy waits under a temporary name until the claim is decided. Null when the
     * file changed while it was read (its writer is still at work): it is read again once it is quiet.
     */
    public BatchItem stage(@Header(Exchange.FILE_PATH) String path, @Header(Exchange.FILE_NAME) String name,
            @Header("NimbusSource") String source) throws IOException {
        Path file = Path.of(path);
        BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
        Path incoming = folders.incoming();
        MessageDigest sha256 = sha256();
        long size;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256);
                OutputStream out = Files.newOutputStream(incoming)) {
            size = in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(incoming);
            throw e;
        }
        filesRead.increment();
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (after.size() != size || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
            Files.delete(incoming);
            LOG.info("{} changed while it was read: taken once it is quiet", FileNames.printable(name));
            return null;
        }
        BatchItem item = new BatchItem();
        item.setKey(HexFormat.of().formatHex(sha256.digest()));
        item.setSha256(item.getKey());
        item.setName(name);
        item.setSize(size);
        item.setSource(source == null ? "file" : source);
        item.setInboxPath(file.toAbsolutePath().toString());
        item.setInboxModified(before.lastModifiedTime().toMillis());
        item.setStagedPath(incoming.toString());
        return item;
    }

    /** The claim succeeded: the copy becomes the item's staged file, and the inbox original is held until released. */
    public BatchItem keep(BatchItem item) throws IOException {
        Path staged = folders.stagedFile(item.getKey(), item.getName());
        Files.createDirectories(staged.getParent());
        Files.move(Path.of(item.getStagedPath()), staged, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        item.setStagedPath(staged.toString());
        versions.hold(item);
        return item;
    }

    /** A claimed item quarantined as a conflict at intake: its temporary copy goes, its name is settled. */
    public void setAside(BatchItem item) throws IOException {
        Files.deleteIfExists(Path.of(item.getStagedPath()));
        versions.settled(item.getName());
    }

    /**
     * The content is in the ledger already. The same file seen again either goes on to batching (claimed but never
     * batched: a failure after its claim) or is left alone (its batch is in flight); a quarantined one dropped again
     * is claimed anew; anything else is a duplicate: recorded, counted and moved out of the inbox. Returns the item
     * to admit, or null.
     */
    public BatchItem known(BatchItem item) throws IOException {
        Optional<LedgerEntry> entry = ledger.find(item.getKey());
        boolean sameFile = entry.isPresent() && entry.get().name().equals(item.getName());
        if (sameFile && entry.get().status() == ItemStatus.CLAIMED && !entry.get().hasBatch()) {
            LOG.info("{} was claimed and never batched: batching it now", FileNames.printable(item.getName()));
            return item;
        }
        // a quarantined file dropped again (fixed, or its limit raised) is tried again; not the version quarantined
        // while it was read once more (a start reads the files on their way again): it left the inbox meanwhile
        if (entry.isPresent() && entry.get().status() == ItemStatus.QUARANTINED
                && Files.exists(Path.of(item.getInboxPath()))) {
            ledger.remove(item.getKey());
            ledger.claim(LedgerEntry.claimed(item.getKey(), item.getSource(), item.getName(), item.getSize()));
            WorkFolders.deleteTree(folders.itemDir(item.getKey()));
            LOG.info("{} was quarantined before ({}): taken again", FileNames.printable(item.getName()),
                    entry.get().detail());
            return item;
        }
        // uploaded too: the inbox keeps the original until the upload stage releases it, just after
        if (sameFile && !entry.get().status().isFinal()) {
            Files.deleteIfExists(Path.of(item.getStagedPath()));
            if (Files.isDirectory(folders.itemDir(item.getKey()))) {
                versions.hold(item);
                LOG.debug("{} is in flight in batch {}", item.getName(), entry.get().batchId());
            } else {
                // its copy is in another instance's work folder (a shared inbox): that instance releases it
                versions.passOver(item);
                LOG.info("{} is on its way in batch {}, and its copy is not in this instance's work folder: left to "
                        + "the instance that holds it", FileNames.printable(item.getName()), entry.get().batchId());
            }
            return null;
        }
        if (!Files.exists(Path.of(item.getInboxPath()))) {
            Files.deleteIfExists(Path.of(item.getStagedPath()));
            versions.releaseLeaseIfGone(item);
            LOG.debug("{} left the inbox meanwhile", item.getName());
            return null;
        }
        String original = entry.map(e -> FileNames.printable(e.name()) + " (" + e.status() + (e.hasBatch()
                ? " in batch " + e.batchId() : "") + ")").orElse("an item released meanwhile");
        Path target = folders.duplicateTarget(item.getName());
        ledger.record(LedgerEntry.claimed(item.getKey() + "#" + item.getName(), item.getSource(), item.getName(),
                item.getSize()).withStatus(ItemStatus.DUPLICATE, "same content as " + original + "; moved to "
                + target));
        versions.moveOut(item, target);
        Files.deleteIfExists(Path.of(item.getStagedPath()));
        duplicatesSkipped.increment();
        LOG.info("{} is a duplicate of {}: skipped and moved to {}", FileNames.printable(item.getName()), original,
                target);
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
