package io.nimbusverse.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.contract.MariaDb;

/**
 * MySQL table to Parquet: the pipeline's table routes (at -Xmx256m, in a child JVM) against a plain JDBC read of
 * the same rows (the ceiling, also at -Xmx256m), on a 10-column table of a real MariaDB server, in the same run;
 * and, to show where the time goes, the data format's marshal alone (sqlChunkParquet) on rows typed beforehand.
 *
 * <p>Properties: {@code bench.rows} (default 1000000), {@code bench.runs} (default 2), {@code bench.dir}
 * (default bench/out), {@code bench.jvm} (options for the child JVMs, {@code {mode}} standing for jdbc,
 * format or pipeline; -Dnimbus.sql.chunk-rows=... and -Dnimbus.sql.poll-rows=... there try other chunk sizes).
 */
public final class SqlToParquetBench {

    /**
     * Rows of the table both reads go through first, untimed, as a running application has: classes loaded and
     * hot code compiled. What is timed is the steady pace.
     */
    static final int WARMUP_ROWS = 100_000;

    private static final Pattern CHILD = Pattern.compile(
            "rows=(\\d+) seconds=([0-9.]+) peakHeapMiB=([0-9.]+) processCpuSeconds=([0-9.]+) gcSeconds=([0-9.]+)");

    private SqlToParquetBench() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("bench.rows", 1_000_000);
        int runs = Integer.getInteger("bench.runs", 2);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/out"));
        Files.createDirectories(dir);
        Path serverDir = dir.resolve("mariadb-" + System.nanoTime());
        try (MariaDb server = MariaDb.start(serverDir)) {
            String url = server.createDatabase("bench");
            long start = System.nanoTime();
            fill(url, rows);
            System.out.printf("input: bench_rows, %d rows, 10 columns, MariaDB 10.11 (filled in %.1f s)%n", rows,
                    (System.nanoTime() - start) / 1e9);
            List<Double> plain = new ArrayList<>();
            List<Double> ours = new ArrayList<>();
            List<Double> formatOnly = new ArrayList<>();
            double plainHeap = 0;
            double ourHeap = 0;
            for (int run = 1; run <= runs; run++) {
                double[] p = child("jdbc", url, rows, null);
                double[] f = child("format", url, rows, null);
                Path data = Files.createTempDirectory(dir, "sql-run-");
                double[] o = child("pipeline", url, rows, data);
                plain.add(p[0]);
                ours.add(o[0]);
                formatOnly.add(f[0]);
                plainHeap = Math.max(plainHeap, p[1]);
                ourHeap = Math.max(ourHeap, o[1]);
                System.out.printf("run %d: plain JDBC %.2f s, sqlChunkParquet marshal alone %.2f s, pipeline %.2f s%n",
                        run, p[0], f[0], o[0]);
                BenchFiles.deleteTree(data);
            }
            double bestPlain = plain.stream().min(Double::compare).orElseThrow();
            double bestOurs = ours.stream().min(Double::compare).orElseThrow();
            double bestFormat = formatOnly.stream().min(Double::compare).orElseThrow();
            System.out.printf("plain JDBC read: %.0f rows/s   table to Parquet: %.0f rows/s   ratio: %.2fx%n",
                    rows / bestPlain, rows / bestOurs, bestPlain / bestOurs);
            System.out.printf("sqlChunkParquet marshal alone, one thread, rows typed: %.0f rows/s = %.2fx the plain read%n",
                    rows / bestFormat, bestPlain / bestFormat);
            System.out.printf("peak heap at -Xmx256m: pipeline %.0f MiB, plain read %.0f MiB%n", ourHeap, plainHeap);
        }
        BenchFiles.deleteTree(serverDir);
    }

    private static void fill(String url, long rows) throws Exception {
        io.nimbusverse.SqlTables.execute(url, "root", """
                CREATE TABLE bench_rows (
                  id BIGINT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL,
                  price DOUBLE, quantity INT, status VARCHAR(16), note VARCHAR(64), created_at DATETIME(6),
                  ship_date DATE, gift TINYINT(1))""", """
                INSERT INTO bench_rows
                SELECT seq, seq % 50000, (seq % 100000) / 100, seq * 0.37, seq % 20,
                       ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'returned'), CONCAT('order note ', seq),
                       TIMESTAMP('2026-01-01') + INTERVAL seq SECOND, DATE('2026-01-01') + INTERVAL (seq % 365) DAY,
                       seq % 2
                FROM seq_1_to_""" + rows,
                "CREATE TABLE bench_warmup LIKE bench_rows",
                "INSERT INTO bench_warmup SELECT * FROM bench_rows WHERE id <= " + WARMUP_ROWS);
    }

    /** Runs one read in a JVM of its own at -Xmx256m; returns seconds and peak heap. */
    private static double[] child(String mode, String url, long rows, Path data) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m"));
        // extra options for the child JVMs, to profile them for instance
        String jvm = System.getProperty("bench.jvm", "");
        if (!jvm.isBlank()) {
            command.addAll(List.of(jvm.replace("{mode}", mode).split(" ")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SqlRun.class.getName(), mode, url,
                String.valueOf(rows)));
        if (data != null) {
            command.add(data.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Matcher found = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.add(line);
                Matcher m = CHILD.matcher(line);
                if (m.matches()) {
                    System.out.printf("  %s: %s%n", mode, line);
                }
                if (m.matches()) {
                    found = m;
                }
            }
        }
        if (process.waitFor() != 0 || found == null) {
            output.stream().skip(Math.max(0, output.size() - 40)).forEach(System.out::println);
            throw new IllegalStateException(mode + " run failed");
        }
        if (Long.parseLong(found.group(1)) != rows) {
            throw new IllegalStateException(mode + " read " + found.group(1) + " rows, not " + rows);
        }
        return new double[] {Double.parseDouble(found.group(2)), Double.parseDouble(found.group(3))};
    }
}
