package io.nimbusverse.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLedgerTest {

    @TempDir
    Path dir;
    Path file;
    Ledger ledger;

    @BeforeEach
    void open() throws Exception {
        file = dir.resolve("ledger/report.csv");
        ledger = new CsvLedger(file, 1_000);
        ledger.open();
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
    }

    private Ledger reopen() throws Exception {
        ledger.close();
        ledger = new CsvLedger(file, 1_000);
        ledger.open();
        return ledger;
    }

    @Test
    void aKeyIsClaimedOnceAndTheClaimIsOnDisk() throws Exception {
        assertThat(ledger.add("k1")).isTrue();
        assertThat(ledger.add("k1")).isFalse();
        assertThat(ledger.contains("k1")).isTrue();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(Ledger.HEADER);
        assertThat(lines.get(1)).startsWith("k1,").contains(",CLAIMED,");
    }

    @Test
    void theLatestRowWinsAfterARestart() throws Exception {
        LedgerEntry claimed = LedgerEntry.claimed("k1", "file", "orders, \"2026\".csv", 42);
        ledger.claim(claimed);
        ledger.record(claimed.withBatch("b1").withStatus(ItemStatus.CONVERTED, "rows=3\nsecond line"));
        ledger.record(ledger.find("k1").orElseThrow().withS3Key("raw/x").withStatus(ItemStatus.UPLOADED, ""));

        LedgerEntry reloaded = reopen().find("k1").orElseThrow();
        assertThat(reloaded.status()).isEqualTo(ItemStatus.UPLOADED);
        assertThat(reloaded.name()).isEqualTo("orders, \"2026\".csv");
        assertThat(reloaded.batchId()).isEqualTo("b1");
        assertThat(reloaded.s3Key()).isEqualTo("raw/x");
        assertThat(reloaded.size()).isEqualTo(42);
        assertThat(reloaded.claimedAt()).isEqualTo(claimed.claimedAt());
        assertThat(ledger.batch("b1")).extracting(LedgerEntry::key).containsExactly("k1");
        assertThat(ledger.batchesWith(Set.of(ItemStatus.UPLOADED))).containsExactly("b1");
    }

    @Test
    void aTornLastLineIsDroppedAndAppendsGoOnCleanly() throws Exception {
        ledger.add("k1");
        ledger.add("k2");
        ledger.close();
        Files.writeString(file, "k3,file,half-writ", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        reopen();
        assertThat(ledger.contains("k1")).isTrue();
        assertThat(ledger.contains("k2")).isTrue();
        assertThat(ledger.contains("k3")).isFalse();
        assertThat(ledger.add("k3")).isTrue();

        assertThat(reopen().size()).isEqualTo(3);
        assertThat(Files.readAllLines(file)).hasSize(4).noneMatch(l -> l.contains("half-writ"));
    }

    @Test
    void aReleasedClaimStaysReleasedAfterARestart() throws Exception {
        ledger.add("k1");
        assertThat(ledger.remove("k1")).isTrue();
        assertThat(ledger.contains("k1")).isFalse();
        assertThat(reopen().contains("k1")).isFalse();
        assertThat(ledger.add("k1")).isTrue();
    }

    @Test
    void concurrentClaimsOfTheSameKeysSucceedOncePerKey() throws Exception {
        int threads = 8;
        int keys = 500;
        AtomicInteger won = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    for (int k = 0; k < keys; k++) {
                        if (ledger.add("key-" + k)) {
                            won.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(won.get()).isEqualTo(keys);
        assertThat(Files.readAllLines(file)).hasSize(keys + 1);
        assertThat(reopen().size()).isEqualTo(keys);
    }

    @Test
    void rowsWrittenBySeveralThreadsAtOnceSurviveFlushesSharedAndCompactionsBetweenThem() throws Exception {
        int threads = 8;
        int keysPerThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int k = 0; k < keysPerThread; k++) {
                        String key = "t" + thread + "-" + k;
                        assertThat(ledger.add(key)).isTrue();
                        LedgerEntry claimed = ledger.find(key).orElseThrow();
                        ledger.record(claimed.withBatch("b" + thread).withStatus(ItemStatus.CONVERTED, "c"));
                        ledger.recordAll(List.of(ledger.find(key).orElseThrow().withStatus(ItemStatus.DONE, "d")));
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // 3,600 rows for 1,200 keys: the ledger (compacting past 1,000 lines) rewrote itself while threads appended
        assertThat(Files.readAllLines(file).size()).isLessThan(3 * threads * keysPerThread + 1);
        Ledger reopened = reopen();
        assertThat(reopened.size()).isEqualTo(threads * keysPerThread);
        assertThat(reopened.countByStatus()).containsEntry(ItemStatus.DONE, (long) threads * keysPerThread);
        assertThat(reopened.find("t7-149").orElseThrow().batchId()).isEqualTo("b7");
    }

    @Test
    void itCompactsItselfAndKeepsTheLatestState() throws Exception {
        ledger.close();
        ledger = new CsvLedger(file, 20);
        ledger.open();
        for (int k = 0; k < 5; k++) {
            ledger.add("k" + k);
        }
        for (int round = 0; round < 40; round++) {
            for (int k = 0; k < 5; k++) {
                LedgerEntry e = ledger.find("k" + k).orElseThrow();
                ledger.record(e.withStatus(round % 2 == 0 ? ItemStatus.CONVERTED : ItemStatus.UPLOADED, "r" + round));
            }
        }
        // 205 rows were written; compaction keeps the file near the number of live keys
        assertThat(Files.readAllLines(file).size()).isLessThanOrEqualTo(21);
        Ledger reloaded = reopen();
        for (int k = 0; k < 5; k++) {
            assertThat(reloaded.find("k" + k).orElseThrow().detail()).isEqualTo("r39");
            assertThat(reloaded.find("k" + k).orElseThrow().status()).isEqualTo(ItemStatus.UPLOADED);
        }
    }

    @Test
    void statusesAreCountedForMetricsAndSummaries() {
        ledger.add("a");
        ledger.add("b");
        ledger.record(ledger.find("b").orElseThrow().withStatus(ItemStatus.QUARANTINED, "bad"));
        assertThat(ledger.countByStatus())
                .containsEntry(ItemStatus.CLAIMED, 1L)
                .containsEntry(ItemStatus.QUARANTINED, 1L);
    }

    private static String sha(int n) {
        return String.format("%064x", n);
    }

    @Test
    void finishedItemsAreReadBackFromTheFileWithTheirBatchAndCountsFollowEveryRow() throws Exception {
        String batch = "20261130T100000Z-00beef";
        for (int n = 0; n < 5; n++) {
            ledger.claim(LedgerEntry.claimed(sha(n), "file", "f" + n + ", \"odd\"\nname.csv", n));
            ledger.record(ledger.find(sha(n)).orElseThrow().withBatch(batch));
        }
        ledger.claim(LedgerEntry.claimed("payments:id:1..4:4", "mysql", "payments", 4));
        assertThat(ledger.countByStatus()).containsEntry(ItemStatus.CLAIMED, 6L).hasSize(1);
        for (int n = 0; n < 5; n++) {
            ledger.record(ledger.find(sha(n)).orElseThrow().withStatus(n == 4 ? ItemStatus.QUARANTINED
                    : ItemStatus.DONE, "rows=" + n));
        }
        assertThat(ledger.countByStatus()).containsEntry(ItemStatus.DONE, 4L)
                .containsEntry(ItemStatus.QUARANTINED, 1L).containsEntry(ItemStatus.CLAIMED, 1L);
        assertThat(ledger.inFlight()).extracting(LedgerEntry::key).containsExactly("payments:id:1..4:4");

        Ledger reopened = reopen();
        assertThat(reopened.batch(batch)).hasSize(5).extracting(LedgerEntry::name)
                .allMatch(name -> name.endsWith(", \"odd\"\nname.csv"));
        assertThat(reopened.find(sha(2)).orElseThrow().detail()).isEqualTo("rows=2");
        assertThat(reopened.countByStatus()).containsEntry(ItemStatus.DONE, 4L)
                .containsEntry(ItemStatus.QUARANTINED, 1L).containsEntry(ItemStatus.CLAIMED, 1L);
        assertThat(reopened.touchedSinceOpen()).isEmpty();
        assertThat(reopened.contains("payments:id:1..4:4")).isTrue();
        // a key that is not a hash does not meet the hash of itself
        assertThat(reopened.contains(io.nimbusverse.names.FileNames.sha256Hex("payments:id:1..4:4"))).isFalse();

        reopened.record(reopened.find(sha(1)).orElseThrow().withStatus(ItemStatus.DONE, "again"));
        assertThat(reopened.touchedSinceOpen()).extracting(LedgerEntry::key).containsExactly(sha(1));
    }

    @Test
    void aBatchTakenAgainKnowsItsFinishedItemsToo() throws Exception {
        String batch = "20261130T100000Z-00cafe";
        for (int n = 0; n < 3; n++) {
            ledger.claim(LedgerEntry.claimed(sha(n), "file", "f" + n, n));
            ledger.record(ledger.find(sha(n)).orElseThrow().withBatch(batch).withStatus(ItemStatus.FAILED, "x"));
        }
        assertThat(ledger.batchesWith(ItemStatus.IN_FLIGHT)).isEmpty();
        // a retry puts one item back on its way: the batch still has all three
        ledger.record(ledger.find(sha(0)).orElseThrow().withStatus(ItemStatus.UPLOADED, "retry"));
        assertThat(ledger.batchesWith(ItemStatus.IN_FLIGHT)).containsExactly(batch);
        assertThat(ledger.batch(batch)).hasSize(3);
    }

    @Test
    void aRequeuedKeyIsClaimedAgainAndItsNextPassStartsInANewBatch() throws Exception {
        ledger.claim(LedgerEntry.claimed(sha(1), "file", "orders.csv", 10));
        LedgerEntry first = ledger.find(sha(1)).orElseThrow().withBatch("20261201T100000Z-aaaaaa");
        ledger.record(first.withStatus(ItemStatus.QUARANTINED, "malformed CSV"));

        ledger.record(ledger.find(sha(1)).orElseThrow().withStatus(ItemStatus.REQUEUED, "replay requested"));
        assertThat(ledger.contains(sha(1))).as("a requeued key is free to claim").isFalse();
        assertThat(ledger.find(sha(1))).as("and still found, with what became of it").get()
                .extracting(LedgerEntry::status).isEqualTo(ItemStatus.REQUEUED);
        assertThat(ledger.claim(LedgerEntry.claimed(sha(1), "file", "orders.csv", 10))).isTrue();
        ledger.record(ledger.find(sha(1)).orElseThrow().withBatch("20261201T110000Z-bbbbbb"));

        assertThat(ledger.batch("20261201T110000Z-bbbbbb")).extracting(LedgerEntry::key).containsExactly(sha(1));
        assertThat(ledger.batch("20261201T100000Z-aaaaaa")).as("the item left its first batch").isEmpty();
        assertThat(ledger.movedOutOf("20261201T100000Z-aaaaaa")).extracting(LedgerEntry::batchId)
                .containsExactly("20261201T110000Z-bbbbbb");
        assertThat(reopen().batch("20261201T110000Z-bbbbbb")).extracting(LedgerEntry::status)
                .containsExactly(ItemStatus.CLAIMED);
    }

    @Test
    void aBatchIsReadWithItsOwnItemsAfterItemsMovedAwayAndBackAndAfterACompaction() throws Exception {
        String a = "20261201T100000Z-aaaaaa";
        String b = "20261201T110000Z-bbbbbb";
        for (int i = 0; i < 5; i++) {
            ledger.claim(LedgerEntry.claimed(sha(i), "file", "f" + i, 1));
            ledger.record(ledger.find(sha(i)).orElseThrow().withBatch(a).withStatus(ItemStatus.DONE, ""));
        }
        ledger.record(ledger.find(sha(0)).orElseThrow().withBatch(b));
        ledger.record(ledger.find(sha(0)).orElseThrow().withBatch(a));
        ledger.record(ledger.find(sha(1)).orElseThrow().withBatch(b));

        assertThat(ledger.batch(a)).extracting(LedgerEntry::key).containsExactlyInAnyOrder(sha(0), sha(2), sha(3),
                sha(4));
        assertThat(ledger.batch(b)).extracting(LedgerEntry::key).containsExactly(sha(1));
        for (int i = 0; i < 1_100; i++) {
            ledger.record(ledger.find(sha(2)).orElseThrow().withStatus(ItemStatus.DONE, "again " + i));
        }
        assertThat(Files.readAllLines(file)).as("compacted").hasSizeLessThan(1_000);
        assertThat(ledger.batch(a)).extracting(LedgerEntry::key).containsExactlyInAnyOrder(sha(0), sha(2), sha(3),
                sha(4));
    }

    @Test
    void listenersHearEveryRowWrittenAndTheHistoryHoldsTheEarlierRowsOfAKey() throws Exception {
        List<LedgerEntry> heard = new ArrayList<>();
        ledger.onChange(heard::add);
        ledger.claim(LedgerEntry.claimed(sha(1), "file", "a.csv", 1));
        ledger.record(ledger.find(sha(1)).orElseThrow().withStatus(ItemStatus.CONVERTED, "rows=1"));

        assertThat(heard).extracting(LedgerEntry::status).containsExactly(ItemStatus.CLAIMED, ItemStatus.CONVERTED);
        List<LedgerEntry> history = new ArrayList<>();
        reopen().history(history::add);
        assertThat(history).extracting(LedgerEntry::key, LedgerEntry::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(sha(1), ItemStatus.CLAIMED),
                org.assertj.core.groups.Tuple.tuple(sha(1), ItemStatus.CONVERTED));
    }
}
