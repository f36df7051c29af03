package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.ItemStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, run as a child process) scrapes the pipeline while it works through the
 * samples, a malformed CSV, a duplicate and a batch left waiting for its COMPLETE; then every query of the Grafana
 * dashboard and every alert rule goes through Prometheus' HTTP API: all valid, every panel with data.
 */
class PrometheusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyPanelQueryHasDataAndEveryAlertRuleEvaluates(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)) {
            Files.createDirectories(app.inbox());
            try (Stream<Path> samples = Files.list(Path.of("samples"))) {
                for (Path sample : samples.filter(Files::isRegularFile).toList()) {
                    Files.copy(sample, app.inbox().resolve(sample.getFileName()));
                }
            }
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders-again.csv"));
            Files.writeString(app.inbox().resolve("broken.csv"), "id,name,amount\n1,ada,10\n2,bob\n");
            int prometheusPort = NimbusApp.freePort();
            Process prometheus = startPrometheus(dir.resolve("prometheus"), prometheusPort, app.httpPort);
            try {
                // Prometheus scrapes from before the first upload, so that it sees the counters grow (a rate needs that)
                String api = "http://127.0.0.1:" + prometheusPort;
                await().atMost(Duration.ofSeconds(60)).until(() -> get(api + "/api/v1/status/buildinfo")
                        .path("status").asText().equals("success"));
                app.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> app.ledger().count(
                        e -> e.status() == ItemStatus.DONE) == 6);
                // a rate needs a sample before the growth: the counter is scraped before the next upload
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        !query(api, "nimbus_s3_uploaded_bytes_total").path("data").path("result").isEmpty());
                // a second batch whose COMPLETE never comes: the loader is stopped
                app.context().getRouteController().stopRoute("load-signals");
                app.context().getRouteController().stopRoute("load-batch");
                Files.writeString(app.inbox().resolve("late.csv"), "id,amount\n1,2.50\n2,3.75\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> app.ledger().count(
                        e -> e.status() == ItemStatus.UPLOADED) == 1);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        !query(api, "nimbus_batch_awaiting_completion_seconds").path("data").path("result").isEmpty()
                        && !query(api, "rate(nimbus_s3_uploaded_bytes_total[5m]) > 0").path("data").path("result")
                                .isEmpty());

                Map<String, String> withoutData = new LinkedHashMap<>();
                for (Map.Entry<String, String> panel : panelQueries().entrySet()) {
                    JsonNode answer = query(api, panel.getValue());
                    assertThat(answer.path("status").asText()).as(panel.getKey() + ": " + answer).isEqualTo("success");
                    if (answer.path("data").path("result").isEmpty()) {
                        withoutData.put(panel.getKey(), panel.getValue());
                    }
                }
                assertThat(withoutData).as("panel queries without data").isEmpty();

                JsonNode groups = get(api + "/api/v1/rules").path("data").path("groups");
                List<String> alerts = new ArrayList<>();
                for (JsonNode group : groups) {
                    for (JsonNode rule : group.path("rules")) {
                        alerts.add(rule.path("name").asText());
                        assertThat(rule.path("health").asText()).as(rule.path("name") + ": " + rule.path("lastError"))
                                .isEqualTo("ok");
                        assertThat(query(api, rule.path("query").asText()).path("status").asText()).isEqualTo("success");
                    }
                }
                assertThat(alerts).containsExactlyInAnyOrder("NimbusDown", "NimbusRouteFailing",
                        "NimbusQuarantineSpike", "NimbusCompletionTimeout", "NimbusStageStalled", "NimbusInboxStalled",
                        "NimbusNoSuccessfulBatch");
            } finally {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    /** The dashboard's panels and their queries, titled "panel (refId)". */
    private static Map<String, String> panelQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : JSON.readTree(Path.of("grafana/dashboards/nimbusverse.json").toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                // as Grafana sends them: the job scraped here, every instance
                queries.put(panel.path("title").asText() + " (" + target.path("refId").asText() + ")",
                        target.path("expr").asText().replace("$job", "nimbusverse").replace("$instance", ".+"));
            }
        }
        assertThat(queries).hasSizeGreaterThan(15);
        return queries;
    }

    private static Process startPrometheus(Path dir, int port, int appPort) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: nimbusverse
                    metrics_path: /observe/metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(Path.of("prometheus/rules/nimbusverse-alerts.yml").toAbsolutePath(), appPort));
        return new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    private JsonNode query(String api, String promql) throws Exception {
        return get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private JsonNode get(String url) throws Exception {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            // Prometheus is still starting
            return JSON.createObjectNode();
        }
    }
}
