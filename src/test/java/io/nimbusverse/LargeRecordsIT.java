package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.convert.ConvertOneItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GB NDJSON file of nested records becomes Parquet in a JVM of 256 MB heap: the record readers stream, whatever
 * the size of the file.
 */
class LargeRecordsIT {

    private static final long GIGABYTE = 1L << 30;

    @Test
    void aGigabyteOfNdjsonConvertsAtA256MegabyteHeap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.ndjson");
        long lines = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            while (Files.size(file) < GIGABYTE || lines % 10_000 != 0) {
                line.setLength(0);
                line.append("{\"id\": ").append(lines).append(", \"user\": {\"name\": \"user ").append(lines % 5000)
                        .append("\", \"address\": {\"city\": \"city ").append(lines % 97).append("\", \"zip\": \"")
                        .append(10000 + lines % 90000).append("\"}}, \"amount\": ").append(lines % 100_000)
                        .append('.').append(lines % 100 < 10 ? "0" : "").append(lines % 100)
                        .append(", \"tags\": [\"a\", \"b\"], \"at\": \"2026-12-01T10:").append(10 + lines % 50)
                        .append(":00\", \"note\": \"").append("x".repeat((int) (lines % 40))).append("\"}\n");
                out.append(line);
                lines++;
                if (lines % 100_000 == 0) {
                    out.flush();
                }
            }
        }
        Path rules = Files.writeString(dir.resolve("rules.yaml"),
                "rules:\n  - id: events\n    match: {file: '*.ndjson'}\n    dataset: events\n    format: json\n");
        ProcessBuilder process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ConvertOneItem.class.getName(),
                dir.resolve("work").toString(), rules.toString(), file.toString(), "events.ndjson")
                .redirectErrorStream(true);
        NimbusApp.Finished run = NimbusApp.runToTheEnd(process);

        assertThat(run.exitCode()).as(run.output()).isZero();
        Matcher result = Pattern.compile("rows=(\\d+) columns=(\\d+) peak VmHWM: (\\d+) kB").matcher(run.output());
        assertThat(result.find()).as(run.output()).isTrue();
        assertThat(Long.parseLong(result.group(1))).isEqualTo(lines);
        assertThat(Integer.parseInt(result.group(2))).as("id, user.name, user.address.city, user.address.zip, amount, tags, at, note").isEqualTo(8);
        System.out.printf("LargeRecordsIT: %,d bytes of NDJSON, %,d records, at -Xmx256m in %d s, peak RSS %,d MB%n",
                Files.size(file), lines, run.seconds(), Long.parseLong(result.group(3)) / 1024);
    }
}
