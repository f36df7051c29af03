package io.nimbusverse.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a bad item out of the flow without losing it: the file goes to the quarantine folder beside a reason file,
 * and the ledger records it QUARANTINED with the reason. The batch goes on without it.
 */
public class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final String KEPT_AS = " (kept as ";

    private final WorkFolders folders;
    private final Ledger ledger;
    private final InboxVersions versions;

    public Quarantine(WorkFolders folders, Ledger ledger, InboxVersions versions) {
        this.folders = folders;
        this.ledger = ledger;
        this.versions = versions;
    }

    /**
     * Records the item QUARANTINED first, then moves its inbox original (or copies its staged copy, when the inbox
     * holds a newer version now): the inbox loses nothing the ledger does not know of. Done
     * once: an item quarantined before (a batch taken again after a failure) keeps its one copy.
     */
    public BatchItem isolate(BatchItem item, String failure) throws IOException {
        String reason = failure;
        Optional<LedgerEntry> entry = ledger.find(item.getKey());
        Path target = entry.filter(e -> e.status() == ItemStatus.QUARANTINED).map(e -> keptAs(e.detail()))
                .filter(Files::exists).orElse(null);
        boolean first = target == null;
        if (first) {
            Path kept = WorkFolders.free(folders.quarantine(), FileNames.bounded(item.getName()));
            entry.ifPresent(e -> ledger.record(
                    e.withClassification(nullToEmpty(item.getMediaType()), nullToEmpty(item.getItemClass()))
                            .withStatus(ItemStatus.QUARANTINED, failure + KEPT_AS + kept + ")")));
            versions.moveOut(item, kept);
            target = kept;
        } else {
            reason = entry.get().detail().substring(0, entry.get().detail().lastIndexOf(KEPT_AS));
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
        if (first) {
            LOG.warn("{} quarantined as {}: {}", item.getName(), target, reason);
        }
        return item;
    }

    /** The copy a QUARANTINED ledger detail names, or null. */
    public static Path keptAs(String detail) {
        int at = detail.lastIndexOf(KEPT_AS);
        return at < 0 || !detail.endsWith(")") ? null
                : Path.of(detail.substring(at + KEPT_AS.length(), detail.length() - 1));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
