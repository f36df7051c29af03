package io.nimbusverse.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.run.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger in a database table (JdbcLedger), on H2 in MySQL mode: the same answers as the CSV ledger, and of two
 * instances claiming the same keys at once, exactly one wins each key. SharedLedgerIT does the same on MariaDB.
 */
class JdbcLedgerTest {

    @TempDir
    Path dir;
    private final List<HikariDataSource> pools = new ArrayList<>();

    /** An instance of the ledger, with a connection pool of its own, on the test's database. */
    JdbcLedger instance() {
        return instance("test");
    }

    /** The same, for the instance of that id. */
    JdbcLedger instance(String id) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE"
                + ";LOCK_TIMEOUT=10000");
        config.setUsername("sa");
        config.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        JdbcLedger ledger = new JdbcLedger(pool, "h2 (test)", id);
        ledger.open();
        return ledger;
    }

    @AfterEach
    void close() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void aRowIsReadBackExactlyAsItWasWritten() {
        JdbcLedger ledger = instance();
        LedgerEntry claimed = LedgerEntry.claimed("k1", "file", "sales/two\nlines, \"quoted\" \\ name.csv", 12);
        assertThat(ledger.claim(claimed)).isTrue();
        LedgerEntry batched = claimed.withBatch("20261202T050000Z-abcdef");
        ledger.record(batched);

        assertThat(ledger.find("k1")).contains(batched);
        assertThat(ledger.contains("k1")).isTrue();
        assertThat(ledger.find("other")).isEmpty();
        assertThat(ledger.batch("20261202T050000Z-abcdef")).containsExactly(batched);
        assertThat(ledger.entries()).containsExactly(batched);
        // another instance sees it
        assertThat(instance().find("k1")).contains(batched);
    }

    @Test
    void aKeyIsClaimedOnceUntilItsClaimIsReleased() {
        JdbcLedger ledger = instance();
        assertThat(ledger.claim(LedgerEntry.claimed("k", "file", "a.csv", 1))).isTrue();
        assertThat(ledger.claim(LedgerEntry.claimed("k", "file", "b.csv", 1))).isFalse();
        assertThat(ledger.find("k").orElseThrow().name()).isEqualTo("a.csv");

        assertThat(ledger.remove("k")).isTrue();
        assertThat(ledger.find("k")).isEmpty();
        assertThat(ledger.contains("k")).isFalse();
        assertThat(ledger.claim(LedgerEntry.claimed("k", "file", "b.csv", 1))).isTrue();
        assertThat(ledger.find("k").orElseThrow().name()).isEqualTo("b.csv");

        LedgerEntry requeued = ledger.find("k").orElseThrow().withStatus(ItemStatus.REQUEUED, "replayed");
        ledger.record(requeued);
        assertThat(ledger.claim(LedgerEntry.claimed("k", "file", "c.csv", 1))).isTrue();
    }

    @Test
    void statusesBatchesAndCountsAreThoseOfTheLatestRows() {
        JdbcLedger ledger = instance();
        LedgerEntry a = claimInBatch(ledger, "a", "b1");
        LedgerEntry b = claimInBatch(ledger, "b", "b1");
        LedgerEntry c = claimInBatch(ledger, "c", "b2");
        ledger.recordAll(List.of(a.withStatus(ItemStatus.CONVERTED, ""), b.withStatus(ItemStatus.DONE, "")));
        ledger.claim(LedgerEntry.claimed("loose", "file", "loose.csv", 1));

        assertThat(ledger.batchesWith(Set.of(ItemStatus.CLAIMED))).containsExactly("b2");
        assertThat(ledger.batchesWith(Set.of(ItemStatus.CONVERTED, ItemStatus.CLAIMED)))
                .containsExactly("b1", "b2");
        assertThat(ledger.anyBatchWith(Set.of(ItemStatus.UPLOADED))).isFalse();
        assertThat(ledger.inFlight()).extracting(LedgerEntry::key).containsExactlyInAnyOrder("a", "c", "loose");
        assertThat(ledger.namesInFlight()).containsExactlyInAnyOrder("a.csv", "c.csv", "loose.csv");
        assertThat(ledger.countByStatus()).isEqualTo(Map.of(ItemStatus.CLAIMED, 2L, ItemStatus.CONVERTED, 1L,
                ItemStatus.DONE, 1L));
        assertThat(ledger.size()).isEqualTo(4);
        assertThat(ledger.count(e -> e.status() == ItemStatus.DONE)).isEqualTo(1);
        assertThat(ledger.touchedSinceOpen()).hasSize(4);
        assertThat(instance().touchedSinceOpen()).isEmpty();

        // replayed into another batch: b1 remembers it lost the item
        ledger.record(ledger.find("a").orElseThrow().withBatch("b3"));
        assertThat(ledger.movedOutOf("b1")).extracting(LedgerEntry::key).containsExactly("a");
        assertThat(ledger.batch("b1")).extracting(LedgerEntry::key).containsExactly("b");

        List<LedgerEntry> history = new ArrayList<>();
        ledger.history(history::add);
        assertThat(history).hasSize(10).extracting(LedgerEntry::key).startsWith("a", "a", "b", "b");
        List<LedgerEntry> heard = new ArrayList<>();
        ledger.onChange(heard::add);
        ledger.claim(LedgerEntry.claimed("heard", "file", "h.csv", 1));
        assertThat(heard).extracting(LedgerEntry::key).containsExactly("heard");
    }

    private static LedgerEntry claimInBatch(JdbcLedger ledger, String key, String batchId) {
        LedgerEntry claimed = LedgerEntry.claimed(key, "file", key + ".csv", 1);
        ledger.claim(claimed);
        LedgerEntry batched = claimed.withBatch(batchId);
        ledger.record(batched);
        return batched;
    }

    @Test
    void aDatabaseWhereItsTablesCannotBeMadeEndsTheStartNamingTheSetting() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("readonly").toAbsolutePath() + ";MODE=MySQL";
        try (Connection made = DriverManager.getConnection(url, "sa", "")) {
            assertThat(made.isValid(1)).isTrue();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + ";ACCESS_MODE_DATA=r");
        config.setUsername("sa");
        HikariDataSource readOnly = new HikariDataSource(config);
        pools.add(readOnly);

        assertThatThrownBy(() -> new JdbcLedger(readOnly, "h2:readonly", "test").open())
                .isInstanceOf(Settings.InvalidSettingException.class)
                .hasMessageStartingWith("Ledger in h2:readonly (nimbus.ledger.jdbc-url, environment variable "
                        + "NIMBUS_LEDGER_JDBC_URL; user nimbus.ledger.jdbc-user): cannot make its tables (");
    }

    @Test
    void aListenerHearsItsOwnInstancesRowsAtOnceAndTheOthersShortlyEachOnce() throws Exception {
        JdbcLedger mine = instance();
        JdbcLedger theirs = instance();
        LedgerEntry before = LedgerEntry.claimed("before", "file", "before.csv", 1);
        theirs.claim(before);
        List<LedgerEntry> heard = new CopyOnWriteArrayList<>();
        mine.onChange(heard::add);
        try {
            LedgerEntry own = LedgerEntry.claimed("own", "file", "own.csv", 1);
            mine.claim(own);
            assertThat(heard).containsExactly(own);

            LedgerEntry other = LedgerEntry.claimed("other", "file", "other.csv", 2);
            theirs.claim(other);
            LedgerEntry batched = other.withBatch("20261202T090000Z-abcdef");
            LedgerEntry ownBatchedByThem = own.withBatch("20261202T090000Z-abcdef");
            theirs.recordAll(List.of(batched, ownBatchedByThem));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 4);
            // a few more looks: nothing is told twice, and the row written before the listener is the history's
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 4);
            assertThat(heard).containsExactly(own, other, batched, ownBatchedByThem)
                    .doesNotContain(before);
        } finally {
            mine.close();
            theirs.close();
        }
    }

    @Test
    void aHistoryTableOfTheEarlierLayoutIsKeptAndGainsItsRunColumn() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        LedgerEntry old = LedgerEntry.claimed("old", "file", "old.csv", 1);
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE nimbus_ledger_history (seq BIGINT NOT NULL AUTO_INCREMENT "
                    + "PRIMARY KEY, key_hash CHAR(64) NOT NULL, batch_id VARCHAR(64) NOT NULL, entry MEDIUMTEXT NOT "
                    + "NULL, INDEX nimbus_ledger_history_batch (batch_id))");
            c.createStatement().execute("INSERT INTO nimbus_ledger_history (key_hash, batch_id, entry) VALUES ('x', "
                    + "'', '" + LedgerCsv.format(old).replace("'", "''") + "')");
        }
        JdbcLedger ledger = instance();
        LedgerEntry now = LedgerEntry.claimed("now", "file", "now.csv", 1);
        ledger.claim(now);
        List<LedgerEntry> history = new ArrayList<>();
        ledger.history(history::add);
        assertThat(history).containsExactly(old, now);
    }

    @Test
    void theItemsOnTheirWayHereAreThoseThisInstanceWroteLast() {
        JdbcLedger a = instance("a");
        JdbcLedger b = instance("b");
        a.claim(LedgerEntry.claimed("of-a", "file", "a.csv", 1));
        b.claim(LedgerEntry.claimed("of-b", "file", "b.csv", 1));
        a.claim(LedgerEntry.claimed("moved-on", "file", "c.csv", 1));
        // b takes over a's claim (a died before batching it) and batches it
        b.record(a.find("moved-on").orElseThrow().withBatch("20261202T120000Z-abcdef"));
        a.claim(LedgerEntry.claimed("done", "file", "d.csv", 1));
        a.record(a.find("done").orElseThrow().withStatus(ItemStatus.DONE, ""));

        assertThat(a.inFlightHere()).extracting(LedgerEntry::key).containsExactly("of-a");
        assertThat(b.inFlightHere()).extracting(LedgerEntry::key).containsExactlyInAnyOrder("of-b", "moved-on");
        assertThat(instance("a").inFlightHere()).as("after a restart under its id").extracting(LedgerEntry::key)
                .containsExactly("of-a");
        assertThat(a.inFlight()).hasSize(3);
    }

    @Test
    void rowsOfTheEarlierLayoutGainTheInstanceColumnAndAreTheInstancesThatOpensThem() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        LedgerEntry old = LedgerEntry.claimed("old", "file", "old.csv", 1);
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE nimbus_ledger (key_hash CHAR(64) NOT NULL PRIMARY KEY, "
                    + "position BIGINT NOT NULL AUTO_INCREMENT UNIQUE, status VARCHAR(16) NOT NULL, batch_id "
                    + "VARCHAR(64) NOT NULL, run_id VARCHAR(36) NOT NULL, entry MEDIUMTEXT NOT NULL)");
            c.createStatement().execute("INSERT INTO nimbus_ledger (key_hash, status, batch_id, run_id, entry) "
                    + "VALUES ('x', 'CLAIMED', '', '', '" + LedgerCsv.format(old).replace("'", "''") + "')");
        }
        // one instance kept a ledger of that layout: the one that opens it after the upgrade recovers its items
        JdbcLedger ledger = instance("a");
        ledger.claim(LedgerEntry.claimed("now", "file", "now.csv", 1));
        assertThat(ledger.inFlightHere()).extracting(LedgerEntry::key).containsExactlyInAnyOrder("old", "now");
        assertThat(instance("b").inFlightHere()).isEmpty();
    }

    @Test
    void ofTwoInstancesClaimingTheSameKeysAtOnceExactlyOneWinsEachKey() throws Exception {
        assertExactlyOneClaimWinsEachKey(instance(), instance(), 300);
    }

    /** Both instances claim every key from four threads each, at once: every key is won exactly once. */
    static void assertExactlyOneClaimWinsEachKey(Ledger first, Ledger second, int keys) throws Exception {
        AtomicInteger[] wins = new AtomicInteger[keys];
        for (int k = 0; k < keys; k++) {
            wins[k] = new AtomicInteger();
        }
        List<Callable<Integer>> claimers = new ArrayList<>();
        for (Ledger ledger : List.of(first, second)) {
            for (int thread = 0; thread < 4; thread++) {
                claimers.add(() -> {
                    int won = 0;
                    for (int k = 0; k < keys; k++) {
                        if (ledger.claim(LedgerEntry.claimed("key-" + k, "file", "f" + k + ".csv", k))) {
                            wins[k].incrementAndGet();
                            won++;
                        }
                    }
                    return won;
                });
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(claimers.size());
        int total = 0;
        try {
            for (Future<Integer> won : threads.invokeAll(claimers)) {
                total += won.get();
            }
        } finally {
            threads.shutdown();
        }
        assertThat(total).isEqualTo(keys);
        assertThat(wins).allSatisfy(w -> assertThat(w.get()).isEqualTo(1));
        assertThat(first.size()).isEqualTo(keys);
        assertThat(second.inFlight()).hasSize(keys);
    }
}
