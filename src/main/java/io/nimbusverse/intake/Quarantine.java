package io.nimbusverse.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.signal.BatchItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a bad item out of the flow without losing it: the file goes to the quarantine folder beside a reason file,
 * and the ledger records it QUARANTINED with the reason. The batch goes on without it.
 */
public class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final WorkFolders folders;
    private final Ledger ledger;

    public Quarantine(WorkFolders folders, Ledger ledger) {
        this.folders = folders;
        this.ledger = ledger;
    }

    /** Records the item QUARANTINED first, then moves it: the inbox loses nothing the ledger does not know of. */
    public BatchItem isolate(BatchItem item, String reason) throws IOException {
        Path target = WorkFolders.free(folders.quarantine(), Path.of(item.getName()).getFileName().toString());
        ledger.find(item.getKey()).ifPresent(e -> ledger.record(
                e.withClassification(nullToEmpty(item.getMediaType()), nullToEmpty(item.getItemClass()))
                        .withStatus(ItemStatus.QUARANTINED, reason + " (kept as " + target + ")")));
        Path original = item.getInboxPath() == null ? null : Path.of(item.getInboxPath());
        if (original != null && Files.exists(original)) {
            Files.move(original, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.copy(Path.of(item.getStagedPath()), target);
        }
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason.txt"), """
                reason: %s
                name: %s
                sha256: %s
                size: %d
                media type: %s
                quarantined at: %s
                """.formatted(reason, item.getName(), item.getSha256(), item.getSize(), item.getMediaType(),
                Instant.now()));
        item.setQuarantineReason(reason);
        LOG.warn("{} quarantined as {}: {}", item.getName(), target, reason);
        return item;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
