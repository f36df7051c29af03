package io.nimbusverse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.local.EmbeddedStack;

/**
 * Small files through 1, 2 and 3 instances on one shared inbox ({@code nimbus.intake.shared-inbox}, the ledger and the
 * loader's target in a MariaDB server of this machine), each instance a JVM of its own with its embedded stack,
 * run once over the files. The baseline, in the same run: one instance with its defaults (the CSV ledger, no leases)
 * over the same files. Each is timed from the first claim to the last DONE; the files each instance took are counted
 * from its S3 store.
 *
 * Then the same with the instances sharing everything ({@code nimbus.work.shared}: one Kafka and one S3 server of
 * the benchmark's JVM, one lock folder), any instance taking any batch.
 *
 * <p>Properties: {@code bench.files} (default 1500), {@code bench.instances} (the largest count, default 3).
 */
public final class SharedInboxBench {

    private SharedInboxBench() {
    }

    public static void main(String[] args) throws Exception {
        int files = Integer.getInteger("bench.files", 1500);
        int most = Integer.getInteger("bench.instances", 3);
        Path root = BenchFiles.runFolder("shared-inbox-");
        Path rules = SmallFilesBench.writeRules(root);

        Path alone = root.resolve("alone");
        SmallFilesBench.writeFiles(Files.createDirectories(alone.resolve("data/inbox/orders")), files);
        runOnce(List.of(PipelineProcess.start(alone.resolve("data"), rules, true)), List.of(alone.resolve("data")));
        Map<String, List<Instant>> times = PipelineProcess.ledgerTimes(alone.resolve("data"));
        double baseline = filesPerSecond(files, times.get("CLAIMED"), times.get("DONE"));
        System.out.printf("baseline, one instance alone (CSV ledger, no leases): %.1f files/s, first claim to last "
                + "DONE%n", baseline);

        try (MariaDb server = MariaDb.start(root.resolve("mariadb"))) {
            for (int count = 1; count <= most; count++) {
                String ledgerUrl = server.createDatabase("ledger" + count);
                String targetUrl = server.createDatabase("target" + count);
                Path run = root.resolve(count + "-instances");
                Path inbox = Files.createDirectories(run.resolve("inbox"));
                SmallFilesBench.writeFiles(Files.createDirectories(inbox.resolve("orders")), files);
                List<Process> instances = new ArrayList<>();
                List<Path> data = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Path folder = run.resolve("instance-" + i + "/data");
                    Files.createDirectories(folder);
                    data.add(folder);
                    instances.add(PipelineProcess.start(folder, rules, true,
                            sharedInbox(inbox, ledgerUrl, targetUrl).toArray(String[]::new)));
                }
                runOnce(instances, data);
                List<Instant> claimed = new ArrayList<>();
                List<Instant> done = new ArrayList<>();
                readLedger(ledgerUrl, claimed, done);
                double ours = filesPerSecond(files, claimed, done);
                List<Long> taken = new ArrayList<>();
                for (Path folder : data) {
                    taken.add(rawObjects(folder.resolve("s3/nimbus-data/raw")));
                }
                System.out.printf("%d instance(s) on one shared inbox: %.1f files/s (%.2fx the baseline); files "
                        + "taken by each: %s%n", count, ours, ours / baseline, taken);
            }
            for (int count = 1; count <= most; count++) {
                double ours = sharedEverything(server, root, rules, files, count);
                System.out.printf("%d instance(s) sharing everything (nimbus.work.shared: one Kafka, one S3, one "
                        + "lock folder): %.1f files/s (%.2fx the baseline)%n", count, ours, ours / baseline);
            }
        }
        BenchFiles.deleteTree(root);
    }

    /**
     * The instances without embedded servers, on one Kafka and one S3 server of this JVM (a topic of 6 partitions),
     * one inbox, one lock folder and one MariaDB: any of them takes any batch.
     */
    private static double sharedEverything(MariaDb server, Path root, Path rules, int files, int count)
            throws Exception {
        String ledgerUrl = server.createDatabase("everything_ledger" + count);
        String targetUrl = server.createDatabase("everything_target" + count);
        Path run = root.resolve(count + "-sharing-everything");
        int kafkaPort = PipelineProcess.freePort();
        int s3Port = PipelineProcess.freePort();
        int smtpPort = PipelineProcess.freePort();
        EmbeddedStack stack = new EmbeddedStack(run.resolve("stack"), kafkaPort, PipelineProcess.freePort(), s3Port,
                "nimbus-data", smtpPort, PipelineProcess.freePort(), "bench@nimbus.local");
        stack.start();
        try {
            Path inbox = Files.createDirectories(run.resolve("inbox"));
            SmallFilesBench.writeFiles(Files.createDirectories(inbox.resolve("orders")), files);
            List<Process> instances = new ArrayList<>();
            List<Path> data = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path folder = Files.createDirectories(run.resolve("instance-" + i + "/data"));
                data.add(folder);
                List<String> properties = new ArrayList<>(List.of(
                        "-Dnimbus.embedded.enabled=false",
                        "-Dnimbus.kafka.brokers=127.0.0.1:" + kafkaPort,
                        "-Dnimbus.s3.endpoint=http://127.0.0.1:" + s3Port,
                        "-Dnimbus.mail.port=" + smtpPort,
                        "-Dnimbus.signals.partitions=6",
                        "-Dnimbus.work.shared=true",
                        "-Dnimbus.cluster.dir=" + run.resolve("cluster"),
                        "-Dnimbus.sql.positions-dir=" + run.resolve("cluster-sql"),
                        "-Dnimbus.completion.retry-dir=" + run.resolve("cluster-retry")));
                properties.addAll(sharedInbox(inbox, ledgerUrl, targetUrl));
                instances.add(PipelineProcess.start(folder, rules, true, properties.toArray(String[]::new)));
            }
            runOnce(instances, data);
        } finally {
            stack.stop();
        }
        List<Instant> claimed = new ArrayList<>();
        List<Instant> done = new ArrayList<>();
        readLedger(ledgerUrl, claimed, done);
        return filesPerSecond(files, claimed, done);
    }

    /** One inbox, the ledger and the loader's target in the MariaDB databases at these URLs. */
    private static List<String> sharedInbox(Path inbox, String ledgerUrl, String targetUrl) {
        return List.of("-Dnimbus.inbox.dir=" + inbox, "-Dnimbus.intake.shared-inbox=true",
                "-Dnimbus.ledger.store=jdbc", "-Dnimbus.ledger.jdbc-url=" + ledgerUrl, "-Dnimbus.ledger.jdbc-user=root",
                "-Dnimbus.loader.jdbc-url=" + targetUrl, "-Dnimbus.loader.jdbc-user=root");
    }

    /** Waits for every instance's run to end with exit code 0. */
    private static void runOnce(List<Process> instances, List<Path> data) throws Exception {
        for (int i = 0; i < instances.size(); i++) {
            Process instance = instances.get(i);
            if (!instance.waitFor(30, TimeUnit.MINUTES)) {
                instances.forEach(Process::destroyForcibly);
                throw new IllegalStateException("instance " + i + " did not end in 30 minutes");
            }
            if (instance.exitValue() != 0) {
                instances.forEach(Process::destroyForcibly);
                throw new IllegalStateException("instance " + i + " ended with exit code " + instance.exitValue()
                        + ":\n" + PipelineProcess.tail(data.get(i), 60));
            }
        }
    }

    private static double filesPerSecond(int files, List<Instant> claimed, List<Instant> done) {
        if (done == null || done.size() != files) {
            throw new IllegalStateException((done == null ? 0 : done.size()) + " items DONE, not " + files);
        }
        Instant first = claimed.stream().min(Instant::compareTo).orElseThrow();
        Instant last = done.stream().max(Instant::compareTo).orElseThrow();
        return files / (Duration.between(first, last).toNanos() / 1e9);
    }

    /** The times of the shared ledger's CLAIMED rows and of its items' DONE rows. */
    private static void readLedger(String url, List<Instant> claimed, List<Instant> done) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("root");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcLedger ledger = new JdbcLedger(pool, url, "bench");
            ledger.open();
            ledger.history(row -> {
                if (row.status() == ItemStatus.CLAIMED) {
                    claimed.add(row.updatedAt());
                }
            });
            for (LedgerEntry entry : ledger.entries()) {
                if (entry.status() == ItemStatus.DONE) {
                    done.add(entry.updatedAt());
                }
            }
            ledger.close();
        }
    }

    private static long rawObjects(Path raw) throws IOException {
        if (!Files.isDirectory(raw)) {
            return 0;
        }
        try (Stream<Path> objects = Files.walk(raw)) {
            return objects.filter(Files::isRegularFile).count();
        }
    }
}
