package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import io.nimbusverse.convert.CsvToParquet;
import io.nimbusverse.convert.Limits;

/**
 * One conversion by our converter, in its own JVM so that its heap is measured alone. It converts the first 100
 * lines of the file first, as the running application has converted a file before: what is timed is the big
 * conversion, JIT warm-up included, not the loading of Parquet's classes (DuckDB's timing excludes its start too).
 * Prints one line: {@code rows=<n> seconds=<s> peakHeapMiB=<m> firstSeconds=<s of the small one>}.
 */
public final class ConverterRun {

    private ConverterRun() {
    }

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        Path parquet = Path.of(args[1]);
        PeakHeap heap = PeakHeap.sample();
        // the same settings as the application's defaults (application.properties)
        CsvToParquet converter = new CsvToParquet(20_000, Set.of(), "SNAPPY", 64L << 20, 1 << 20, Limits.DEFAULTS);
        Path small = Files.createTempFile("first-lines", ".csv");
        try (Stream<String> lines = Files.lines(csv)) {
            Files.write(small, lines.limit(101).toList());
        }
        long first = System.nanoTime();
        converter.convert(small, Files.createTempFile("first-lines", ".parquet"));
        double firstSeconds = (System.nanoTime() - first) / 1e9;
        long start = System.nanoTime();
        CsvToParquet.Result result = converter.convert(csv, parquet);
        double seconds = (System.nanoTime() - start) / 1e9;
        heap.close();
        System.out.printf("rows=%d seconds=%.3f peakHeapMiB=%.1f firstSeconds=%.3f%n", result.rows(), seconds,
                heap.mebibytes(), firstSeconds);
    }
}
