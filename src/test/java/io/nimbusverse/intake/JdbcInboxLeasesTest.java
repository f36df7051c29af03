package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leases of a shared inbox in a database table, on H2 in MySQL mode: one instance takes each name, takes its own
 * back after a restart, keeps it while it renews, and loses it to another once it stops. SharedLedgerIT races two
 * instances on MariaDB too.
 */
public class JdbcInboxLeasesTest {

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    private DataSource database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000");
        config.setUsername("sa");
        config.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(config);
        open.add(pool);
        return pool;
    }

    private JdbcInboxLeases instance(DataSource database, String owner, Duration lease) {
        JdbcInboxLeases leases = new JdbcInboxLeases(database, "h2 (test)", owner, lease);
        leases.open();
        open.add(0, leases);
        return leases;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void aNameIsTakenByOneInstanceUntilItIsReleased() {
        DataSource database = database();
        JdbcInboxLeases a = instance(database, "a", Duration.ofSeconds(30));
        JdbcInboxLeases b = instance(database, "b", Duration.ofSeconds(30));

        assertThat(a.take("sales/2026/orders.csv")).isTrue();
        assertThat(b.take("sales/2026/orders.csv")).isFalse();
        assertThat(a.take("sales/2026/orders.csv")).as("its own lease, asked again").isTrue();
        b.release("sales/2026/orders.csv");
        assertThat(b.take("sales/2026/orders.csv")).as("only the holder gives a lease up").isFalse();

        a.release("sales/2026/orders.csv");
        assertThat(b.take("sales/2026/orders.csv")).isTrue();
        assertThat(a.take("sales/2026/orders.csv")).isFalse();
    }

    @Test
    void anInstanceRestartedUnderItsIdTakesItsLeasesBackAtOnce() {
        DataSource database = database();
        JdbcInboxLeases before = instance(database, "a", Duration.ofSeconds(30));
        String longName = "deep/".repeat(60) + "ü n i c o d e, \"quoted\"\nname.csv";
        assertThat(before.take("orders.csv")).isTrue();
        assertThat(before.take(longName)).isTrue();
        assertThat(instance(database, "b", Duration.ofSeconds(30)).take("customers.json")).isTrue();
        before.close();

        JdbcInboxLeases restarted = instance(database, "a", Duration.ofSeconds(30));
        assertThat(restarted.take("orders.csv")).isTrue();
        assertThat(restarted.take(longName)).isTrue();
        assertThat(restarted.take("customers.json")).isFalse();
    }

    @Test
    void aLeaseRenewedIsKeptAndOneNoLongerRenewedGoesToAnotherInstance() {
        DataSource database = database();
        Duration lease = Duration.ofMillis(600);
        JdbcInboxLeases a = instance(database, "a", lease);
        JdbcInboxLeases b = instance(database, "b", lease);
        assertThat(a.take("orders.csv")).isTrue();

        // a renews every 200 ms: over three lease times b never gets it
        await().during(Duration.ofMillis(1800)).atMost(Duration.ofSeconds(3)).until(() -> !b.take("orders.csv"));

        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.take("orders.csv"));
        assertThat(instance(database, "c", lease).take("orders.csv")).isFalse();
    }

    @Test
    void ofTwoInstancesTakingTheSameNamesAtOnceExactlyOneTakesEach() throws Exception {
        DataSource database = database();
        assertExactlyOneTakesEachName(instance(database, "a", Duration.ofSeconds(30)),
                instance(database, "b", Duration.ofSeconds(30)), 300);
    }

    /** Both instances take every name from four threads each, at once: each name is taken by one instance only. */
    public static void assertExactlyOneTakesEachName(InboxLeases first, InboxLeases second, int names) throws Exception {
        ConcurrentHashMap<String, Set<InboxLeases>> takers = new ConcurrentHashMap<>();
        List<Callable<Void>> racers = new ArrayList<>();
        for (InboxLeases leases : List.of(first, second)) {
            for (int thread = 0; thread < 4; thread++) {
                racers.add(() -> {
                    for (int n = 0; n < names; n++) {
                        String name = "inbox/file-" + n + ".csv";
                        if (leases.take(name)) {
                            takers.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(leases);
                        }
                    }
                    return null;
                });
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(racers.size());
        try {
            for (Future<Void> racer : threads.invokeAll(racers)) {
                racer.get();
            }
        } finally {
            threads.shutdown();
        }
        assertThat(takers).hasSize(names);
        assertThat(takers.values()).allSatisfy(t -> assertThat(t).hasSize(1));
        for (int n = 0; n < names; n++) {
            String name = "inbox/file-" + n + ".csv";
            InboxLeases other = takers.get(name).contains(first) ? second : first;
            assertThat(other.take(name)).as("%s, taken by the other", name).isFalse();
        }
    }
}
