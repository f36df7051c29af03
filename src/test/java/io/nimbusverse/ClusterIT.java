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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.local.EmbeddedStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances, JVMs of their own, on one Kafka (a signals topic of several partitions), one S3 server and one
 * MariaDB (the ledger, the loader's target, a source table), one shared inbox and one lock folder
 * (nimbus.work.shared): any instance converts, uploads or completes any batch. The instance that leads is killed with
 * SIGKILL at work, another takes the lead, and the killed one is started again: every file and every row is loaded
 * once, every batch completes, and more than one instance did the work.
 */
class ClusterIT {

    private static final List<String> INSTANCES = List.of("a", "b", "c");
    private static final int CSV_FILES = 900;
    private static final int ROWS = 10;
    private static final int JSON_FILES = 60;
    private static final int BINARY_FILES = 40;
    private static final int SAME_CONTENT_AGAIN = 6;
    private static final int TABLE_ROWS = 3000;
    private static final String BUCKET = "nimbus-data";
    private static final Pattern ABANDONED_UPLOAD = Pattern.compile(
            ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern INGESTED = Pattern.compile("^nimbus_items_ingested_total\\{[^}]*} ([0-9.E]+)$",
            Pattern.MULTILINE);

    @TempDir
    Path dir;
    private final Map<String, ProcessBuilder> commands = new LinkedHashMap<>();
    private final Map<String, Process> instances = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

    @Test
    void threeInstancesShareTheWorkAndLoseNothingWhenTheLeaderIsKilled() throws Exception {
        int kafkaPort = NimbusApp.freePort();
        int s3Port = NimbusApp.freePort();
        int smtpPort = NimbusApp.freePort();
        EmbeddedStack stack = new EmbeddedStack(dir.resolve("stack"), kafkaPort, NimbusApp.freePort(), s3Port, BUCKET,
                smtpPort, NimbusApp.freePort(), "ops@nimbus.local");
        try (MariaDb server = MariaDb.start(dir.resolve("mariadb"))) {
            stack.start();
            String ledgerUrl = server.createDatabase("ledger");
            String target = server.createDatabase("target");
            String source = server.createDatabase("shop");
            SqlTables.execute(source, "root", "CREATE TABLE sales (id INT PRIMARY KEY, amount INT)",
                    "INSERT INTO sales SELECT seq, seq % 97 FROM seq_1_to_" + TABLE_ROWS);
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            Path routes = routesReading("sales");
            Path rules = Files.writeString(dir.resolve("datasets.yaml"), "rules:\n  - id: orders\n"
                    + "    match: {fileRegex: \"(shared|again)_.*\\\\.csv\"}\n    dataset: orders\n"
                    + "    table: shared_orders\n");
            for (String name : INSTANCES) {
                ProcessBuilder process = NimbusApp.runningInItsOwnJvm("-Xmx384m");
                process.environment().putAll(Map.ofEntries(
                        Map.entry("NIMBUS_DATA_DIR", dir.resolve(name).toString()),
                        Map.entry("NIMBUS_KAFKA_INSTANCE_ID", name),
                        Map.entry("NIMBUS_EMBEDDED_ENABLED", "false"),
                        Map.entry("NIMBUS_KAFKA_BROKERS", "127.0.0.1:" + kafkaPort),
                        Map.entry("NIMBUS_S3_ENDPOINT", "http://127.0.0.1:" + s3Port),
                        Map.entry("NIMBUS_MAIL_PORT", String.valueOf(smtpPort)),
                        Map.entry("NIMBUS_SIGNALS_PARTITIONS", "6"),
                        Map.entry("NIMBUS_WORK_SHARED", "true"),
                        Map.entry("NIMBUS_CLUSTER_DIR", dir.resolve("cluster").toString()),
                        Map.entry("NIMBUS_CLUSTER_HEARTBEAT_MS", "500"),
                        Map.entry("NIMBUS_SQL_POSITIONS_DIR", dir.resolve("cluster-sql").toString()),
                        Map.entry("NIMBUS_COMPLETION_RETRY_DIR", dir.resolve("cluster-retry").toString()),
                        Map.entry("NIMBUS_INBOX_DIR", inbox.toString()),
                        Map.entry("NIMBUS_INTAKE_SHARED_INBOX", "true"),
                        Map.entry("NIMBUS_INTAKE_LEASE_MS", "3000"),
                        Map.entry("NIMBUS_SAMPLES_FEED", "false"),
                        Map.entry("NIMBUS_LEDGER_STORE", "jdbc"),
                        Map.entry("NIMBUS_LEDGER_JDBC_URL", ledgerUrl),
                        Map.entry("NIMBUS_LEDGER_JDBC_USER", "root"),
                        Map.entry("NIMBUS_LOADER_JDBC_URL", target),
                        Map.entry("NIMBUS_LOADER_JDBC_USER", "root"),
                        Map.entry("NIMBUS_SQL_JDBC_URL", source),
                        Map.entry("NIMBUS_SQL_JDBC_USER", "root"),
                        Map.entry("NIMBUS_SQL_SEED_SCRIPT", ""),
                        Map.entry("CAMEL_MAIN_ROUTESINCLUDEPATTERN", "file:" + routes + "/*.yaml"),
                        Map.entry("NIMBUS_DATASETS_RULES_FILE", rules.toString()),
                        Map.entry("NIMBUS_INTAKE_BATCH_SIZE", "60"),
                        Map.entry("NIMBUS_INTAKE_BATCH_IDLE_MS", "800"),
                        Map.entry("NIMBUS_LOADER_POLL_DELAY_MS", "300"),
                        Map.entry("NIMBUS_COMPLETION_POLL_DELAY_MS", "300")));
                process.redirectOutput(dir.resolve(name + ".log").toFile());
                httpPorts.put(name, Integer.parseInt(process.environment().get("NIMBUS_HTTP_PORT")));
                commands.put(name, process);
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(ledgerUrl);
            config.setUsername("root");
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                for (String name : INSTANCES) {
                    instances.put(name, commands.get(name).start());
                }
                for (String name : INSTANCES) {
                    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                            .until(() -> !instances.get(name).isAlive() || healthy(name));
                    assertThat(instances.get(name).isAlive()).as("instance %s ended:\n%s", name, tail(name)).isTrue();
                }
                drop(inbox);

                JdbcLedger ledger = new JdbcLedger(pool, ledgerUrl, "test");
                ledger.open();
                int files = CSV_FILES + JSON_FILES + BINARY_FILES;
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() ->
                        done(ledger) >= 200);
                String leader = await().atMost(Duration.ofSeconds(30)).until(this::leader, l -> l != null);
                Map<String, Long> ingestedBeforeKill = ingested();
                instances.get(leader).destroyForcibly().waitFor();
                long doneAtKill = done(ledger);
                String newLeader = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(this::leader, l -> l != null && !l.equals(leader));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                        done(ledger) >= doneAtKill + 100);
                System.out.printf("ClusterIT: leader %s killed with %d items DONE (items ingested so far %s); %s "
                        + "leads now; %s started again once %d more were DONE%n", leader, doneAtKill,
                        ingestedBeforeKill, newLeader, leader, done(ledger) - doneAtKill);
                commands.get(leader).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(leader + ".log")
                        .toFile()));
                instances.put(leader, commands.get(leader).start());

                await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        instances.values().stream().anyMatch(p -> !p.isAlive())
                                || (done(ledger) >= files && loaded(target, "sales") >= TABLE_ROWS
                                        && ledger.countByStatus().keySet().stream().allMatch(s ->
                                                s == ItemStatus.DONE || s == ItemStatus.DUPLICATE)));
                instances.forEach((name, p) -> assertThat(p.isAlive()).as("instance %s ended:\n%s", name,
                        tail(name)).isTrue());
                Map<ItemStatus, Long> statuses = ledger.countByStatus();
                assertThat(statuses.keySet()).as("every item finished: %s", statuses)
                        .containsExactlyInAnyOrder(ItemStatus.DONE, ItemStatus.DUPLICATE);
                assertThat(statuses.get(ItemStatus.DUPLICATE)).isEqualTo(SAME_CONTENT_AGAIN);
                assertThat(statuses.get(ItemStatus.DONE)).as("every file, and the table's chunks")
                        .isGreaterThan((long) files);
                Map<String, Long> ingested = ingested();
                System.out.printf("ClusterIT: items ingested per instance since its start %s%n", ingested);
                assertThat(ingested.values().stream().filter(n -> n > 0).count()).as("work done by more than one")
                        .isGreaterThanOrEqualTo(2);
                ledger.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> leases(pool) == 0);
            } finally {
                for (Process process : instances.values()) {
                    process.destroy();
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                }
            }

            Path bucket = dir.resolve("stack/s3").resolve(BUCKET);
            assertThat(objectNames(bucket.resolve("raw"))).as("each file's raw object once")
                    .hasSize(CSV_FILES + JSON_FILES + BINARY_FILES);
            assertThat(objectNames(bucket.resolve("work"))).as("the shared work folders are cleaned").isEmpty();
            try (Connection db = DriverManager.getConnection(target, "root", "");
                    Statement st = db.createStatement()) {
                for (Map.Entry<String, Integer> table : Map.of("shared_orders", CSV_FILES * ROWS, "sales",
                        TABLE_ROWS).entrySet()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id) FROM "
                            + table.getKey())) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("rows of %s loaded", table.getKey())
                                .isEqualTo((long) table.getValue());
                        assertThat(rs.getLong(2)).as("distinct ids of %s", table.getKey())
                                .isEqualTo((long) table.getValue());
                    }
                }
            }
            try (Stream<Path> left = Files.list(inbox)) {
                assertThat(left).isEmpty();
            }
        } finally {
            stack.stop();
        }
    }

    /** A copy of the project's routes whose sql-tables.yaml reads one table by its id. */
    private Path routesReading(String table) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(routes.resolve("sql-tables.yaml"), SqlTables.byWatermark(table, "id", "id", 500));
        return routes.toAbsolutePath();
    }

    /** CSV files of known rows, JSON, binaries, and copies of some CSV content under other names, moved in whole. */
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
        Random random = new Random(17);
        for (int file = 0; file < BINARY_FILES; file++) {
            byte[] bytes = new byte[2_000 + random.nextInt(20_000)];
            random.nextBytes(bytes);
            files.add(Files.write(staging.resolve("blob_" + file + ".bin"), bytes));
        }
        for (int file = 0; file < SAME_CONTENT_AGAIN; file++) {
            files.add(Files.copy(staging.resolve(String.format("shared_%03d.csv", file)),
                    staging.resolve("again_" + file + ".csv")));
        }
        for (Path file : files) {
            Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static long done(JdbcLedger ledger) {
        return ledger.countByStatus().getOrDefault(ItemStatus.DONE, 0L);
    }

    private static long loaded(String target, String table) {
        try (Connection db = DriverManager.getConnection(target, "root", "");
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            // not made yet
            return 0;
        }
    }

    private static long leases(HikariDataSource pool) throws Exception {
        try (Connection db = pool.getConnection(); Statement st = db.createStatement();
                ResultSet leases = st.executeQuery("SELECT count(*) FROM nimbus_inbox_leases")) {
            leases.next();
            return leases.getLong(1);
        }
    }

    /** The running instance whose metrics say it leads (nimbus_cluster_leader 1), or null. */
    private String leader() {
        for (Map.Entry<String, Process> instance : instances.entrySet()) {
            if (instance.getValue().isAlive() && metrics(instance.getKey()).contains("nimbus_cluster_leader 1.0")) {
                return instance.getKey();
            }
        }
        return null;
    }

    /** Items each running instance classified and converted since it started, from its metrics. */
    private Map<String, Long> ingested() {
        Map<String, Long> counts = new LinkedHashMap<>();
        instances.forEach((name, process) -> {
            if (process.isAlive()) {
                Matcher counter = INGESTED.matcher(metrics(name));
                long sum = 0;
                while (counter.find()) {
                    sum += (long) Double.parseDouble(counter.group(1));
                }
                counts.put(name, sum);
            }
        });
        return counts;
    }

    private String metrics(String instance) {
        return get(instance, "/observe/metrics");
    }

    private boolean healthy(String instance) {
        return get(instance, "/observe/health") != null;
    }

    /** The body of a 200 answer of the instance's management server, or "" (null for health) otherwise. */
    private String get(String instance, String path) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + httpPorts.get(instance) + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? answer.body() : (path.endsWith("health") ? null : "");
        } catch (IOException | InterruptedException e) {
            return path.endsWith("health") ? null : "";
        }
    }

    /**
     * The names of the objects under a folder of the S3 server's store (the last part of each key). S3Proxy's file
     * store keeps the part of an upload whose client was killed ({@code <name>-<uuid>}, in raw/ or work/): not an
     * object.
     */
    private static Set<String> objectNames(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(name -> !ABANDONED_UPLOAD.matcher(name).matches())
                    .forEach(name -> assertThat(names.add(name)).as("object %s put once", name).isTrue());
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
