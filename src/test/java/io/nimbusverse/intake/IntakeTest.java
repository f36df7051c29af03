package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claiming files (Intake), sealing and recovering batches (Batches). */
class IntakeTest {

    @TempDir
    Path dir;
    private Ledger ledger;
    private WorkFolders folders;
    private Intake intake;
    private Batches batches;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeEach
    void open() throws Exception {
        ledger = new Ledger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("quarantine"),
                dir.resolve("duplicates"));
        folders.create();
        intake = new Intake(folders, ledger, metrics);
        batches = new Batches(ledger, folders, new ObjectMapper());
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
    }

    private BatchItem arrive(String name, String content) throws Exception {
        Path file = Files.writeString(folders.inbox().resolve(name), content);
        return intake.stage(file.toString(), name, "file");
    }

    @Test
    void stagingHashesTheContentAndCopiesItOnce() throws Exception {
        BatchItem item = arrive("a.csv", "x\n1\n");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("x\n1\n".getBytes()));
        assertThat(item.getKey()).isEqualTo(sha);
        assertThat(item.getSize()).isEqualTo(4);

        intake.keep(item);
        assertThat(Path.of(item.getStagedPath())).isEqualTo(folders.stagedFile(sha, "a.csv")).hasContent("x\n1\n");
        assertThat(folders.inbox().resolve("a.csv")).exists();
    }

    @Test
    void knownContentUnderAnotherNameIsADuplicateMovedOutOfTheInbox() throws Exception {
        BatchItem original = intake.keep(arrive("a.csv", "same"));
        ledger.claim(LedgerEntry.claimed(original.getKey(), "file", "a.csv", 4));
        BatchItem copy = arrive("b.csv", "same");

        assertThat(intake.known(copy)).isNull();

        assertThat(folders.inbox().resolve("b.csv")).doesNotExist();
        assertThat(dir.resolve("duplicates/b.csv")).hasContent("same");
        assertThat(Path.of(copy.getStagedPath())).doesNotExist();
        LedgerEntry duplicate = ledger.find(copy.getKey() + "#b.csv").orElseThrow();
        assertThat(duplicate.status()).isEqualTo(ItemStatus.DUPLICATE);
        assertThat(duplicate.detail()).startsWith("same content as a.csv (CLAIMED)");
        assertThat(ledger.find(original.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.CLAIMED);
        assertThat(metrics.counter("nimbus.duplicates.skipped").count()).isEqualTo(1);
    }

    @Test
    void theSameFileSeenAgainGoesBackToBatchingOnlyIfItWasNeverBatched() throws Exception {
        BatchItem first = intake.keep(arrive("a.csv", "content"));
        ledger.claim(LedgerEntry.claimed(first.getKey(), "file", "a.csv", 7));

        // a restart before the batch was sealed: batch it now
        assertThat(intake.known(arrive("a.csv", "content"))).isNotNull();

        // once batched, the same file is in flight: left alone, in the inbox
        batches.seal(List.of(first));
        assertThat(intake.known(arrive("a.csv", "content"))).isNull();
        assertThat(folders.inbox().resolve("a.csv")).exists();
        // uploaded, its original not yet released: still in flight, not a duplicate of itself
        ledger.record(ledger.find(first.getKey()).orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
        assertThat(intake.known(arrive("a.csv", "content"))).isNull();
        assertThat(folders.inbox().resolve("a.csv")).exists();
        assertThat(ledger.count(e -> e.status() == ItemStatus.DUPLICATE)).isZero();
    }

    @Test
    void aQuarantinedFileDroppedAgainIsTakenAgainAndQuarantinedOnlyOnceEachTime() throws Exception {
        Quarantine quarantine = new Quarantine(folders, ledger);
        BatchItem first = intake.keep(arrive("bad.csv", "a,b\n1\n"));
        ledger.claim(LedgerEntry.claimed(first.getKey(), "file", "bad.csv", 6));
        batches.seal(List.of(first));
        quarantine.isolate(first, "malformed CSV");
        // the same failure seen again (its batch taken again) keeps the one copy
        quarantine.isolate(first, "malformed CSV");
        try (var kept = Files.list(dir.resolve("quarantine"))) {
            assertThat(kept.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("bad.csv", "bad.csv.reason.txt");
        }
        assertThat(dir.resolve("quarantine/bad.csv.reason.txt")).content().contains("reason: malformed CSV");

        Files.move(dir.resolve("quarantine/bad.csv"), folders.inbox().resolve("bad.csv"));
        BatchItem again = intake.known(intake.stage(folders.inbox().resolve("bad.csv").toString(), "bad.csv",
                "file"));

        assertThat(again).isNotNull();
        assertThat(ledger.find(first.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.CLAIMED);
        assertThat(ledger.find(first.getKey()).orElseThrow().hasBatch()).isFalse();
        assertThat(Path.of(again.getStagedPath())).hasContent("a,b\n1\n");
        assertThat(ledger.count(e -> e.status() == ItemStatus.DUPLICATE)).isZero();
    }

    @Test
    void sealingGivesEveryItemTheBatchOnceAndTheIdSortsByTime() throws Exception {
        BatchItem a = intake.keep(arrive("a.csv", "1"));
        BatchItem b = intake.keep(arrive("b.csv", "2"));
        ledger.claim(LedgerEntry.claimed(a.getKey(), "file", "a.csv", 1));
        ledger.claim(LedgerEntry.claimed(b.getKey(), "file", "b.csv", 1));

        Signal signal = batches.seal(List.of(a, b, a));

        assertThat(signal.getType()).isEqualTo(SignalType.START_UPLOAD);
        assertThat(signal.getBatchId()).matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}");
        assertThat(Batches.createdAt(signal.getBatchId())).isEqualTo(
                signal.getCreatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(signal.getItemCount()).isEqualTo(2);
        assertThat(batches.items(signal.getBatchId())).extracting(BatchItem::getName)
                .containsExactlyInAnyOrder("a.csv", "b.csv");
        assertThat(ledger.batch(signal.getBatchId())).hasSize(2).allMatch(e -> e.status() == ItemStatus.CLAIMED);
    }

    @Test
    void aBatchStillClaimedAtStartIsAnnouncedAgainWithoutItsQuarantinedItems() throws Exception {
        BatchItem a = intake.keep(arrive("a.csv", "1"));
        BatchItem b = intake.keep(arrive("b.csv", "2"));
        ledger.claim(LedgerEntry.claimed(a.getKey(), "file", "a.csv", 1));
        ledger.claim(LedgerEntry.claimed(b.getKey(), "file", "b.csv", 1));
        Signal sealed = batches.seal(List.of(a, b));
        ledger.record(ledger.find(b.getKey()).orElseThrow().withStatus(ItemStatus.QUARANTINED, "bad"));

        List<Signal> unsent = batches.unsent();

        assertThat(unsent).hasSize(1);
        assertThat(unsent.get(0).getBatchId()).isEqualTo(sealed.getBatchId());
        List<BatchItem> live = batches.liveItems(unsent.get(0).getBatchId());
        assertThat(live).extracting(BatchItem::getName).containsExactly("a.csv");
        assertThat(live.get(0).getStagedPath()).isEqualTo(a.getStagedPath());

        new BatchProgress(ledger, batches).converted(unsent.get(0));
        assertThat(batches.unsent()).isEmpty();
    }

    @Test
    void aStageRecordsItsStatusAndTellsWhetherABatchWentThroughIt() throws Exception {
        BatchItem a = intake.keep(arrive("a.csv", "1"));
        ledger.claim(LedgerEntry.claimed(a.getKey(), "file", "a.csv", 1));
        Signal signal = batches.seal(List.of(a));
        BatchProgress progress = new BatchProgress(ledger, batches);
        assertThat(progress.reached(signal, "CONVERTED")).isFalse();

        a.setMediaType("text/csv");
        a.setItemClass("structured");
        batches.save(a);
        progress.converted(signal);
        assertThat(progress.reached(signal, "CONVERTED")).isTrue();
        assertThat(progress.reached(signal, "UPLOADED")).isFalse();
        LedgerEntry converted = ledger.find(a.getKey()).orElseThrow();
        assertThat(converted.mediaType()).isEqualTo("text/csv");
        assertThat(converted.itemClass()).isEqualTo("structured");
    }
}
