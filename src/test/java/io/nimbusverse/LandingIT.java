package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.nimbusverse.intake.LandingObjects;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Files dropped into the bucket's landing prefix go through the pipeline like files dropped into the inbox. */
class LandingIT {

    private static final String BUCKET = "nimbus-data";

    @Test
    void objectsDroppedUnderTheLandingPrefixAreLoadedOnceAndMovedUnderTheTakenPrefix(@TempDir Path dir)
            throws Exception {
        try (NimbusApp app = new NimbusApp(dir).set("nimbus.landing.enabled", "true")
                .set("nimbus.landing.poll-delay-ms", "300")) {
            app.start();
            S3Client s3 = app.s3();
            byte[] orders = Files.readAllBytes(Path.of("samples/orders.csv"));
            s3.putObject(b -> b.bucket(BUCKET).key("landing/orders.csv"), RequestBody.fromBytes(orders));
            s3.putObject(b -> b.bucket(BUCKET).key("landing/crm/2026/customers.json"),
                    RequestBody.fromFile(Path.of("samples/customers.json")));
            // a folder marker lands nothing (keys a file system cannot hold, which S3Proxy refuses too: LandingObjectsTest)
            s3.putObject(b -> b.bucket(BUCKET).key("landing/empty-folder/"), RequestBody.empty());

            await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 2);

            assertThat(app.ledger().entries()).extracting(LedgerEntry::name)
                    .containsExactlyInAnyOrder("orders.csv", "crm/2026/customers.json");
            assertThat(keys(s3, "landing/")).isEmpty();
            assertThat(keys(s3, "landing-taken/")).containsExactlyInAnyOrder("landing-taken/landing/orders.csv",
                    "landing-taken/landing/crm/2026/customers.json", "landing-taken/landing/empty-folder/");
            try (Connection db = DriverManager.getConnection(app.jdbcUrl(), "sa", "");
                    ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5);
            }
            // the originals left the inbox once in S3; nothing is left half written
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (Stream<Path> left = Files.walk(app.inbox())) {
                    assertThat(left.filter(Files::isRegularFile)).isEmpty();
                }
            });
            assertThat(app.inbox().resolve(LandingObjects.LANDING_FOLDER)).isEmptyDirectory();

            // the same object dropped again is known: a duplicate, not a second load
            s3.putObject(b -> b.bucket(BUCKET).key("landing/orders-again.csv"), RequestBody.fromBytes(orders));
            await().atMost(Duration.ofSeconds(60)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DUPLICATE && e.name().equals("orders-again.csv")) == 1);
        }
    }

    @Test
    void anInboxThatCannotTakeTheObjectsTurnsTheLandingStageStalledUntilItCan(@TempDir Path dir) throws Exception {
        try (NimbusApp app = new NimbusApp(dir).set("nimbus.landing.enabled", "true")
                .set("nimbus.landing.poll-delay-ms", "300")
                .set("nimbus.health.stall-timeout-ms", "3000")
                .set("nimbus.health.check-interval-ms", "500")) {
            app.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> health(app).statusCode() == 200);
            // a file where the landing writes its objects first: every landing fails
            Path blocker = app.inbox().resolve(LandingObjects.LANDING_FOLDER);
            Files.createDirectories(app.inbox());
            Files.writeString(blocker, "in the way");
            app.s3().putObject(b -> b.bucket(BUCKET).key("landing/orders.csv"),
                    RequestBody.fromFile(Path.of("samples/orders.csv")));

            await().atMost(Duration.ofSeconds(60)).until(() -> health(app).body().contains("stage-landing"));
            HttpResponse<String> down = health(app);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("Stage landing has had work waiting");
            assertThat(keys(app.s3(), "landing/")).containsExactly("landing/orders.csv");

            Files.delete(blocker);
            await().atMost(Duration.ofSeconds(60)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> health(app).statusCode() == 200);
        }
    }

    @Test
    void aLandingBucketThatDoesNotExistEndsTheStartNamingTheSetting(@TempDir Path dir) throws Exception {
        NimbusApp app = new NimbusApp(dir).set("nimbus.landing.enabled", "true")
                .set("nimbus.landing.bucket", "nimbus-drops");
        try (app) {
            assertThatThrownBy(app::start).hasStackTraceContaining("S3 at bucket nimbus-drops at http://127.0.0.1:"
                    + app.s3Port + " (nimbus.landing.bucket, environment variable NIMBUS_LANDING_BUCKET): the bucket "
                    + "does not exist");
        }
    }

    private static HttpResponse<String> health(NimbusApp app) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }
}
