package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes edited while the pipeline runs: a change takes effect without a restart and keeps the ledger and the
 * work in flight; a mistake is reported and, once fixed, the pipeline runs again.
 */
class HotReloadIT {

    @Test
    void anEditedRouteReloadsAndABrokenOneIsReportedThenRecovers(@TempDir Path dir) throws Exception {
        NimbusApp configured = new NimbusApp(dir);
        Path routes = configured.ownRoutes();
        try (LogCapture log = LogCapture.attach(); NimbusApp app = configured.start()) {
            Files.createDirectories(app.inbox());
            drop(app, "first.csv", "id\n1\n");
            awaitDone(app, "first.csv");
            Ledger ledger = app.ledger();
            Route mailBefore = app.context().getRoute("mail-out");
            Route intakeBefore = app.context().getRoute("intake-files");

            // an edit while a file is in flight: the mails get a suffix in their subject
            drop(app, "in-flight.csv", "id\n2\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.count(e -> e.name().equals("in-flight.csv")) > 0);
            Path mail = routes.resolve("mail.yaml");
            String original = Files.readString(mail);
            assertThat(original).contains("simple: \"${body.subject}\"");
            write(mail, original.replace("simple: \"${body.subject}\"", "simple: \"${body.subject} (edited)\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> app.context().getRoute("mail-out") != null
                    && app.context().getRoute("mail-out") != mailBefore);
            // the routes of the other files, and their work in flight, were left alone
            assertThat(app.context().getRoute("intake-files")).isSameAs(intakeBefore);

            awaitDone(app, "in-flight.csv");
            drop(app, "after-edit.csv", "id\n3\n");
            awaitDone(app, "after-edit.csv");
            assertThat(app.ledger()).isSameAs(ledger);
            assertThat(ledger.count(e -> e.name().equals("first.csv") && e.status() == ItemStatus.DONE)).isOne();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Mailbox.read(app.imapPort, "data-team@nimbus.local"))
                    .anyMatch(m -> m.subject().endsWith("completed: SUCCEEDED (edited)")));

            // a mistake is reported with the file's name, and the routes that were running run on
            Path upload = routes.resolve("upload.yaml");
            String uploadRoute = Files.readString(upload);
            Route uploadBefore = app.context().getRoute("upload-batch");
            write(upload, uploadRoute.replace("- setProperty:", "- setPropertee:"));
            await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.contains("upload.yaml") && l.contains("setPropertee")));
            assertThat(log.lines()).filteredOn(l -> l.contains("upload.yaml") && l.contains("setPropertee"))
                    .allMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
            drop(app, "while-broken.csv", "id\n4\n");
            awaitDone(app, "while-broken.csv");

            // once fixed, the file's routes are replaced and the pipeline goes on
            write(upload, uploadRoute.replace("Then UPLOADED", "Then UPLOADED (fixed)"));
            await().atMost(Duration.ofSeconds(30)).until(() -> app.context().getRoute("upload-batch") != null
                    && app.context().getRoute("upload-batch") != uploadBefore
                    && app.context().getRouteController().getRouteStatus("upload-batch").isStarted());
            drop(app, "after-fix.csv", "id\n5\n");
            awaitDone(app, "after-fix.csv");

            // the console is no route: it answered all along, and shows what the reloaded routes did
            HttpResponse<String> found = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + app.httpPort + "/console/api/search?q=after-fix")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(found.body()).contains("\"name\":\"after-fix.csv\"", "\"status\":\"DONE\"");
        }
    }

    private static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void drop(NimbusApp app, String name, String content) throws Exception {
        write(app.inbox().resolve(name), content);
    }

    private static void awaitDone(NimbusApp app, String name) {
        await().atMost(Duration.ofSeconds(60)).until(() -> app.ledger().count(
                e -> e.name().equals(name) && e.status() == ItemStatus.DONE) == 1);
    }
}
