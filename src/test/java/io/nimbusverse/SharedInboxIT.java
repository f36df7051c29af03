package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances (JVMs of their own, each with its own work folder and embedded servers) read one inbox and share the
 * ledger and the loader's target in one MariaDB server (nimbus.intake.shared-inbox=true); one is killed with SIGKILL
 * at work and started again: every file is taken by one of them and loaded once, and both take some.
 */
class SharedInboxIT {

    private static final int CSV_FILES = 200;
    private static final int ROWS = 20;
    private static final int JSON_FILES = 4;
    private static final int SAME_CONTENT_AGAIN = 6;

    @TempDir
    Path dir;

    @Test
    void twoInstancesOnOneInboxTakeEachFileOnceAndLoadEachRowOnceThoughOneIsKilled() throws Exception {
        try (MariaDb server = MariaDb.start(dir.resolve("mariadb"))) {
            String url = server.createDatabase("ledger");
            String target = server.createDatabase("target");
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            // every CSV file is one dataset, loaded by both instances into one table of one database
            Path rules = Files.writeString(dir.resolve("datasets.yaml"), "rules:\n  - id: orders\n"
                    + "    match: {fileRegex: \"(shared|again)_.*\\\\.csv\"}\n    dataset: orders\n"
                    + "    table: shared_orders\n");
            Map<String, ProcessBuilder> commands = new HashMap<>();
            Map<String, Process> instances = new HashMap<>();
            Map<String, Integer> httpPorts = new HashMap<>();
            try {
                for (String name : List.of("a", "b")) {
                    ProcessBuilder process = NimbusApp.runningInItsOwnJvm("-Xmx512m");
                    process.environment().putAll(Map.ofEntries(
                            Map.entry("NIMBUS_DATA_DIR", dir.resolve(name).toString()),
                            Map.entry("NIMBUS_KAFKA_INSTANCE_ID", name),
                            Map.entry("NIMBUS_INBOX_DIR", inbox.toString()),
                            Map.entry("NIMBUS_SAMPLES_FEED", "false"),
                            Map.entry("NIMBUS_SQL_ENABLED", "false"),
                            Map.entry("NIMBUS_LEDGER_STORE", "jdbc"),
                            Map.entry("NIMBUS_LEDGER_JDBC_URL", url),
                            Map.entry("NIMBUS_LEDGER_JDBC_USER", "root"),
                            Map.entry("NIMBUS_INTAKE_SHARED_INBOX", "true"),
                            Map.entry("NIMBUS_INTAKE_LEASE_MS", "3000"),
                            Map.entry("NIMBUS_LOADER_JDBC_URL", target),
                            Map.entry("NIMBUS_LOADER_JDBC_USER", "root"),
                            Map.entry("NIMBUS_DATASETS_RULES_FILE", rules.toString()),
                            Map.entry("NIMBUS_INTAKE_BATCH_SIZE", "25"),
                            Map.entry("NIMBUS_INTAKE_BATCH_IDLE_MS", "800"),
                            Map.entry("NIMBUS_LOADER_POLL_DELAY_MS", "300"),
                            Map.entry("NIMBUS_COMPLETION_POLL_DELAY_MS", "300")));
                    process.redirectOutput(dir.resolve(name + ".log").toFile());
                    httpPorts.put(name, Integer.parseInt(process.environment().get("NIMBUS_HTTP_PORT")));
                    commands.put(name, process);
                    instances.put(name, process.start());
                }
                for (String name : instances.keySet()) {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                            .until(() -> !instances.get(name).isAlive() || healthy(httpPorts.get(name)));
                    assertThat(instances.get(name).isAlive()).as("instance %s ended:\n%s", name, tail(name)).isTrue();
                }

                drop(inbox);

                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(url);
                config.setUsername("root");
                config.setMaximumPoolSize(2);
                try (HikariDataSource pool = new HikariDataSource(config)) {
                    JdbcLedger ledger = new JdbcLedger(pool, url, "test");
                    ledger.open();
                    int items = CSV_FILES + JSON_FILES;
                    // a is killed with SIGKILL at work, b goes on alone, then a starts again on its data folder
                    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() ->
                            ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L) >= 30);
                    instances.get("a").destroyForcibly().waitFor();
                    long doneAtKill = ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L);
                    long leasesOfA = leasesOf(pool, "a");
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                            ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L) >= doneAtKill + 20);
                    System.out.printf("SharedInboxIT: a killed with %d items DONE and %d leases held; started again "
                            + "once b had %d more DONE%n", doneAtKill, leasesOfA,
                            ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L) - doneAtKill);
                    commands.get("a").redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("a.log").toFile()));
                    instances.put("a", commands.get("a").start());
                    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
                            instances.values().stream().anyMatch(p -> !p.isAlive())
                                    || ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L) == items);
                    instances.forEach((name, p) -> assertThat(p.isAlive()).as("instance %s ended:\n%s", name,
                            tail(name)).isTrue());
                    Map<ItemStatus, Long> statuses = ledger.countByStatus();
                    assertThat(statuses).as("every item once, each copy under another name a duplicate")
                            .containsExactlyInAnyOrderEntriesOf(Map.of(ItemStatus.DONE, (long) items,
                                    ItemStatus.DUPLICATE, (long) SAME_CONTENT_AGAIN));
                    ledger.close();
                    // a lease taken by a poll that met a file just before it left is given up within a lease time
                    await().atMost(Duration.ofSeconds(30)).until(() -> leasesOf(pool, null) == 0);
                }
            } finally {
                for (Process process : instances.values()) {
                    process.destroy();
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                }
            }

            Map<String, Set<String>> rawByInstance = new HashMap<>();
            for (String name : List.of("a", "b")) {
                rawByInstance.put(name, rawNames(dir.resolve(name + "/s3/nimbus-data/raw")));
            }
            System.out.printf("SharedInboxIT: files taken a=%d b=%d%n", rawByInstance.get("a").size(),
                    rawByInstance.get("b").size());
            assertThat(rawByInstance.get("a")).as("work done by both").isNotEmpty().doesNotContainAnyElementsOf(
                    rawByInstance.get("b"));
            assertThat(rawByInstance.get("b")).isNotEmpty();
            Set<String> raw = new HashSet<>(rawByInstance.get("a"));
            raw.addAll(rawByInstance.get("b"));
            assertThat(raw).hasSize(CSV_FILES + JSON_FILES);

            try (Connection db = DriverManager.getConnection(target, "root", "");
                    Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), min(id), max(id) "
                            + "FROM shared_orders")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows loaded").isEqualTo((long) CSV_FILES * ROWS);
                assertThat(rs.getLong(2)).as("distinct ids loaded").isEqualTo((long) CSV_FILES * ROWS);
                assertThat(rs.getLong(3)).isZero();
                assertThat(rs.getLong(4)).isEqualTo((long) CSV_FILES * ROWS - 1);
            }
            long duplicatesMoved = 0;
            for (String name : List.of("a", "b")) {
                try (Stream<Path> moved = Files.list(dir.resolve(name + "/duplicates"))) {
                    duplicatesMoved += moved.count();
                }
            }
            assertThat(duplicatesMoved).isEqualTo(SAME_CONTENT_AGAIN);
            try (Stream<Path> left = Files.list(inbox)) {
                assertThat(left).isEmpty();
            }
        }
    }

    /** CSV files of known rows, JSON files, and copies of some CSV content under other names, moved in whole. */
    private void drop(Path inbox) throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        List<Path> files = new ArrayList<>();
        for (int file = 0; file < CSV_FILES; file++) {
            StringBuilder csv = new StringBuilder("id,amount\n");
            for (int row = 0; row < ROWS; row++) {
                csv.append(file * ROWS + row).append(',').append(row).append('\n');
            }
            files.add(Files.writeString(staging.resolve(String.format("shared_%03d.csv", file)), csv));
        }
        for (int file = 0; file < JSON_FILES; file++) {
            files.add(Files.writeString(staging.resolve("event_" + file + ".json"), "{\"event\": " + file + "}"));
        }
        for (int file = 0; file < SAME_CONTENT_AGAIN; file++) {
            files.add(Files.copy(staging.resolve(String.format("shared_%03d.csv", file)),
                    staging.resolve("again_" + file + ".csv")));
        }
        for (Path file : files) {
            Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The inbox leases the instance holds, or all of them (null). */
    private static long leasesOf(HikariDataSource pool, String owner) throws Exception {
        try (Connection db = pool.getConnection(); Statement st = db.createStatement();
                ResultSet leases = st.executeQuery("SELECT count(*) FROM nimbus_inbox_leases"
                        + (owner == null ? "" : " WHERE owner = '" + owner + "'"))) {
            leases.next();
            return leases.getLong(1);
        }
    }

    private static boolean healthy(int port) {
        try {
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The names of the raw objects an instance put to its S3 (the last part of each key). */
    private static Set<String> rawNames(Path raw) throws IOException {
        if (!Files.isDirectory(raw)) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.walk(raw)) {
            files.filter(Files::isRegularFile).forEach(f -> assertThat(names.add(f.getFileName().toString()))
                    .as("raw object %s put once", f).isTrue());
        }
        return names;
    }

    private String tail(String instance) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(instance + ".log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
        } catch (IOException e) {
            return "(its log cannot be read: " + e + ")";
        }
    }
}
