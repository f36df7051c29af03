package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.ledger.CsvLedger;
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
    private InboxVersions versions;
    private Batches batches;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeEach
    void open() throws Exception {
        ledger = new CsvLedger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("quarantine"),
                dir.resolve("duplicates"));
        folders.create();
        versions = new InboxVersions(dir.resolve("inbox"), dir.resolve("work/changed"), ledger, InboxLeases.ALONE,
                Duration.ofSeconds(30));
        intake = new Intake(folders, ledger, versions, metrics);
        batches = new Batches(ledger, folders, new ObjectMapper(), InboxLeases.ALONE, SharedWork.LOCAL);
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
        Quarantine quarantine = new Quarantine(folders, ledger, versions);
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
    void aFileOnItsWayReadAgainAtStartWhileItsBatchQuarantinesItIsNotTakenAgain() throws Exception {
        Quarantine quarantine = new Quarantine(folders, ledger, versions);
        BatchItem first = intake.keep(arrive("huge-line.csv", "id,text\n1,0123456789\n"));
        ledger.claim(LedgerEntry.claimed(first.getKey(), "file", "huge-line.csv", first.getSize()));
        batches.seal(List.of(first));
        // a start reads the file on its way once more; meanwhile its batch, announced again, sets it aside
        BatchItem readAgain = intake.stage(folders.inbox().resolve("huge-line.csv").toString(), "huge-line.csv",
                "file");
        quarantine.isolate(first, "converting it ended the process 3 times");

        assertThat(intake.known(readAgain)).isNull();
        assertThat(ledger.find(first.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.QUARANTINED);
        assertThat(Path.of(readAgain.getStagedPath())).doesNotExist();
        assertThat(dir.resolve("quarantine/huge-line.csv")).hasContent("id,text\n1,0123456789\n");
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

    // ---- habits: a file's version is what was claimed ----

    private BatchItem claim(BatchItem item) {
        ledger.claim(LedgerEntry.claimed(item.getKey(), "file", item.getName(), item.getSize()));
        return item;
    }

    private static void touch(Path file, long millis) throws Exception {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
    }

    @Test
    void anOriginalReplacedUnderItsNameStaysInTheInboxAndItsNewVersionIsAConflict() throws Exception {
        Path inboxFile = folders.inbox().resolve("orders.csv");
        BatchItem first = intake.keep(claim(arrive("orders.csv", "id\n1\n")));
        assertThat(versions.conflictOf(first)).isNull();
        // the user drops a new version under the same name while the first is on its way
        Files.writeString(inboxFile, "id\n2\n");
        touch(inboxFile, first.getInboxModified() + 5_000);

        versions.release(List.of(first));

        assertThat(inboxFile).hasContent("id\n2\n");
        BatchItem second = claim(intake.stage(inboxFile.toString(), "orders.csv", "file"));
        assertThat(versions.conflictOf(second)).startsWith("orders.csv changed in the inbox after its version of 5 "
                + "bytes was taken");
        intake.setAside(second);
        // dealt with: a later file under that name is a new file like any other
        assertThat(versions.conflictOf(second)).isNull();
    }

    @Test
    void aNewVersionTakenWhileTheEarlierIsOnItsWayIsAConflictAndTheEarlierOriginalIsNeverDeletedForIt()
            throws Exception {
        Path inboxFile = folders.inbox().resolve("grows.csv");
        BatchItem first = intake.keep(claim(arrive("grows.csv", "id\n1\n")));
        Files.writeString(inboxFile, "id\n1\n2\n", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        touch(inboxFile, first.getInboxModified() + 2_500);
        BatchItem grown = claim(intake.stage(inboxFile.toString(), "grows.csv", "file"));

        assertThat(versions.conflictOf(grown)).isEqualTo("grows.csv was replaced while its earlier version (sha256 "
                + first.getKey().substring(0, 12) + ", CLAIMED) was on its way");
        versions.release(List.of(first));
        assertThat(inboxFile).hasContent("id\n1\n2\n");
    }

    @Test
    void anUnchangedOriginalIsReleasedAndForgotten() throws Exception {
        BatchItem item = intake.keep(claim(arrive("a.csv", "1")));
        String seen = InboxVersions.seenKey("a.csv", item.getSize(), item.getInboxModified());
        // the consumer's eager check passes over the file on its way, and nothing else
        assertThat(versions.contains(seen)).isTrue();
        assertThat(versions.add(seen)).isFalse();
        String touched = InboxVersions.seenKey("a.csv", item.getSize(), item.getInboxModified() + 1);
        assertThat(versions.contains(touched)).isFalse();
        assertThat(versions.add(touched)).isTrue();

        versions.release(List.of(item));

        assertThat(folders.inbox().resolve("a.csv")).doesNotExist();
        // the same bytes dropped again are read again (and found a duplicate), never ignored
        assertThat(versions.contains(seen)).isFalse();
        assertThat(versions.add(seen)).isTrue();
    }

    @Test
    void anOriginalLeftInTheInboxByAProcessThatEndedAfterTheUploadIsReleasedWhenItsBatchCompletes() throws Exception {
        BatchItem item = intake.keep(claim(arrive("left.csv", "id\n1\n")));
        ledger.record(ledger.find(item.getKey()).orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
        // the process ended before the release: the next start holds what the ledger has in flight
        InboxVersions restarted = new InboxVersions(dir.resolve("inbox"), dir.resolve("work/changed"), ledger,
                InboxLeases.ALONE, Duration.ofSeconds(30));
        restarted.holdInFlight();

        restarted.releaseHeld(List.of(item));

        assertThat(folders.inbox().resolve("left.csv")).doesNotExist();
    }

    @Test
    void anOriginalReleasedAtTheUploadIsNotLookedAtAgainWhenItsBatchCompletes() throws Exception {
        Path inboxFile = folders.inbox().resolve("again.csv");
        BatchItem first = intake.keep(claim(arrive("again.csv", "id\n1\n")));
        versions.release(List.of(first));
        // the user drops a new file under the name before the first one's batch completes
        Files.writeString(inboxFile, "id\n2\n");
        touch(inboxFile, first.getInboxModified() + 5_000);

        versions.releaseHeld(List.of(first));

        assertThat(inboxFile).hasContent("id\n2\n");
        BatchItem second = claim(intake.stage(inboxFile.toString(), "again.csv", "file"));
        assertThat(versions.conflictOf(second)).isNull();
    }

    @Test
    void withoutItsTimeTheHashDecidesWhetherTheOriginalIsStillTheItemTaken() throws Exception {
        BatchItem same = intake.keep(claim(arrive("same.csv", "abc")));
        same.setInboxModified(0);
        touch(folders.inbox().resolve("same.csv"), 1_000);
        BatchItem other = intake.keep(claim(arrive("other.csv", "abc1")));
        other.setInboxModified(0);
        Files.writeString(folders.inbox().resolve("other.csv"), "abc2");

        versions.release(List.of(same, other));

        assertThat(folders.inbox().resolve("same.csv")).doesNotExist();
        assertThat(folders.inbox().resolve("other.csv")).hasContent("abc2");
    }

    @Test
    void everyClaimWithoutABatchIsRecoveredAtStartFromItsStagedCopy() throws Exception {
        // claimed and kept, then deleted from the inbox by the user, then the process ended
        BatchItem kept = intake.keep(claim(arrive("gone.csv", "g")));
        Files.delete(folders.inbox().resolve("gone.csv"));
        // claimed, then the process ended before the copy was kept: the inbox still holds it
        BatchItem unkept = claim(arrive("again.csv", "a"));
        Files.delete(Path.of(unkept.getStagedPath()));
        // claimed, copy lost, and the inbox lost it too
        BatchItem lost = claim(arrive("lost.csv", "l"));
        Files.delete(Path.of(lost.getStagedPath()));
        Files.delete(folders.inbox().resolve("lost.csv"));

        List<BatchItem> recovered = batches.unbatched();

        assertThat(recovered).extracting(BatchItem::getName).containsExactly("gone.csv");
        assertThat(Path.of(recovered.get(0).getStagedPath())).hasContent("g");
        assertThat(ledger.find(unkept.getKey())).isEmpty();
        assertThat(ledger.find(lost.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.FAILED);
        assertThat(ledger.find(kept.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.CLAIMED);
    }

    @Test
    void namesWithLineBreaksAndBackslashesAreKeptExactlyThroughARestart() throws Exception {
        String name = "two\nlines\\and\rback\\slash, \"quoted\".csv";
        BatchItem item = intake.keep(claim(arrive(name, "odd")));
        ledger.close();
        ledger = new CsvLedger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        batches = new Batches(ledger, folders, new ObjectMapper(), InboxLeases.ALONE, SharedWork.LOCAL);

        assertThat(ledger.find(item.getKey()).orElseThrow().name()).isEqualTo(name);
        assertThat(batches.unbatched()).singleElement().satisfies(i -> {
            assertThat(i.getName()).isEqualTo(name);
            assertThat(Path.of(i.getStagedPath())).hasContent("odd");
            assertThat(Path.of(i.getInboxPath())).isEqualTo(folders.inbox().resolve(name)).exists();
        });
    }

    @Test
    void temporaryCopiesOfAKilledIntakeAreDeletedAtStart() throws Exception {
        Path left = folders.incoming();
        Files.writeString(left, "half");
        BatchItem kept = intake.keep(claim(arrive("a.csv", "1")));

        folders.create();

        assertThat(left).doesNotExist();
        assertThat(Path.of(kept.getStagedPath())).exists();
    }
}
