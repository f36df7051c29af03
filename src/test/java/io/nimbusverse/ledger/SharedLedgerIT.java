package io.nimbusverse.ledger;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.NimbusApp;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.intake.JdbcInboxLeases;
import io.nimbusverse.intake.JdbcInboxLeasesTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger in a MariaDB database (nimbus.ledger.store=jdbc), shared by two instances and used by the pipeline. */
class SharedLedgerIT {

    @TempDir
    static Path serverDir;
    private static MariaDb server;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = MariaDb.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    private HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("root");
        config.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    private JdbcLedger instance(String url) {
        JdbcLedger ledger = new JdbcLedger(pool(url), url, "test");
        ledger.open();
        return ledger;
    }

    @Test
    void ofTwoInstancesClaimingTheSameKeysAtOnceExactlyOneWinsEachKey() throws Exception {
        String url = server.createDatabase("claims");
        JdbcLedgerTest.assertExactlyOneClaimWinsEachKey(instance(url), instance(url), 500);
    }

    @Test
    void ofTwoInstancesTakingTheSameInboxNamesAtOnceExactlyOneTakesEach() throws Exception {
        String url = server.createDatabase("leases");
        List<JdbcInboxLeases> leases = new ArrayList<>();
        try {
            for (String owner : List.of("a", "b")) {
                JdbcInboxLeases instance = new JdbcInboxLeases(pool(url), url, owner, Duration.ofSeconds(30));
                instance.open();
                leases.add(instance);
            }
            JdbcInboxLeasesTest.assertExactlyOneTakesEachName(leases.get(0), leases.get(1), 500);
        } finally {
            leases.forEach(JdbcInboxLeases::close);
        }
    }

    @Test
    void thePipelineKeepsItsLedgerInTheDatabaseAndExportsItAsTheReport(@TempDir Path dir) throws Exception {
        String url = server.createDatabase("pipeline");
        try (NimbusApp app = new NimbusApp(dir).set("nimbus.ledger.store", "jdbc")
                .set("nimbus.ledger.jdbc-url", url).set("nimbus.ledger.jdbc-user", "root")) {
            app.start();
            assertThat(app.ledger()).isInstanceOf(JdbcLedger.class);
            Files.createDirectories(app.inbox());
            Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
            Files.copy(Path.of("samples/customers.json"), app.inbox().resolve("customers.json"));
            await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(
                    e -> e.status() == ItemStatus.DONE) == 2);

            try (Connection db = DriverManager.getConnection(url, "root", "");
                    ResultSet rs = db.createStatement().executeQuery(
                            "SELECT status, count(*) FROM nimbus_ledger GROUP BY status")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("DONE");
                assertThat(rs.getLong(2)).isEqualTo(2);
                assertThat(rs.next()).isFalse();
            }
            HttpResponse<String> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + app.httpPort + "/console/api/ledger.csv")).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> lines = export.body().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).isEqualTo(Ledger.HEADER);
            assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line).contains(",DONE,"))
                    .anySatisfy(line -> assertThat(line).contains(",orders.csv,"));
        }
    }
}
