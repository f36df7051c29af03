package io.nimbusverse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The working folders of a benchmark run under bench/out: gigabytes of databases and data, removed once it ends. */
final class BenchFiles {

    private BenchFiles() {
    }

    /** A new folder for one run under bench/out, made too on a fresh clone (git keeps no empty folder). */
    static Path runFolder(String prefix) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("bench/out")), prefix);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
