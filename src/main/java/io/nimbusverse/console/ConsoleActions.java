package io.nimbusverse.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

import io.nimbusverse.intake.Quarantine;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What a person may do to an item or a batch from the console or the CLI. Every action is written in the ledger
 * before anything moves, and sends the item through the pipeline as it is: a replayed or reloaded file goes back
 * into the inbox under its name (the ledger's REQUEUED lets its bytes be taken again), a retried batch goes where
 * the retry folder sends it. The loaders replace the rows an item loaded before, so a reload never doubles a row.
 * One action at a time: two clicks on the same item find it changed by the first.
 */
public class ConsoleActions {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleActions.class);

    /** An action that does not apply to the item or batch as it stands: the reason is the answer. */
    public static class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final Ledger ledger;
    private final WorkFolders folders;
    private final BatchBoard board;
    private final S3Client s3;
    private final String bucket;
    private final ProducerTemplate producer;

    public ConsoleActions(Ledger ledger, WorkFolders folders, BatchBoard board, S3Client s3, String bucket,
            ProducerTemplate producer) {
        this.ledger = ledger;
        this.folders = folders;
        this.board = board;
        this.s3 = s3;
        this.bucket = bucket;
        this.producer = producer;
    }

    /**
     * Sends a quarantined file back into the inbox, from its quarantine copy (edited there, or as it was when the
     * configuration was what needed fixing). A copy edited in place is new bytes: a new item, the old one REQUEUED.
     */
    public synchronized String replay(String key) throws IOException {
        LedgerEntry entry = ledger.find(key).orElseThrow(() -> new Refused("no item has the key " + key));
        Path kept = Quarantine.keptAs(entry.detail());
        boolean quarantined = entry.status() == ItemStatus.QUARANTINED
                || entry.status() == ItemStatus.REQUEUED && kept != null && Files.exists(kept);
        if (!quarantined) {
            throw new Refused(entry.name() + " is " + entry.status() + ", not QUARANTINED: only a quarantined item "
                    + "is replayed");
        }
        if (kept == null || !entry.source().equals("file")) {
            throw new Refused(entry.name() + " has no copy in the quarantine folder to replay (a table's rows come "
                    + "back through their table)");
        }
        if (!Files.exists(kept)) {
            throw new Refused("the quarantined copy of " + entry.name() + " is gone from " + kept);
        }
        Path target = inboxTarget(entry);
        ledger.record(entry.withStatus(ItemStatus.REQUEUED, "replay requested; " + entry.detail()));
        Path staged = stagedBeside(target);
        Files.move(kept, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(kept.resolveSibling(kept.getFileName() + ".reason.txt"));
        LOG.info("{} replayed: back in the inbox from {}", entry.name(), kept);
        return entry.name() + " is back in the inbox";
    }

    /** Loads a DONE file again: its raw object from S3 goes back into the inbox; its rows replace the earlier ones. */
    public synchronized String reload(String key) throws IOException {
        LedgerEntry entry = ledger.find(key).orElseThrow(() -> new Refused("no item has the key " + key));
        if (entry.status() != ItemStatus.DONE || !entry.source().equals("file") || !entry.s3Key().startsWith("raw/")) {
            throw new Refused(entry.name() + " is " + entry.status() + " from " + entry.source()
                    + ": only a DONE file is reloaded (a table's rows come back by their source)");
        }
        Path target = inboxTarget(entry);
        Path staged = stagedBeside(target);
        try (InputStream raw = s3.getObject(b -> b.bucket(bucket).key(entry.s3Key()))) {
            Files.copy(raw, staged, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchKeyException e) {
            throw new Refused("the raw object of " + entry.name() + " is gone from S3: " + entry.s3Key());
        }
        ledger.record(entry.withStatus(ItemStatus.REQUEUED, "reload requested; loaded by batch "
                + entry.batchId() + "; " + entry.detail()));
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("{} reloaded: back in the inbox from {}", entry.name(), entry.s3Key());
        return entry.name() + " is back in the inbox";
    }

    /** Reloads every DONE file of the batch. */
    public synchronized String reloadBatch(String batchId) throws IOException {
        List<LedgerEntry> done = ledger.batch(batchId).stream()
                .filter(e -> e.status() == ItemStatus.DONE && e.source().equals("file")).toList();
        if (done.isEmpty()) {
            throw new Refused("batch " + batchId + " has no DONE file to reload");
        }
        for (LedgerEntry entry : done) {
            reload(entry.key());
        }
        return done.size() + " file(s) of batch " + batchId + " are back in the inbox";
    }

    /** Retries a FAILED or TIMED_OUT batch, as a file named after it in the retry folder does. */
    public synchronized String retry(String batchId) {
        String status = board.statusOf(batchId).orElseThrow(() -> new Refused("no batch has the id " + batchId));
        if (!status.equals("FAILED") && !status.equals("TIMED_OUT")) {
            throw new Refused("batch " + batchId + " is " + status + ": only a FAILED or TIMED_OUT batch is retried");
        }
        producer.sendBody("direct:retry-batch", batchId);
        return "batch " + batchId + " (" + status + ") is retried";
    }

    private Path inboxTarget(LedgerEntry entry) throws IOException {
        Path target = folders.inboxFile(entry.name()).normalize();
        if (!target.startsWith(folders.inbox().normalize())) {
            throw new Refused(entry.name() + " is not a name inside the inbox");
        }
        if (Files.exists(target)) {
            throw new Refused("the inbox holds a file named " + entry.name() + " already: let it be taken first");
        }
        Files.createDirectories(target.getParent());
        return target;
    }

    /** A hidden name beside the target, which the intake passes over until the file is complete and renamed. */
    private static Path stagedBeside(Path target) {
        return target.resolveSibling(".nimbus-requeue-" + UUID.randomUUID());
    }
}
