package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.nimbusverse.ledger.ItemStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage that stops making progress on work that waits for it is seen, while Camel still calls its route up: the
 * inbox's consumer stuck in a read lock turns /observe/health DOWN with the stage named, sets nimbus_stage_stalled
 * and mails STAGE_STALLED; the stage back at work turns it UP. A run-once run whose stage stalls ends with exit
 * code 3.
 */
class StageHealthIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(NimbusApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStuckStageTurnsHealthDownUntilItWorksAgain(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir)
                .set("nimbus.health.stall-timeout-ms", "3000")
                .set("nimbus.health.check-interval-ms", "500")
                .start()) {
            // the consumers report ready a moment after the start
            await().atMost(PATIENCE).until(() -> get(app, "/observe/health").statusCode() == 200);
            // a file that never stops changing holds the inbox's consumer in its read lock: intake is stuck
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                try (OutputStream out = Files.newOutputStream(app.inbox().resolve("growing.csv"))) {
                    out.write("id\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; writing.get(); i++) {
                        out.write((i + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));

            await().atMost(PATIENCE).until(() -> get(app, "/observe/health").body().contains("stage-intake"));
            HttpResponse<String> down = get(app, "/observe/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("Stage intake has had work waiting", "nimbus.health.stall-timeout-ms")
                    .doesNotContain("route:");
            assertThat(get(app, "/observe/metrics").body())
                    .containsPattern("nimbus_stage_stalled\\{[^}]*stage=\"intake\"[^}]*} 1\\.0")
                    .containsPattern("nimbus_stage_stalled\\{[^}]*stage=\"convert\"[^}]*} 0\\.0");
            await().atMost(PATIENCE).until(() -> Mailbox.read(app.imapPort, "data-team@nimbus.local").stream()
                    .anyMatch(m -> m.subject().contains("A stage is stalled") && m.text().contains("Stage intake")));

            writing.set(false);
            writer.join();
            await().atMost(PATIENCE).until(() -> app.ledger().count(e -> e.status() == ItemStatus.DONE) == 2);
            await().atMost(PATIENCE).until(() -> get(app, "/observe/health").statusCode() == 200);
        }
    }

    @Test
    void aRunWhoseStageStallsEndsWithExitCodeThree(@TempDir Path dir) throws Exception {
        NimbusApp app = new NimbusApp(dir)
                .set("nimbus.run-once", "true")
                // the loader's database is nowhere, and the loader would try long
                .set("nimbus.loader.jdbc-url", "jdbc:h2:tcp://127.0.0.1:" + NimbusApp.freePort() + "/nothing")
                // a database that never answers, on purpose: not waited for at start
                .set("nimbus.startup.wait-ms", "0")
                .set("nimbus.loader.max-attempts", "1000")
                .set("nimbus.health.stall-timeout-ms", "4000")
                .set("nimbus.health.check-interval-ms", "500");
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        try (app) {
            app.runInBackground();
            await().atMost(PATIENCE).until(() -> !app.isRunning());

            assertThat(app.outcome.exitCode()).isEqualTo(3);
            assertThat(app.outcome.summary()).contains("a stage makes no progress", "Stage load", "exit code 3");
        }
    }
}
