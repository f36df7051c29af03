package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Memory: the application runs once (its default settings, embedded stack, {@code -Xmx512m}, a JVM of its own) over
 * one CSV of {@code bench.mb} MB (1,000 by default) until its batch is COMPLETE; the process's peak resident memory
 * (VmHWM, read from /proc every 100 ms) is printed against the target, 700 MB, and against the baseline measured in
 * the same run: the same application run once over an empty inbox (what it holds before any file).
 */
public final class MemoryBench {

    private static final long TARGET_MIB = 700;

    private MemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = Integer.getInteger("bench.mb", 1000);
        Path csv = Path.of("bench/out/orders-" + megabytes + "mb.csv");
        if (!Files.exists(csv)) {
            CsvGenerator.generate(csv, megabytes * 1_000_000L);
        }
        Path root = BenchFiles.runFolder("memory-");
        Path rules = root.resolve("datasets.yaml");
        Files.writeString(rules, "rules: []\n");

        Run idle = run(root.resolve("idle"), rules, null);
        Run loaded = run(root.resolve("csv"), rules, csv);
        List<Instant> done = PipelineProcess.ledgerTimes(root.resolve("csv/data")).getOrDefault("DONE", List.of());
        if (done.size() != 1) {
            throw new IllegalStateException("the CSV is not DONE:\n" + PipelineProcess.tail(root.resolve("csv/data"),
                    60));
        }
        System.out.printf("baseline, empty inbox: peak RSS %d MiB (%.1f s)%n", idle.peakMib, idle.seconds);
        System.out.printf("%d MB CSV: peak RSS %d MiB at %s (%.1f s, %.1f MB/s end to end): %.2fx the baseline, "
                + "target %d MiB %s%n", megabytes, loaded.peakMib, PipelineProcess.HEAP, loaded.seconds,
                megabytes / loaded.seconds, (double) loaded.peakMib / idle.peakMib, TARGET_MIB,
                loaded.peakMib < TARGET_MIB ? "met" : "NOT met");
        BenchFiles.deleteTree(root);
    }

    private record Run(long peakMib, double seconds) {
    }

    private static Run run(Path dir, Path rules, Path csv) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("inbox"));
        if (csv != null) {
            // a second name of the same bytes: the pipeline removes the inbox's file once it is in S3
            Files.createLink(data.resolve("inbox/orders.csv"), csv.toAbsolutePath());
        }
        long start = System.nanoTime();
        Process app = PipelineProcess.start(data, rules, true);
        long peakKib = 0;
        Path status = Path.of("/proc/" + app.pid() + "/status");
        while (app.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peakKib = Math.max(peakKib, Long.parseLong(line.replaceAll("\\D", "")));
                    }
                }
            } catch (java.io.IOException gone) {
                // the process ended between the check and the read
            }
            app.waitFor(100, TimeUnit.MILLISECONDS);
        }
        if (app.exitValue() != 0) {
            throw new IllegalStateException("the run ended with exit code " + app.exitValue() + ":\n"
                    + PipelineProcess.tail(data, 60));
        }
        return new Run(peakKib / 1024, (System.nanoTime() - start) / 1e9);
    }
}
