package io.nimbusverse.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.sql.SqlPositions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP side on a real Vert.x server, and the CLI against it: the token a server beyond loopback asks
 * for, the CSRF value every action needs, the answers as JSON and as the CLI's text, a replay that puts the
 * quarantined file back into the inbox, the refusals that say why, and the page's links all relative.
 */
class ConsoleServerTest {

    private static final String TOKEN = "s3cret-token";
    private static final String BATCH = "20261201T100000Z-aaaaaa";
    private static final String BROKEN = "b".repeat(64);
    private static final String ORDERS = "a".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TempDir
    Path dir;
    private Vertx vertx;
    private Ledger ledger;
    private WorkFolders folders;
    private String base;
    private BatchBoard board;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        ledger = new CsvLedger(dir.resolve("ledger/report.csv"), 1_000);
        ledger.open();
        folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("quarantine"),
                dir.resolve("duplicates"));
        folders.create();
        Path kept = Files.writeString(dir.resolve("quarantine/broken.csv"), "id\n1\n");
        ledger.claim(LedgerEntry.claimed(ORDERS, "file", "orders.csv", 12));
        ledger.record(ledger.find(ORDERS).orElseThrow().withBatch(BATCH)
                .withStatus(ItemStatus.DONE, "rows=3 parquet=parquet/orders/ingest_date=2026-12-01/x.parquet"));
        ledger.claim(LedgerEntry.claimed(BROKEN, "file", "broken.csv", 5));
        ledger.record(ledger.find(BROKEN).orElseThrow().withBatch(BATCH).withStatus(ItemStatus.QUARANTINED,
                "malformed CSV, line 2: a quoted field is never closed (kept as " + kept + ")"));
        board = new BatchBoard(ledger);
        board.open();
        await().atMost(Duration.ofSeconds(60)).until(() -> !board.isLoading());
        ConsoleActions actions = new ConsoleActions(ledger, folders, board, null, "bucket", null);
        SqlPositions positions = new SqlPositions(dir.resolve("sql"), null, ledger, JSON);
        positions.open();
        ConsoleServer console = new ConsoleServer("/console", TOKEN, board, actions, ledger, positions, null, "bucket",
                JSON);

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        console.mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
        base = "http://127.0.0.1:" + server.actualPort() + "/console";
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        ledger.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String[] BEARER = {"Authorization", "Bearer " + TOKEN};

    @Test
    void aServerBeyondLoopbackAsksForItsTokenAsABearerOrOnceOnThePage() throws Exception {
        HttpResponse<String> without = get("/api/batches");
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.body()).contains("nimbus.console.token");
        assertThat(get("/api/batches", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/console.js").statusCode()).as("the page's files too").isEqualTo(401);

        assertThat(get("/api/batches", BEARER).statusCode()).isEqualTo(200);
        HttpResponse<String> page = get("/?token=" + TOKEN);
        assertThat(page.statusCode()).isEqualTo(200);
        String cookie = page.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").contains("nimbus_console_token=" + TOKEN, "SameSite=Strict",
                "Path=/console/");
        assertThat(get("/api/batches", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theTokenIsNoneOnLoopbackTheOneSetOrElseANewRandomOne() {
        assertThat(ConsoleServer.tokenFor("127.0.0.1", "")).isEmpty();
        assertThat(ConsoleServer.tokenFor("localhost", "")).isEmpty();
        assertThat(ConsoleServer.tokenFor("0.0.0.0", "")).matches("[0-9a-f]{32}");
        assertThat(ConsoleServer.tokenFor("0.0.0.0", "")).isNotEqualTo(ConsoleServer.tokenFor("0.0.0.0", ""));
        assertThat(ConsoleServer.tokenFor("0.0.0.0", "mine")).isEqualTo("mine");
    }

    @Test
    void anActionNeedsTheSessionsCsrfValueAndReplayPutsTheQuarantinedFileBackInTheInbox() throws Exception {
        assertThat(post("/api/actions/replay?key=" + BROKEN, BEARER).statusCode()).isEqualTo(403);
        assertThat(post("/api/actions/replay?key=" + BROKEN, "Authorization", "Bearer " + TOKEN,
                ConsoleServer.CSRF_HEADER, "guessed").statusCode()).isEqualTo(403);
        assertThat(get("/api/actions/replay?key=" + BROKEN, BEARER).statusCode()).as("never a GET")
                .isNotEqualTo(200);
        assertThat(ledger.find(BROKEN).orElseThrow().status()).isEqualTo(ItemStatus.QUARANTINED);

        String csrf = JSON.readTree(get("/api/session", BEARER).body()).path("csrf").asText();
        HttpResponse<String> replay = post("/api/actions/replay?key=" + BROKEN, "Authorization", "Bearer " + TOKEN,
                ConsoleServer.CSRF_HEADER, csrf);

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).path("done").asText()).isEqualTo("broken.csv is back in the inbox");
        assertThat(dir.resolve("inbox/broken.csv")).hasContent("id\n1\n");
        assertThat(dir.resolve("quarantine/broken.csv")).doesNotExist();
        LedgerEntry requeued = ledger.find(BROKEN).orElseThrow();
        assertThat(requeued.status()).isEqualTo(ItemStatus.REQUEUED);
        assertThat(requeued.detail()).startsWith("replay requested; malformed CSV");
        assertThat(ledger.contains(BROKEN)).as("its bytes are taken again").isFalse();

        HttpResponse<String> again = post("/api/actions/replay?key=" + BROKEN, "Authorization", "Bearer " + TOKEN,
                ConsoleServer.CSRF_HEADER, csrf);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("error").asText())
                .isEqualTo("broken.csv is REQUEUED, not QUARANTINED: only a quarantined item is replayed");
        ledger.claim(LedgerEntry.claimed("payments:7", "mysql", "payments:7", 0));
        ledger.record(ledger.find("payments:7").orElseThrow().withStatus(ItemStatus.QUARANTINED, "amount: not a number"));
        assertThat(board.item("payments:7").orElseThrow().actions()).as("a row has no file to replay").isEmpty();
        HttpResponse<String> row = post("/api/actions/replay?key=payments:7", "Authorization", "Bearer " + TOKEN,
                ConsoleServer.CSRF_HEADER, csrf);
        assertThat(row.statusCode()).isEqualTo(409);
        assertThat(row.body()).contains("payments:7 has no copy in the quarantine folder to replay");
        HttpResponse<String> retry = post("/api/actions/retry?batch=" + BATCH, "Authorization", "Bearer " + TOKEN,
                ConsoleServer.CSRF_HEADER, csrf);
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(retry.body()).contains("is COMPLETED: only a FAILED or TIMED_OUT batch is retried");
    }

    @Test
    void twoReplaysOfOneItemAtOnceMoveItOnce() throws Exception {
        String csrf = JSON.readTree(get("/api/session", BEARER).body()).path("csrf").asText();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> answers = clients.invokeAll(List.of(
                    () -> post("/api/actions/replay?key=" + BROKEN, "Authorization", "Bearer " + TOKEN,
                            ConsoleServer.CSRF_HEADER, csrf).statusCode(),
                    () -> post("/api/actions/replay?key=" + BROKEN, "Authorization", "Bearer " + TOKEN,
                            ConsoleServer.CSRF_HEADER, csrf).statusCode()));
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                codes.add(answer.get());
            }
            assertThat(codes).containsExactlyInAnyOrder(200, 409);
        } finally {
            clients.shutdown();
        }
        assertThat(dir.resolve("inbox/broken.csv")).hasContent("id\n1\n");
    }

    @Test
    void theLedgerIsExportedAsTheReportOneRowPerKey() throws Exception {
        // enough rows for several chunks of the response
        for (int i = 0; i < 3_000; i++) {
            ledger.claim(LedgerEntry.claimed("key-" + i, "file", "file-" + i + ".csv", i));
        }
        assertThat(get("/api/ledger.csv").statusCode()).as("behind the token like the rest").isEqualTo(401);

        HttpResponse<String> export = get("/api/ledger.csv", BEARER);

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
        List<String> lines = export.body().lines().toList();
        assertThat(lines).hasSize(1 + 2 + 3_000);
        assertThat(lines.get(0)).isEqualTo(Ledger.HEADER);
        assertThat(lines.get(1)).startsWith(ORDERS + ",file,orders.csv,12,").contains(",DONE," + BATCH + ",");
        assertThat(lines).last().asString().startsWith("key-2999,file,file-2999.csv,2999,");

        Cli cli = cli(Map.of("NIMBUS_CONSOLE_URL", base, "NIMBUS_CONSOLE_TOKEN", TOKEN), "ledger");
        assertThat(cli.exit()).isZero();
        assertThat(cli.out()).isEqualTo(export.body());
    }

    @Test
    void theApiAnswersJsonForThePageAndTextForTheCli() throws Exception {
        JsonNode batches = JSON.readTree(get("/api/batches", BEARER).body());
        assertThat(batches.path("batches").get(0).path("batchId").asText()).isEqualTo(BATCH);
        assertThat(batches.path("batches").get(0).path("byStatus").path("DONE").asInt()).isEqualTo(1);
        JsonNode batch = JSON.readTree(get("/api/batch?id=" + BATCH, BEARER).body());
        assertThat(batch.path("items")).hasSize(2);
        JsonNode item = JSON.readTree(get("/api/item?key=" + ORDERS, BEARER).body()).path("item");
        assertThat(item.path("table").asText()).isEqualTo("orders");
        assertThat(item.path("rows").asLong()).isEqualTo(3);
        assertThat(JSON.readTree(get("/api/search?q=BROKEN", BEARER).body()).path("items").get(0).path("key").asText())
                .isEqualTo(BROKEN);
        assertThat(get("/api/batch?id=20991231T000000Z-000000", BEARER).statusCode()).isEqualTo(404);
        assertThat(get("/api/search", BEARER).statusCode()).isEqualTo(400);
        assertThat(get("/api/batches?limit=lots", BEARER).body()).contains("limit must be a number");

        HttpResponse<String> text = get("/api/quarantine", "Authorization", "Bearer " + TOKEN, "Accept", "text/plain");
        assertThat(text.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        assertThat(text.body()).contains("QUARANTINED", "broken.csv");
    }

    @Test
    void theCliTellsWhereAFileIsAndReplaysIt() throws Exception {
        Map<String, String> env = Map.of("NIMBUS_CONSOLE_URL", base, "NIMBUS_CONSOLE_TOKEN", TOKEN);

        Cli status = cli(env, "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("items by status: {DONE=1, QUARANTINED=1}", BATCH);
        Cli item = cli(env, "item", "orders");
        assertThat(item.exit()).isZero();
        assertThat(item.out()).contains("name       orders.csv", "status     DONE", "table      orders, 3 rows");
        Cli quarantine = cli(env, "quarantine");
        assertThat(quarantine.out()).contains("broken.csv", "a quoted field is never closed");
        Cli replay = cli(env, "replay", BROKEN);
        assertThat(replay.exit()).isZero();
        assertThat(replay.out()).isEqualTo("broken.csv is back in the inbox\n");
        Cli refused = cli(env, "replay", BROKEN);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).startsWith("error: broken.csv is REQUEUED");

        assertThat(cli(Map.of("NIMBUS_CONSOLE_URL", base), "status").exit()).as("without its token").isEqualTo(1);
        assertThat(cli(env, "frobnicate").out()).startsWith("unknown command: frobnicate\nusage: nimbus");
        assertThat(cli(env, "batch").exit()).isEqualTo(2);
        Cli nobody = cli(Map.of("NIMBUS_CONSOLE_URL", "http://127.0.0.1:9/console"), "status");
        assertThat(nobody.exit()).isEqualTo(2);
        assertThat(nobody.out()).startsWith("no NimbusVerse answers at http://127.0.0.1:9/console");
    }

    private record Cli(int exit, String out) {
    }

    private static Cli cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = NimbusCli.run(args, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Cli(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePageUsesRelativeLinksOnlySoAProxyMayServeItUnderAnyPrefix() throws Exception {
        assertThat(get("", BEARER).statusCode()).isEqualTo(302);
        assertThat(get("", BEARER).headers().firstValue("location")).hasValue("console/");
        HttpResponse<String> page = get("/", BEARER);
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'self'");
        for (String asset : new String[] {"/", "/console.js", "/console.css"}) {
            String text = get(asset, BEARER).body();
            assertThat(text).as(asset).doesNotContainPattern("(src|href)=\"/").doesNotContain("'/api", "\"/api",
                    "/console/", "http://", "https://");
        }
    }
}
