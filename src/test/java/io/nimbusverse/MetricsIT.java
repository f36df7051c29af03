package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.nimbusverse.ledger.ItemStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The business metrics at /observe/metrics after a batch with a CSV, the same CSV again and a malformed CSV. */
class MetricsIT {

    @Test
    void aBatchLeavesItsBusinessMetrics(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)) {
            Files.createDirectories(app.inbox());
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders-again.csv"));
            Files.writeString(app.inbox().resolve("broken.csv"), "id,name,amount\n1,ada,10\n2,bob\n");
            long csvBytes = Files.size(Path.of("samples/orders.csv"));
            app.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 1 && app.ledger().count(
                    e -> e.status() == ItemStatus.QUARANTINED) == 1);

            List<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.httpPort + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().lines().toList();

            assertThat(value(metrics, "nimbus_items_ingested_total", "source=\"file\"", "class=\"structured\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "nimbus_ingested_bytes_total", "source=\"file\"")).isEqualTo(csvBytes);
            assertThat(value(metrics, "nimbus_duplicates_skipped_total")).isEqualTo(1);
            assertThat(value(metrics, "nimbus_items_quarantined_total", "reason=\"MalformedFileException\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "nimbus_parquet_rows_written_total")).isEqualTo(5);
            assertThat(value(metrics, "nimbus_conversion_duration_seconds_count", "class=\"structured\""))
                    .isEqualTo(1);
            assertThat(value(metrics, "nimbus_conversion_duration_seconds_bucket", "le=\"+Inf\"")).isEqualTo(1);
            assertThat(value(metrics, "nimbus_s3_uploaded_bytes_total")).isGreaterThan(csvBytes);
            assertThat(value(metrics, "nimbus_batch_duration_seconds_bucket", "status=\"SUCCEEDED\"", "le=\"+Inf\""))
                    .isEqualTo(1);
            // the buckets are cumulative and start at a second; how long this batch took is the machine's business
            assertThat(value(metrics, "nimbus_batch_duration_seconds_bucket", "le=\"1.0\"")).isBetween(0.0, 1.0);
            assertThat(value(metrics, "nimbus_batches_in_flight")).isZero();
            assertThat(value(metrics, "nimbus_completion_timeouts_total")).isZero();
            assertThat(value(metrics, "nimbus_ledger_entries", "status=\"DONE\"")).isEqualTo(1);
            assertThat(value(metrics, "nimbus_ledger_entries", "status=\"DUPLICATE\"")).isEqualTo(1);
            assertThat(value(metrics, "nimbus_ledger_entries", "status=\"QUARANTINED\"")).isEqualTo(1);
            assertThat(value(metrics, "nimbus_last_successful_batch_timestamp_seconds"))
                    .isBetween(Instant.now().minusSeconds(120).getEpochSecond() * 1.0, Instant.now().getEpochSecond() * 1.0);
            assertThat(value(metrics, "camel_exchanges_total", "routeId=\"convert-batch\"")).isPositive();
            assertThat(value(metrics, "jvm_memory_used_bytes")).isPositive();
            assertThat(value(metrics, "process_cpu_time_ns_total")).isPositive();

            // Prometheus' own linter finds nothing in our families: each has its HELP text, every label snake_case
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(String.join("\n", metrics).concat("\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String lint = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(lint.lines().filter(line -> line.startsWith("nimbus_"))).as(lint).isEmpty();
            assertThat(metrics).anyMatch(line -> line.startsWith("# HELP nimbus_items_ingested_total Items classified"));
        }
    }

    /** The sum of the series of a metric whose labels include all the given ones. */
    private static double value(List<String> metrics, String name, String... labels) {
        List<String> series = metrics.stream()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .toList();
        assertThat(series).as("series of %s with %s", name, Arrays.toString(labels)).isNotEmpty();
        return series.stream().mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
