package io.nimbusverse.bench;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.observe.BatchMetrics;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.slf4j.LoggerFactory;

/**
 * One ledger opened in its own JVM (the heap limit is the caller's), so that its heap is measured alone. Prints one
 * line: {@code openMs=.. heapBytes=.. hitNs=.. missNs=.. findNs=.. claimMs=.. scrapeMs=..}; a figure that does not
 * apply is -1.
 *
 * <p>{@code ours <report.csv> <keys>}: NimbusVerse's ledger, the metrics scrape the management port serves.
 * {@code camel <keys file> <keys>}: Camel's FileIdempotentRepository over a file of the same keys.
 */
public final class LedgerRun {

    private LedgerRun() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        int keys = Integer.parseInt(args[2]);
        Random random = new Random(7);
        int lookups = args[0].equals("ours") ? 200_000 : keys >= 1_000_000 ? 5 : 20;
        String[] known = new String[lookups];
        String[] unknown = new String[lookups];
        for (int i = 0; i < lookups; i++) {
            known[i] = LedgerFile.key(random.nextInt(keys));
            unknown[i] = LedgerFile.key(keys + random.nextInt(keys));
        }
        // logging set up before the baseline: its few MB are not the ledger's
        LoggerFactory.getLogger(LedgerRun.class).info("measuring {} over {} keys", args[0], keys);
        long heapBefore = usedHeap();
        if (args[0].equals("ours")) {
            long start = System.nanoTime();
            Ledger ledger = new CsvLedger(file, 100_000);
            ledger.open();
            double openMs = (System.nanoTime() - start) / 1e6;
            long heapBytes = usedHeap() - heapBefore;
            start = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                check(ledger.contains(known[i]), true);
            }
            double hitNs = (System.nanoTime() - start) / (double) lookups;
            start = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                check(ledger.contains(unknown[i]), false);
            }
            double missNs = (System.nanoTime() - start) / (double) lookups;
            int finds = 20_000;
            start = System.nanoTime();
            for (int i = 0; i < finds; i++) {
                check(ledger.find(known[i]).isPresent(), true);
            }
            double findNs = (System.nanoTime() - start) / (double) finds;
            int claims = 500;
            start = System.nanoTime();
            for (int i = 0; i < claims; i++) {
                check(ledger.claim(LedgerEntry.claimed(LedgerFile.key(2 * keys + i), "file", "new-" + i + ".csv",
                        10)), true);
            }
            double claimMs = (System.nanoTime() - start) / 1e6 / claims;
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new BatchMetrics(metrics, ledger, Duration.ofHours(6));
            metrics.scrape();
            int scrapes = 20;
            start = System.nanoTime();
            for (int i = 0; i < scrapes; i++) {
                check(metrics.scrape().contains("nimbus_ledger_entries"), true);
            }
            double scrapeMs = (System.nanoTime() - start) / 1e6 / scrapes;
            ledger.close();
            print(openMs, heapBytes, hitNs, missNs, findNs, claimMs, scrapeMs);
        } else {
            long start = System.nanoTime();
            // its defaults: a cache of 1,000 keys; the file is let grow to hold every key
            IdempotentRepository repository = FileIdempotentRepository.fileIdempotentRepository(
                    new File(file.toString()), 1000, Long.MAX_VALUE);
            repository.start();
            double openMs = (System.nanoTime() - start) / 1e6;
            long heapBytes = usedHeap() - heapBefore;
            // a hit outside its cache, and a miss, each read the whole file: a few are enough to time
            start = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                check(repository.contains(known[i]), true);
            }
            double hitNs = (System.nanoTime() - start) / (double) lookups;
            start = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                check(repository.contains(unknown[i]), false);
            }
            double missNs = (System.nanoTime() - start) / (double) lookups;
            start = System.nanoTime();
            for (int i = 0; i < lookups; i++) {
                check(repository.add(LedgerFile.key(2 * keys + i)), true);
            }
            double claimMs = (System.nanoTime() - start) / 1e6 / lookups;
            repository.stop();
            print(openMs, heapBytes, hitNs, missNs, -1, claimMs, -1);
        }
    }

    private static void print(double openMs, long heapBytes, double hitNs, double missNs, double findNs,
            double claimMs, double scrapeMs) {
        System.out.printf("openMs=%.0f heapBytes=%d hitNs=%.0f missNs=%.0f findNs=%.0f claimMs=%.3f scrapeMs=%.2f%n",
                openMs, heapBytes, hitNs, missNs, findNs, claimMs, scrapeMs);
    }

    private static void check(boolean actual, boolean expected) {
        if (actual != expected) {
            throw new IllegalStateException("the ledger answered " + actual + ", expected " + expected);
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
