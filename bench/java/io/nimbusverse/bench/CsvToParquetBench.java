package io.nimbusverse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CSV to Parquet: our converter (at -Xmx256m, in a child JVM) against DuckDB's {@code COPY ... TO parquet} with one
 * thread (the baseline), and with two for comparison, on the same generated file, in the same run. Every output is
 * read back and counted.
 *
 * <p>Properties: {@code bench.mb} (size of the CSV, default 512), {@code bench.runs} (default 3),
 * {@code bench.dir} (default bench/out).
 */
public final class CsvToParquetBench {

    private static final Pattern CHILD = Pattern.compile(
            "rows=(\\d+) seconds=([0-9.]+) peakHeapMiB=([0-9.]+) firstSeconds=([0-9.]+)");

    private CsvToParquetBench() {
    }

    public static void main(String[] args) throws Exception {
        long megabytes = Long.getLong("bench.mb", 512);
        int runs = Integer.getInteger("bench.runs", 3);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/out"));
        Files.createDirectories(dir);
        Path csv = dir.resolve("orders-" + megabytes + "mb.csv");
        if (!Files.exists(csv)) {
            System.out.printf("generating %s ...%n", csv);
            long rows = CsvGenerator.generate(csv, megabytes * 1_000_000L);
            System.out.printf("generated %d rows%n", rows);
        }
        double mb = Files.size(csv) / 1e6;
        long csvRows = countLines(csv) - 1;
        System.out.printf("input: %s, %.1f MB, %d rows, 12 columns%n", csv, mb, csvRows);
        // how quiet the machine was: DuckDB's second thread gains little on a core something else keeps busy
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();

        List<Double> ours = new ArrayList<>();
        List<Double> duck = new ArrayList<>();
        List<Double> duckTwoThreads = new ArrayList<>();
        double peakHeap = 0;
        Path ourOut = dir.resolve("ours.parquet");
        Path duckOut = dir.resolve("duckdb.parquet");
        for (int run = 1; run <= runs; run++) {
            Map.Entry<Double, Double> ourRun = runOurs(csv, ourOut, csvRows);
            ours.add(ourRun.getKey());
            peakHeap = Math.max(peakHeap, ourRun.getValue());
            duck.add(runDuckDb(csv, duckOut, csvRows, 1));
            duckTwoThreads.add(runDuckDb(csv, duckOut, csvRows, 2));
            System.out.printf("run %d: ours %.2f s, duckdb %.2f s, duckdb 2 threads %.2f s%n", run,
                    ours.get(run - 1), duck.get(run - 1), duckTwoThreads.get(run - 1));
        }
        double ourSeconds = median(ours);
        double duckSeconds = median(duck);
        System.out.println();
        System.out.printf("| way | MB/s (median of %d) |%n|---|---|%n", runs);
        System.out.printf("| NimbusVerse CsvToParquet, -Xmx256m, SNAPPY (parse and encode on 2 threads) | %.1f |%n",
                mb / ourSeconds);
        System.out.printf("| DuckDB %s COPY TO parquet, threads=1, SNAPPY (the baseline) | %.1f |%n",
                duckDbVersion(), mb / duckSeconds);
        System.out.printf("| DuckDB %s COPY TO parquet, threads=2, SNAPPY | %.1f |%n", duckDbVersion(),
                mb / median(duckTwoThreads));
        System.out.printf("ratio ours/duckdb: %.2fx   our peak heap: %.0f MiB   output sizes: ours %.1f MB, duckdb"
                + " %.1f MB%n", duckSeconds / ourSeconds, peakHeap, Files.size(ourOut) / 1e6,
                Files.size(duckOut) / 1e6);
        System.out.printf("ratio ours/duckdb threads=2: %.2fx   load average before the runs: %s%n",
                median(duckTwoThreads) / ourSeconds, loadBefore);
        System.out.printf("(before the timed conversion, our JVM converted the first 100 lines: %.2f s, class loading"
                + " mostly; DuckDB's timing starts after its library is loaded too)%n", median(FIRST_SECONDS));
    }

    private static final List<Double> FIRST_SECONDS = new ArrayList<>();

    private static Map.Entry<Double, Double> runOurs(Path csv, Path out, long expectedRows) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ConverterRun.class.getName(), csv.toString(), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (child.waitFor() != 0) {
            throw new IllegalStateException("our converter failed:\n" + output);
        }
        Matcher m = CHILD.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("unexpected output of our converter:\n" + output);
        }
        check("ours", Long.parseLong(m.group(1)), expectedRows);
        FIRST_SECONDS.add(Double.parseDouble(m.group(4)));
        check("ours read back", countParquet(out), expectedRows);
        return Map.entry(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)));
    }

    private static double runDuckDb(Path csv, Path out, long expectedRows, int threads) throws Exception {
        Files.deleteIfExists(out);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            st.execute("SET threads = " + threads);
            long start = System.nanoTime();
            st.execute("COPY (SELECT * FROM read_csv('" + csv + "', header = true)) TO '" + out
                    + "' (FORMAT parquet, COMPRESSION snappy)");
            double seconds = (System.nanoTime() - start) / 1e9;
            check("duckdb read back", countParquet(out), expectedRows);
            return seconds;
        }
    }

    private static long countParquet(Path file) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String duckDbVersion() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long countLines(Path file) throws IOException {
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (var in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    private static void check(String what, long rows, long expected) {
        if (rows != expected) {
            throw new IllegalStateException(what + ": " + rows + " rows, expected " + expected);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
