package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import io.nimbusverse.console.BatchBoard;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;

/**
 * The console's answers on a ledger of 100,000 items (and {@code bench.rows}, default 1,000,000) against the same
 * answers found by reading the whole ledger (the baseline: what a console without the board would do per request),
 * in the same run: a page of batches, one batch, a search by a part of a name, a search by SHA-256. Medians of 21
 * requests after 5 warm-ups (of 5 after 2 for the baseline, which reads the whole ledger each time); the heap the
 * board adds; how long it takes to read the ledger's history at start.
 */
public final class ConsoleBench {

    private static final int REQUESTS = 21;
    private static final int BASELINE_REQUESTS = 5;

    private ConsoleBench() {
    }

    public static void main(String[] args) throws Exception {
        int largest = Integer.getInteger("bench.rows", 1_000_000);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/out"));
        Files.createDirectories(dir);
        for (int items : largest > 100_000 ? List.of(100_000, largest) : List.of(largest)) {
            Path file = dir.resolve("console-ledger-" + items + ".csv");
            LedgerFile.writeLedger(file, items);
            Ledger ledger = new CsvLedger(file, Integer.MAX_VALUE);
            ledger.open();
            try {
                measure(ledger, items);
            } finally {
                ledger.close();
            }
        }
    }

    private static void measure(Ledger ledger, int items) throws Exception {
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        BatchBoard board = new BatchBoard(ledger);
        board.open();
        while (board.isLoading()) {
            Thread.sleep(5);
        }
        double openMs = (System.nanoTime() - start) / 1e6;
        long boardBytes = usedHeap() - heapBefore;

        String newest = board.batches(1, null).batches().get(0).batchId();
        String name = "orders-" + (items / 2) + ".csv";
        String sha = LedgerFile.key(items / 3);
        System.out.printf("%n== %,d items, %,d batches ==%n", items, board.batchCount());
        System.out.printf("board: history read in %.0f ms, about %.0f bytes of heap per item%n", openMs,
                (double) boardBytes / items);
        System.out.printf("%-34s %14s %16s %9s%n", "median request (ms)", "board", "whole ledger", "ratio");
        row("a page of 25 batches", () -> board.batches(25, null), () -> scanPage(ledger, 25));
        row("one batch with its items", () -> board.batch(newest), () -> scanBatch(ledger, newest));
        row("search a part of a name", () -> board.search(name, 50), () -> scanName(ledger, name));
        row("search a SHA-256", () -> board.search(sha, 50), () -> scanName(ledger, sha));
    }

    private static void row(String what, Supplier<Object> board, Supplier<Object> baseline) {
        double ours = median(board, REQUESTS, 5);
        double scan = median(baseline, BASELINE_REQUESTS, 2);
        System.out.printf("%-34s %14.3f %16.3f %8.0fx%n", what, ours, scan, scan / ours);
    }

    private static double median(Supplier<Object> request, int requests, int warmUps) {
        double[] ms = new double[requests];
        for (int i = -warmUps; i < requests; i++) {
            long start = System.nanoTime();
            if (request.get() == null) {
                throw new IllegalStateException("no answer");
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[requests / 2];
    }

    private static Object scanPage(Ledger ledger, int limit) {
        return ledger.entries().stream().map(LedgerEntry::batchId).distinct()
                .sorted((a, b) -> b.compareTo(a)).limit(limit).toList();
    }

    private static Object scanBatch(Ledger ledger, String batchId) {
        return ledger.entries().stream().filter(e -> e.batchId().equals(batchId)).toList();
    }

    private static Object scanName(Ledger ledger, String text) {
        return ledger.entries().stream().filter(e -> e.name().contains(text) || e.key().equals(text)).toList();
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
