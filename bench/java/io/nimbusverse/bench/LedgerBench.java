package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ledger at 100,000 and 1,000,000 items against Camel's FileIdempotentRepository (the baseline) over the same
 * keys, in the same run, each opened in a child JVM at -Xmx512m: open time, heap per key, the cost of a hit, a miss,
 * a full row and a claim, and the time of a metrics scrape.
 *
 * <p>Properties: {@code bench.rows} (the largest size, default 1000000; 100,000 is measured too when larger),
 * {@code bench.dir} (default bench/out).
 */
public final class LedgerBench {

    private static final Pattern FIGURES = Pattern.compile("(\\w+)=(-?[0-9.]+)");

    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int largest = Integer.getInteger("bench.rows", 1_000_000);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/out"));
        Files.createDirectories(dir);
        List<Integer> sizes = largest > 100_000 ? List.of(100_000, largest) : List.of(largest);
        for (int items : sizes) {
            Path ledger = dir.resolve("ledger-" + items + ".csv");
            Path keys = dir.resolve("keys-" + items + ".txt");
            System.out.printf("%n== %,d items ==%n", items);
            LedgerFile.writeLedger(ledger, items);
            LedgerFile.writeKeys(keys, items);
            System.out.printf("ledger file %.0f MB (2 rows per item), key file %.0f MB%n", Files.size(ledger) / 1e6,
                    Files.size(keys) / 1e6);
            Map<String, Double> ours = run("ours", ledger, items);
            Map<String, Double> camel = run("camel", keys, items);
            System.out.printf("%-28s %14s %14s %10s%n", "", "NimbusVerse", "Camel file", "ratio");
            row("open (ms)", ours.get("openMs"), camel.get("openMs"));
            row("heap per key (bytes)", ours.get("heapBytes") / items, camel.get("heapBytes") / items);
            row("lookup, a known key (ns)", ours.get("hitNs"), camel.get("hitNs"));
            row("lookup, an unknown key (ns)", ours.get("missNs"), camel.get("missNs"));
            row("claim, fsynced (ms)", ours.get("claimMs"), camel.get("claimMs"));
            System.out.printf("%-28s %14.0f %14s%n", "a full row (ns)", ours.get("findNs"), "-");
            System.out.printf("%-28s %14.2f %14s%n", "metrics scrape (ms)", ours.get("scrapeMs"), "-");
        }
    }

    private static void row(String what, double ours, double camel) {
        System.out.printf("%-28s %14.1f %14.1f %9.2fx%n", what, ours, camel, camel / ours);
    }

    private static Map<String, Double> run(String kind, Path file, int items) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), LedgerRun.class.getName(),
                kind, file.toString(), String.valueOf(items)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(kind + " failed:\n" + output);
        }
        String last = output.lines().filter(l -> l.startsWith("openMs=")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(kind + " printed no figures:\n" + output));
        Map<String, Double> figures = new LinkedHashMap<>();
        Matcher m = FIGURES.matcher(last);
        while (m.find()) {
            figures.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return figures;
    }
}
