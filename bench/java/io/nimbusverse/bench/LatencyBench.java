package io.nimbusverse.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Latency: one small CSV dropped into an idle pipeline (moved into the inbox whole, as a program that writes under a
 * temporary name does), timed from the drop to its DONE row in the ledger, 20 times after 2 warm-ups, each drop
 * once the one before is DONE. The application runs in a JVM of its own with its default settings. The baseline, in
 * the same run: the same drops with the waits of before (inbox read every 1 s, quiet time 1 s, the completion watcher
 * looking every 2 s); the hand-offs between stages are the same in both.
 */
public final class LatencyBench {

    private static final int DROPS = 20;
    private static final int WARM_UPS = 2;
    private static final double TARGET_P50_SECONDS = 1.5;

    private LatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = BenchFiles.runFolder("latency-");
        Path rules = root.resolve("datasets.yaml");
        Files.writeString(rules, "rules: []\n");
        double[] ours = drops(root.resolve("defaults"), rules);
        double[] before = drops(root.resolve("before"), rules, "-Dnimbus.intake.poll-delay-ms=1000",
                "-Dnimbus.intake.read-lock-check-interval-ms=1000", "-Dnimbus.completion.answer-check-ms=2000");
        System.out.printf("default settings: p50 %.2f s, p95 %.2f s, max %.2f s (target p50 < %.1f s)%n",
                percentile(ours, 50), percentile(ours, 95), percentile(ours, 100), TARGET_P50_SECONDS);
        System.out.printf("baseline, the waits of before: p50 %.2f s, p95 %.2f s, max %.2f s%n",
                percentile(before, 50), percentile(before, 95), percentile(before, 100));
        System.out.printf("ratio: p50 %.2fx faster than the baseline; %s%n", percentile(before, 50)
                / percentile(ours, 50), percentile(ours, 50) < TARGET_P50_SECONDS ? "target met" : "target NOT met");
        BenchFiles.deleteTree(root);
    }

    private static double[] drops(Path dir, Path rules, String... properties) throws Exception {
        Path data = dir.resolve("data");
        Path inbox = data.resolve("inbox");
        Files.createDirectories(inbox);
        int httpPort = PipelineProcess.freePort();
        List<String> options = new ArrayList<>(Arrays.asList(properties));
        options.add("-Dnimbus.http.port=" + httpPort);
        Process app = PipelineProcess.start(data, rules, false, options.toArray(String[]::new));
        try {
            awaitUp(app, httpPort, data);
            double[] seconds = new double[DROPS];
            for (int i = 0; i < WARM_UPS + DROPS; i++) {
                String name = "drop-" + i + ".csv";
                Path written = inbox.resolve("." + name + ".tmp");
                Files.writeString(written, "id,name,amount\n" + (3 * i) + ",a,1.50\n" + (3 * i + 1) + ",b,2.25\n"
                        + (3 * i + 2) + ",c,3.00\n", StandardCharsets.UTF_8);
                long dropped = System.nanoTime();
                Files.move(written, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                awaitDone(app, data, name);
                if (i >= WARM_UPS) {
                    seconds[i - WARM_UPS] = (System.nanoTime() - dropped) / 1e9;
                }
            }
            System.out.printf("%s: %s%n", dir.getFileName(), Arrays.toString(Arrays.stream(seconds)
                    .map(s -> Math.round(s * 100) / 100.0).toArray()));
            return seconds;
        } finally {
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static void awaitUp(Process app, int port, Path data) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the application ended:\n" + PipelineProcess.tail(data, 40));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the application did not start in 2 minutes");
    }

    /** Waits for the file's DONE row, reading the ledger every 5 ms (a few lines per drop). */
    private static void awaitDone(Process app, Path data, String name) throws Exception {
        Path ledger = data.resolve("ledger/report.csv");
        String row = "," + name + ",";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the application ended:\n" + PipelineProcess.tail(data, 40));
            }
            if (Files.exists(ledger)) {
                for (String line : Files.readAllLines(ledger)) {
                    if (line.contains(row) && line.contains(",DONE,")) {
                        return;
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(name + " not DONE within 60 s:\n" + PipelineProcess.tail(data, 40));
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
