package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistyped setting ends the start at once, before any server starts, with exit code 2 and one line per setting
 * that names it, its environment variable, the value and what it must be: in a JVM of its own, as users start it.
 */
class SettingsIT {

    @Test
    void mistypedSettingsEndTheStartWithWhatToFix(@TempDir Path dir) throws Exception {
        ProcessBuilder process = NimbusApp.runOnceInItsOwnJvm(dir.resolve("state"));
        Path rules = Files.writeString(dir.resolve("datasets.yaml"), "rules:\n  - id: orders\n    dataset: orders\n");
        process.environment().putAll(Map.of(
                "NIMBUS_CONVERT_PARQUET_COMPRESSION", "ZSTANDARD",
                "NIMBUS_INTAKE_BATCH_SIZE", "a hundred",
                "NIMBUS_KAFKA_BROKERS", "localhost",
                "NIMBUS_LOADER_TRIGGER", "glue",
                "NIMBUS_DATASETS_RULES_FILE", rules.toString()));
        NimbusApp.Finished run = NimbusApp.runToTheEnd(process);
        String output = run.output();
        long seconds = run.seconds();

        assertThat(run.exitCode()).as(output).isEqualTo(2);
        assertThat(output).contains(
                "Setting nimbus.convert.parquet.compression (environment variable NIMBUS_CONVERT_PARQUET_COMPRESSION) "
                        + "is \"ZSTANDARD\": it must be one of UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW.",
                "Setting nimbus.intake.batch-size (environment variable NIMBUS_INTAKE_BATCH_SIZE) is \"a hundred\": "
                        + "it must be a whole number of at least 1.",
                "Setting nimbus.kafka.brokers (environment variable NIMBUS_KAFKA_BROKERS) is \"localhost\": it must "
                        + "be host:port, comma-separated.",
                "Setting nimbus.loader.trigger (environment variable NIMBUS_LOADER_TRIGGER) is \"glue\": it must be "
                        + "one of",
                "Setting nimbus.datasets.rules-file (environment variable NIMBUS_DATASETS_RULES_FILE) is \"" + rules
                        + "\": it must be a dataset rules file that holds ($.rules[0]: required property 'match' not "
                        + "found).");
        // nothing was started: no embedded server, no stack trace
        assertThat(output).doesNotContain("Embedded stack up", "\tat ", "Exception");
        System.out.printf("SettingsIT: exit code 2 after %d s%n", seconds);
    }
}
