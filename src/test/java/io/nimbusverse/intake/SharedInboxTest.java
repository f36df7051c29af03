package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.BatchItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one inbox, each with its own work folder, sharing the ledger and the leases in one database (H2
 * here): the consumer's check lets each file through on one instance only, and what one instance holds the other
 * never batches, releases or moves.
 */
class SharedInboxTest {

    @TempDir
    Path dir;
    private HikariDataSource database;
    private JdbcLedger ledger;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path inbox;

    /** One instance: its ledger, its leases (asks counted), its held versions, its intake, its own work folder. */
    private final class Instance {
        final String id;
        final JdbcLedger ledger;
        final JdbcInboxLeases leases;
        final AtomicInteger asks = new AtomicInteger();
        final InboxVersions versions;
        final Intake intake;
        final Batches batches;

        Instance(String id, Duration lease) throws Exception {
            this.id = id;
            ledger = new JdbcLedger(database, "h2 (test)", id);
            ledger.open();
            open.add(ledger);
            leases = new JdbcInboxLeases(database, "h2 (test)", id, lease);
            leases.open();
            open.add(0, leases);
            InboxLeases counted = new InboxLeases() {
                @Override
                public boolean take(String name) {
                    asks.incrementAndGet();
                    return leases.take(name);
                }

                @Override
                public void release(String name) {
                    leases.release(name);
                }

                @Override
                public void releaseWhere(Predicate<String> nothingLeft) {
                    leases.releaseWhere(nothingLeft);
                }
            };
            WorkFolders folders = new WorkFolders(inbox, dir.resolve(id + "/work"), dir.resolve(id + "/quarantine"),
                    dir.resolve(id + "/duplicates"));
            folders.create();
            versions = new InboxVersions(inbox, dir.resolve(id + "/work/changed"), ledger, counted, lease);
            intake = new Intake(folders, ledger, versions, new SimpleMeterRegistry());
            batches = new Batches(ledger, folders, new ObjectMapper(), counted, SharedWork.LOCAL);
        }

        /** What the inbox consumer does with the file: lets it through (true) or passes it over. */
        boolean consumerTakes(String name) throws Exception {
            Path file = inbox.resolve(name);
            return versions.add(InboxVersions.seenKey(name, Files.size(file),
                    Files.getLastModifiedTime(file).toMillis()));
        }

        /** A file dropped into the inbox, let through by this instance's consumer and taken in. */
        BatchItem drops(String name, String content) throws Exception {
            Files.writeString(inbox.resolve(name), content);
            assertThat(consumerTakes(name)).as("%s let through on %s", name, id).isTrue();
            return takeIn(name);
        }

        /** The route's steps for a file let through: staged, claimed (or found known), kept. Null: not batched. */
        BatchItem takeIn(String name) throws Exception {
            BatchItem item = intake.stage(inbox.resolve(name).toString(), name, "file");
            if (ledger.claim(LedgerEntry.claimed(item.getKey(), "file", name, item.getSize()))) {
                return intake.keep(item);
            }
            BatchItem again = intake.known(item);
            return again == null ? null : intake.keep(again);
        }
    }

    @BeforeEach
    void openDatabase() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000");
        config.setUsername("sa");
        database = new HikariDataSource(config);
        // what the test reads of the ledger, as an instance of its own would
        ledger = new JdbcLedger(database, "h2 (test)", "observer");
        ledger.open();
        inbox = Files.createDirectories(dir.resolve("inbox"));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        ledger.close();
        database.close();
    }

    @Test
    void eachFileIsLetThroughOnOneInstanceAndTheOtherDoesNotAskAgainWithinTheLease() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        for (int n = 0; n < 40; n++) {
            Files.writeString(inbox.resolve("part-" + n + ".csv"), "id\n" + n + "\n");
        }
        int takenByA = 0;
        int takenByB = 0;
        for (int n = 0; n < 40; n++) {
            // the two instances' polls interleave: a on the even files first, b on the odd ones
            Instance first = n % 2 == 0 ? a : b;
            Instance second = first == a ? b : a;
            assertThat(first.consumerTakes("part-" + n + ".csv")).isTrue();
            assertThat(second.consumerTakes("part-" + n + ".csv")).isFalse();
            takenByA += first == a ? 1 : 0;
            takenByB += first == b ? 1 : 0;
        }
        assertThat(takenByA).isEqualTo(20);
        assertThat(takenByB).isEqualTo(20);

        int asksBefore = a.asks.get() + b.asks.get();
        for (int poll = 0; poll < 5; poll++) {
            for (int n = 0; n < 40; n++) {
                Instance other = n % 2 == 0 ? b : a;
                assertThat(other.consumerTakes("part-" + n + ".csv")).isFalse();
            }
        }
        assertThat(a.asks.get() + b.asks.get()).as("names another instance holds are not asked for each poll")
                .isEqualTo(asksBefore);
    }

    @Test
    void aFileClaimedAndNotYetBatchedOnOneInstanceIsNeverBatchedByTheOther() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        Files.writeString(inbox.resolve("orders.csv"), "id\n1\n");
        assertThat(a.consumerTakes("orders.csv")).isTrue();
        BatchItem taken = a.takeIn("orders.csv");
        assertThat(taken).isNotNull();
        assertThat(ledger.find(taken.getKey()).orElseThrow().status()).isEqualTo(ItemStatus.CLAIMED);

        // b's polls pass the file over: it never stages it, so never meets the claim as "claimed, never batched"
        assertThat(b.consumerTakes("orders.csv")).isFalse();
        assertThat(b.versions.contains(InboxVersions.seenKey("orders.csv", taken.getSize(),
                taken.getInboxModified()))).isFalse();
        assertThat(ledger.entries()).hasSize(1);
    }

    @Test
    void aFileAnotherInstanceUploadedAndReleasedIsForgottenHereAndItsNameIsFreeAgain() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        BatchItem orders = a.drops("orders.csv", "id\n1\n");
        BatchItem later = a.drops("later.csv", "id\n1\n2\n");
        a.batches.seal(List.of(orders, later));
        // b uploads both (the batches are anyone's), releases the originals: a does not see that happen
        for (BatchItem item : List.of(orders, later)) {
            ledger.record(ledger.find(item.getKey()).orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
        }
        b.versions.release(List.of(orders, later));
        assertThat(inbox.resolve("orders.csv")).doesNotExist();
        ledger.record(ledger.find(orders.getKey()).orElseThrow().withStatus(ItemStatus.DONE, ""));

        // a new version under a finished name is no conflict, even before a's sweep
        BatchItem next = a.drops("orders.csv", "id\n7\n");
        assertThat(a.versions.conflictOf(next)).isNull();
        // a's sweep forgets the version b released (uploaded, not yet done) and gives its lease up
        assertThat(b.leases.take("later.csv")).as("a holds the name until its sweep").isFalse();
        a.versions.releaseLeasesOfFilesGone();
        assertThat(b.leases.take("later.csv")).isTrue();
    }

    @Test
    void theLeaseGoesWhenTheOriginalLeavesTheInboxAndStaysWhileItsNameHasAConflictToTell() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        BatchItem done = a.drops("done.csv", "id\n1\n");
        BatchItem changed = a.drops("changed.csv", "id\n1\n2\n");
        // a newer version of changed.csv is dropped while the first is on its way
        Files.writeString(inbox.resolve("changed.csv"), "id\n9\n");
        Files.setLastModifiedTime(inbox.resolve("changed.csv"), java.nio.file.attribute.FileTime.fromMillis(
                changed.getInboxModified() + 5_000));

        a.versions.release(List.of(done, changed));

        assertThat(inbox.resolve("done.csv")).doesNotExist();
        Files.writeString(inbox.resolve("done.csv"), "id\n2\n");
        assertThat(b.leases.take("done.csv")).as("a new file under a released name is anyone's").isTrue();
        assertThat(b.leases.take("changed.csv")).as("its next version is a conflict a alone knows").isFalse();
        assertThat(a.consumerTakes("changed.csv")).isTrue();
        BatchItem next = a.intake.stage(inbox.resolve("changed.csv").toString(), "changed.csv", "file");
        ledger.claim(LedgerEntry.claimed(next.getKey(), "file", "changed.csv", next.getSize()));
        assertThat(a.versions.conflictOf(next)).startsWith("changed.csv changed in the inbox after");
    }

    @Test
    void theFilesOfAnInstanceThatDiedAreTakenOverOnceItsLeasesLapseAndBatchedOnce() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Instance a = new Instance("a", lease);
        Instance b = new Instance("b", lease);
        Files.writeString(inbox.resolve("claimed.csv"), "id\n1\n");
        assertThat(a.consumerTakes("claimed.csv")).isTrue();
        assertThat(a.takeIn("claimed.csv")).isNotNull();
        assertThat(b.consumerTakes("claimed.csv")).isFalse();

        // a dies between its claim and its batch: its leases are no longer renewed
        a.leases.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.consumerTakes("claimed.csv"));

        BatchItem takenOver = b.takeIn("claimed.csv");
        assertThat(takenOver).as("claimed by a and never batched: b batches it").isNotNull();
        assertThat(b.versions.contains(InboxVersions.seenKey("claimed.csv", takenOver.getSize(),
                takenOver.getInboxModified()))).isTrue();
        assertThat(ledger.entries()).hasSize(1);
    }

    @Test
    void aRestartedInstanceHoldsOnlyTheFilesOnTheirWayWhoseLeaseItHolds() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        Files.writeString(inbox.resolve("of-a.csv"), "a\n");
        Files.writeString(inbox.resolve("of-b.csv"), "b\n");
        assertThat(a.consumerTakes("of-a.csv")).isTrue();
        assertThat(b.consumerTakes("of-b.csv")).isTrue();
        BatchItem ofA = a.takeIn("of-a.csv");
        BatchItem ofB = b.takeIn("of-b.csv");
        a.leases.close();

        Instance restarted = new Instance("a", Duration.ofSeconds(30));
        restarted.versions.holdInFlight();

        // held: its own file; b's is neither held nor a conflict for a later version of that name here
        ofA.setInboxModified(0);
        restarted.versions.releaseHeld(List.of(ofA, ofB));
        assertThat(inbox.resolve("of-a.csv")).doesNotExist();
        assertThat(inbox.resolve("of-b.csv")).exists();
        assertThat(restarted.consumerTakes("of-b.csv")).isFalse();
    }

    @Test
    void aLeaseTakenForAFileThatLeftTheInboxMeanwhileIsGivenUpAndNoOtherIs() throws Exception {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        for (String name : List.of("gone.csv", "waiting.csv", "held.csv")) {
            Files.writeString(inbox.resolve(name), name + "\n");
            assertThat(a.consumerTakes(name)).isTrue();
        }
        a.takeIn("held.csv");
        // a poll met gone.csv just before another step removed it: its lease is a's, with nothing left of it
        Files.delete(inbox.resolve("gone.csv"));
        Files.delete(inbox.resolve("held.csv"));

        a.versions.releaseLeasesOfFilesGone();

        assertThat(b.leases.take("gone.csv")).isTrue();
        assertThat(b.leases.take("waiting.csv")).as("its file is still in the inbox").isFalse();
        assertThat(b.leases.take("held.csv")).as("held: released with its item").isFalse();
    }

    @Test
    void aFileOnItsWayOnAnInstanceThatDiedIsLeftToItAndHeldByItOnceItIsBack() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Instance a = new Instance("a", lease);
        Instance b = new Instance("b", lease);
        Files.writeString(inbox.resolve("on-its-way.csv"), "id\n1\n");
        assertThat(a.consumerTakes("on-its-way.csv")).isTrue();
        BatchItem item = a.takeIn("on-its-way.csv");
        a.ledger.record(a.ledger.find(item.getKey()).orElseThrow().withBatch("20261202T120000Z-abcdef"));

        // a dies with the item on its way; once its lease lapsed b's poll meets the file
        a.leases.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.consumerTakes("on-its-way.csv"));
        assertThat(b.takeIn("on-its-way.csv")).as("not batched again by b").isNull();
        assertThat(b.versions.contains(InboxVersions.seenKey("on-its-way.csv", item.getSize(),
                item.getInboxModified()))).as("not held by b").isFalse();
        int asks = b.asks.get();
        assertThat(b.consumerTakes("on-its-way.csv")).as("passed over for a while").isFalse();
        assertThat(b.asks.get()).isEqualTo(asks);

        // a is back under its id: it holds its item again, and takes the file's lease, which b gave back
        Instance restarted = new Instance("a", lease);
        restarted.versions.holdInFlight();
        assertThat(restarted.consumerTakes("on-its-way.csv")).isTrue();
        assertThat(restarted.takeIn("on-its-way.csv")).isNull();
        assertThat(restarted.versions.contains(InboxVersions.seenKey("on-its-way.csv", item.getSize(),
                item.getInboxModified()))).isTrue();
        assertThat(ledger.find(item.getKey()).orElseThrow().batchId()).isEqualTo("20261202T120000Z-abcdef");
    }

    @Test
    void aClaimNeverBatchedIsRecoveredAtRestartOnlyWhereItsFileWasNotTakenOver() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Instance a = new Instance("a", lease);
        Instance b = new Instance("b", lease);
        for (String name : List.of("taken-over.csv", "still-a.csv")) {
            Files.writeString(inbox.resolve(name), name + "\n");
            assertThat(a.consumerTakes(name)).isTrue();
            assertThat(a.takeIn(name)).isNotNull();
        }
        // a dies between its claims and their batch; b's poll takes one of the files over once a's leases lapsed
        a.leases.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> b.consumerTakes("taken-over.csv"));

        Instance restarted = new Instance("a", lease);
        assertThat(restarted.batches.unbatched()).extracting(BatchItem::getName).containsExactly("still-a.csv");
        assertThat(b.takeIn("taken-over.csv")).as("batched by b, once").isNotNull();
    }
}
