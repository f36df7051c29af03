package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees when starting the pipeline as the README says, samples and sample tables included: a banner,
 * Camel's few lines, the "where to look" box before any work, no warning or stack trace, and the run's summary last.
 */
class ConsoleIT {

    @Test
    void aRunPrintsABannerTheBoxBeforeAnyWorkNoWarningAndTheSummaryLast(@TempDir Path dir) throws Exception {
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm();
        process.environment().put("NIMBUS_DATA_DIR", dir.resolve("data").toString());
        NimbusApp.Finished run = NimbusApp.runToTheEnd(process);

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> lines = run.output().lines().toList();
        assertThat(lines.get(0)).matches(".* NimbusMain - NimbusVerse \\S+: files and MySQL tables into S3 as Parquet "
                + "and into a database. Starting...");
        assertThat(lines).as(run.output()).noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR ")
                || line.startsWith("\tat ") || line.contains("Exception"));
        int box = indexOf(lines, "NimbusVerse is running");
        assertThat(box).as("the box after Camel started").isGreaterThan(indexOf(lines, ") started in "));
        assertThat(box).as("the box before any work").isLessThan(indexOf(lines, " signals - START_UPLOAD"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Every batch completed: exit code 0");
        assertThat(lines.subList(indexOf(lines, "=== NimbusVerse run summary"), lines.size()))
                .noneMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"));
        System.out.printf("ConsoleIT: %d lines for the samples' run (%d before the box)%n", lines.size(), box);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + part);
    }
}
