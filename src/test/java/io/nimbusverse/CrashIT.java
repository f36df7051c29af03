package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: the application, in a JVM of its own, is killed with SIGKILL (kill -9) at a random moment of
 * each start while it takes several hundred files, and started again; a last run-once start finishes the work. The
 * moment is drawn after a ledger row of a stage chosen kill by kill (its first row: 0-3 s after; a CONVERTED,
 * UPLOADED or DONE row: 0-1.5 s after), so that kills land in intake, conversion, upload, load and completion. Every
 * file is loaded once: each table holds its file's rows exactly, the ledger has every item DONE and nothing else, the
 * inbox is empty. Once with the ledger in its CSV file, once in a MariaDB database (nimbus.ledger.store=jdbc).
 */
class CrashIT {

    private static final int FILES = 300;
    private static final int ROWS = 3;
    /**
     * Kill by kill, the row a start writes before its random moment comes (null: its first row, whatever it is). The
     * database's run, which shares the code paths of the stages with the CSV ledger's, takes fewer.
     */
    private static final List<ItemStatus> KILLS = Arrays.asList(null, ItemStatus.CONVERTED, ItemStatus.UPLOADED,
            ItemStatus.DONE, null);
    private static final List<ItemStatus> KILLS_WITH_THE_DATABASE = Arrays.asList(null, ItemStatus.UPLOADED,
            ItemStatus.DONE);

    @TempDir
    Path dir;

    /** Where the runs keep their ledger, and how the test reads it while they run and after. */
    private interface LedgerStore {
        Map<String, String> settings();

        /** Rows written so far with the status (any status: null): grows as soon as a start is at work. */
        long rowsWritten(ItemStatus status) throws Exception;

        Ledger open() throws Exception;
    }

    @Test
    void killedAtRandomMomentsItLosesNothingAndLoadsNothingTwice() throws Exception {
        Path file = dir.resolve("state/ledger/report.csv");
        killAndCheck(KILLS, new LedgerStore() {
            @Override
            public Map<String, String> settings() {
                return Map.of();
            }

            @Override
            public long rowsWritten(ItemStatus status) throws IOException {
                if (!Files.exists(file)) {
                    return 0;
                }
                // the files' names, media type and keys hold no comma: the status is the only such field
                try (Stream<String> lines = Files.lines(file)) {
                    return lines.filter(line -> status == null || line.contains("," + status + ",")).count();
                }
            }

            @Override
            public Ledger open() throws IOException {
                Ledger ledger = new CsvLedger(file, 100_000);
                ledger.open();
                return ledger;
            }
        });
    }

    @Test
    void withTheLedgerInADatabaseKilledAtRandomMomentsItLosesNothingAndLoadsNothingTwice() throws Exception {
        try (MariaDb server = MariaDb.start(dir.resolve("mariadb"))) {
            String url = server.createDatabase("ledger");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                killAndCheck(KILLS_WITH_THE_DATABASE, new LedgerStore() {
                    @Override
                    public Map<String, String> settings() {
                        return Map.of("NIMBUS_LEDGER_STORE", "jdbc", "NIMBUS_LEDGER_JDBC_URL", url,
                                "NIMBUS_LEDGER_JDBC_USER", "root");
                    }

                    @Override
                    public long rowsWritten(ItemStatus status) throws Exception {
                        try (Connection db = pool.getConnection(); Statement st = db.createStatement();
                                ResultSet tables = db.getMetaData().getTables(null, null, "nimbus_ledger_history",
                                        null)) {
                            if (!tables.next()) {
                                return 0;
                            }
                            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM nimbus_ledger_history"
                                    + (status == null ? "" : " WHERE entry LIKE '%," + status + ",%'"))) {
                                rs.next();
                                return rs.getLong(1);
                            }
                        }
                    }

                    @Override
                    public Ledger open() throws IOException {
                        Ledger ledger = new JdbcLedger(pool, url, "test");
                        ledger.open();
                        return ledger;
                    }
                });
            }
        }
    }

    private void killAndCheck(List<ItemStatus> kills, LedgerStore store) throws Exception {
        Path data = dir.resolve("state");
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        for (int file = 0; file < FILES; file++) {
            StringBuilder csv = new StringBuilder("id,amount\n");
            for (int row = 0; row < ROWS; row++) {
                csv.append(file * ROWS + row).append(',').append(row).append('\n');
            }
            Files.writeString(inbox.resolve(String.format("crash_%03d.csv", file)), csv, StandardCharsets.UTF_8);
        }
        String tables = "jdbc:h2:file:" + data.resolve("tables").toAbsolutePath() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        // every start finds its servers where they were: the embedded Kafka keeps its ports in its state
        Map<String, String> env = new HashMap<>(NimbusApp.runOnceInItsOwnJvm().environment());
        env.putAll(Map.of(
                "NIMBUS_DATA_DIR", data.toString(),
                "NIMBUS_INBOX_DIR", inbox.toString(),
                "NIMBUS_SAMPLES_FEED", "false",
                "NIMBUS_SQL_ENABLED", "false",
                "NIMBUS_LOADER_JDBC_URL", tables,
                "NIMBUS_INTAKE_BATCH_SIZE", "40",
                "NIMBUS_INTAKE_BATCH_IDLE_MS", "800",
                "NIMBUS_LOADER_POLL_DELAY_MS", "300",
                "NIMBUS_COMPLETION_POLL_DELAY_MS", "300"));
        env.putAll(store.settings());

        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Long> killedAfter = new ArrayList<>();
        List<String> killedWhen = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        for (int kill = 0; kill < kills.size() && doneSoFar(store) < FILES; kill++) {
            ItemStatus stage = kills.get(kill);
            long rowsBefore = store.rowsWritten(null);
            long stageRowsBefore = stage == null ? 0 : store.rowsWritten(stage);
            ProcessBuilder running = NimbusApp.runningInItsOwnJvm("-Xmx512m");
            running.environment().putAll(env);
            running.redirectOutput(dir.resolve("start-" + kill + ".log").toFile()).redirectErrorStream(true);
            Process process = running.start();
            long started = System.nanoTime();
            // killed at a random moment once this start is at work (its first ledger row), however slow its start
            Path log = dir.resolve("start-" + kill + ".log");
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                        .until(() -> store.rowsWritten(null) > rowsBefore || !process.isAlive());
            } catch (ConditionTimeoutException e) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("start " + kill + " (after kills at " + killedAfter + " ms) wrote no ledger row "
                        + "in 90 s:\n" + tail(log, 200), e);
            }
            String when = "first row";
            if (stage != null) {
                // and once it wrote a row of the stage; a start left nothing of that stage to do is killed at a minute
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                            .until(() -> store.rowsWritten(stage) > stageRowsBefore || !process.isAlive());
                    when = stage.name();
                } catch (ConditionTimeoutException e) {
                    when = "no " + stage + " row in 60 s";
                }
            }
            assertThat(process.isAlive()).as("start %d ended by itself:\n%s", kill, tail(log, 200)).isTrue();
            Thread.sleep(random.nextInt(stage == null ? 3_000 : 1_500));
            process.destroyForcibly().waitFor();
            killedAfter.add((System.nanoTime() - started) / 1_000_000);
            killedWhen.add(when);
            done.add(doneSoFar(store));
        }
        System.out.printf("CrashIT: killed after %s ms, after a row of %s, items DONE after each kill %s "
                + "(-Dcrash.seed=%d)%n", killedAfter, killedWhen, done, seed);
        assertThat(killedAfter).as("kills before the work was done (DONE after each: %s)", done)
                .hasSizeGreaterThanOrEqualTo(Math.max(2, kills.size() - 2));

        ProcessBuilder last = NimbusApp.runOnceInItsOwnJvm("-Xmx512m");
        last.environment().putAll(env);
        last.redirectOutput(dir.resolve("last.log").toFile());
        Process finish = last.start();
        boolean finished = finish.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            finish.destroyForcibly().waitFor();
        }
        // the end of the last run's output: a whole log in a failure's message can exhaust the test JVM's heap
        String output = tail(dir.resolve("last.log"), 200);
        assertThat(finished).as("killed after %s ms; the last run:\n%s", killedAfter, output).isTrue();
        assertThat(finish.exitValue()).as("killed after %s ms:\n%s", killedAfter, output).isZero();

        Ledger ledger = store.open();
        try {
            List<LedgerEntry> entries = ledger.entries();
            assertThat(entries).as("killed after %s ms", killedAfter).hasSize(FILES)
                    .allMatch(e -> e.status() == ItemStatus.DONE);
        } finally {
            ledger.close();
        }
        Map<String, Long> rowsByTable = rowsByTable(tables);
        assertThat(rowsByTable).as("killed after %s ms", killedAfter).hasSize(FILES)
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isEqualTo(ROWS));
        try (Stream<Path> left = Files.list(inbox)) {
            assertThat(left).isEmpty();
        }
    }

    private static long doneSoFar(LedgerStore store) throws Exception {
        if (store.rowsWritten(null) == 0) {
            return 0;
        }
        Ledger ledger = store.open();
        try {
            return ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L);
        } finally {
            ledger.close();
        }
    }

    private static Map<String, Long> rowsByTable(String url) throws Exception {
        Map<String, Long> rows = new HashMap<>();
        try (Connection db = DriverManager.getConnection(url, "sa", "");
                Statement st = db.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'public' AND table_name LIKE 'crash%'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id) FROM \"" + name + "\"")) {
                    rs.next();
                    assertThat(rs.getLong(2)).as("distinct ids of %s", name).isEqualTo(rs.getLong(1));
                    rows.put(name, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    /** The last lines of a log. */
    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
