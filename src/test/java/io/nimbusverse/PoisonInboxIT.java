package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.names.Datasets;
import io.nimbusverse.names.FileNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The files users really drop, all in one batch with the rows of two MySQL tables, through the running pipeline at
 * the heap of a small machine (Failsafe runs with -Xmx512m): empty, corrupt, deeply nested, one giant line, five
 * thousand columns, names too long or in other scripts or full of punctuation, a name of the pipeline's own table, a
 * file whose values its table cannot take. Each bad one is quarantined once with its reason, every good one loads
 * into a table of its own, no stage stalls, no route fails, and the batch completes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonInboxIT {

    private static final String LONG_CSV = "l".repeat(230) + ".csv";
    private static final String LONG_PDF = "p".repeat(245) + ".pdf";
    private static final List<String> ODD_NAMES = List.of("数据.csv", "表格.csv", "-!-.csv", "CaseTable.csv",
            "casetable.CSV", "plus+and?hash#.csv", "nimbus_loads.csv");

    private Path dir;
    /** where the files are written before they all go into the inbox at once */
    private Path staging;
    private NimbusApp app;
    private final Map<String, String> keyByName = new LinkedHashMap<>();

    @BeforeAll
    void dropThePoisonAndWaitForTheBatch() throws Exception {
        dir = Files.createTempDirectory("poison-it");
        app = new NimbusApp(dir)
                .set("nimbus.sql.enabled", "true")
                .set("nimbus.sql.seed-script", Path.of("samples/mysql/shop.sql").toAbsolutePath().toString())
                // the tables' chunks wait in the open batch until the files join them
                .set("nimbus.intake.batch-idle-ms", "10000");
        try (Connection db = DriverManager.getConnection(app.jdbcUrl(), "sa", "");
                Statement st = db.createStatement()) {
            // a table the user made: its id holds numbers, and typed.csv brings text
            st.execute("CREATE TABLE typed (id BIGINT)");
            st.execute("INSERT INTO typed VALUES (1)");
        }
        staging = Files.createDirectories(dir.resolve("staging"));
        drop("empty.csv", new byte[0]);
        drop("corrupt.pdf", ("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nstream\n" + "\u0000".repeat(300)
                + "\ntrailer << /Root 1 0 R /Size 99999 >>\nstartxref\n99999999\n%%EOF")
                .getBytes(StandardCharsets.ISO_8859_1));
        drop(LONG_PDF, "%PDF-1.4\nnot a document at all".getBytes(StandardCharsets.US_ASCII));
        byte[] gzip = new byte[4096];
        new Random(7).nextBytes(gzip);
        gzip[0] = 0x1f;
        gzip[1] = (byte) 0x8b;
        gzip[2] = 8;
        drop("logs.gz", gzip);
        drop("deep.json", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII));
        dropOneGiantLine("one-line.csv", 50 << 20);
        dropWideCsv("wide.csv", 5_000, 100);
        drop(LONG_CSV, "id,v\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
        int id = 0;
        for (String name : ODD_NAMES) {
            drop(name, ("id,v\n" + (++id) + "," + name + "\n").getBytes(StandardCharsets.UTF_8));
        }
        drop("typed.csv", "id\nabc\n".getBytes(StandardCharsets.UTF_8));
        drop("orders.csv", Files.readAllBytes(Path.of("samples/orders.csv")));

        app.start();
        // the tables are read once this instance leads (nimbus.cluster.*): their chunks first, then the files, and
        // the inbox's poll seals one batch of both
        await().atMost(Duration.ofMinutes(1)).until(() -> app.ledger().count(e -> e.source().equals("mysql")) >= 2);
        Files.createDirectories(app.inbox());
        try (Stream<Path> staged = Files.list(staging)) {
            for (Path file : staged.toList()) {
                Files.move(file, app.inbox().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
                keyByName.values().stream().allMatch(k -> app.ledger().find(k).map(e -> e.status().isFinal())
                        .orElse(false))
                        && app.ledger().count(e -> e.source().equals("mysql") && e.status() == ItemStatus.DONE) >= 2);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyBadFileIsQuarantinedOnceWithAReasonThatNamesTheLimit() throws Exception {
        assertQuarantined("corrupt.pdf", "unreadable");
        assertQuarantined("logs.gz", "unreadable");
        assertQuarantined("deep.json", "nimbus.limits.max-nesting-depth");
        assertQuarantined("one-line.csv", "nimbus.limits.max-record-bytes");
        assertQuarantined(LONG_PDF, "unreadable");
        assertQuarantined("typed.csv", "not loaded into table typed", "column id of table typed holds integer");

        List<String> kept;
        try (Stream<Path> files = Files.list(dir.resolve("quarantine"))) {
            kept = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        String boundedPdf = FileNames.bounded(LONG_PDF);
        assertThat(kept).containsExactlyInAnyOrder("corrupt.pdf", "corrupt.pdf.reason.txt", "logs.gz",
                "logs.gz.reason.txt", "deep.json", "deep.json.reason.txt", "one-line.csv", "one-line.csv.reason.txt",
                boundedPdf, boundedPdf + ".reason.txt", "typed.csv", "typed.csv.reason.txt");
        assertThat(dir.resolve("quarantine/deep.json.reason.txt")).content()
                .contains("reason: JSON nested deeper than 1000 levels", "name: deep.json");
        assertThat(dir.resolve("quarantine").resolve(boundedPdf + ".reason.txt")).content()
                .contains("name: " + LONG_PDF);
        assertThat(Files.size(dir.resolve("quarantine/one-line.csv"))).as("the whole file is kept")
                .isGreaterThan(50L << 20);
    }

    @Test
    void everyGoodFileLoadsIntoATableOfItsOwnWhateverItsName() throws Exception {
        for (String name : List.of("empty.csv", "wide.csv", LONG_CSV, "orders.csv")) {
            assertThat(status(name)).as(name).isEqualTo(ItemStatus.DONE);
        }
        List<String> tables = new ArrayList<>();
        for (String name : ODD_NAMES) {
            assertThat(status(name)).as(name).isEqualTo(ItemStatus.DONE);
            String table = Datasets.ofFile(name);
            tables.add(table);
            assertThat(query("SELECT v FROM " + table)).as("table %s of %s", table, name).containsExactly(name);
        }
        assertThat(tables).doesNotHaveDuplicates().doesNotContain("nimbus_loads");
        assertThat(query("SELECT count(*) FROM " + Datasets.ofFile(LONG_CSV))).containsExactly("2");
        assertThat(query("SELECT count(*) FROM wide")).containsExactly("100");
        assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'wide'"))
                .as("its 5,000 columns and the 3 of lineage").containsExactly("5003");
        assertThat(query("SELECT count(*) FROM orders")).containsExactly("5");
        // the rows of the tables, in the same batch as the bad files, are all there
        assertThat(query("SELECT count(*) FROM customers")).containsExactly("5");
        assertThat(query("SELECT count(*) FROM payments")).containsExactly("4");
        // the pipeline's own table holds batches, not a file's rows; the user's table keeps its row
        assertThat(query("SELECT batch_id FROM nimbus_loads")).allMatch(b -> b.matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}"));
        assertThat(query("SELECT id FROM typed")).containsExactly("1");
        // a zero-byte file has no rows, so no table
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'empty'"))
                .containsExactly("0");
    }

    @Test
    void theBadFilesDidNotTakeTheirBatchDownNorAnyStage() throws Exception {
        List<String> batches = new ArrayList<>(keyByName.values().stream()
                .map(k -> app.ledger().find(k).orElseThrow().batchId()).distinct().toList());
        assertThat(batches).as("the files went in one batch").hasSize(1);
        assertThat(app.ledger().batch(batches.get(0))).filteredOn(e -> e.source().equals("mysql")).isNotEmpty();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        String metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String route : List.of("convert-batch", "upload-batch", "load-signals", "load-batch", "completion-watcher")) {
            assertThat(metrics).as("failed exchanges of %s", route)
                    .containsPattern("camel_exchanges_failed_total\\{[^}]*routeId=\"" + route + "\"[^}]*} 0\\.0");
        }
        assertThat(metrics).containsPattern("nimbus_stage_stalled\\{[^}]*stage=\"convert\"[^}]*} 0\\.0")
                .doesNotContainPattern("nimbus_stage_stalled\\{[^}]*} 1\\.0")
                .containsPattern("nimbus_items_quarantined_total\\{[^}]*reason=\"LimitExceededException\"[^}]*} 2\\.0");
    }

    @Test
    void theS3KeyOfALongNameIsBoundedAndItsNameIsKeptInTheManifest() throws Exception {
        LedgerEntry entry = app.ledger().find(keyByName.get(LONG_CSV)).orElseThrow();
        String last = entry.s3Key().substring(entry.s3Key().lastIndexOf('/') + 1);
        assertThat(last.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
        String manifest = app.s3().getObjectAsBytes(b -> b.bucket("nimbus-data")
                .key("archive/signals/" + entry.batchId() + ".SIGNAL")).asUtf8String();
        assertThat(manifest).contains("\"name\":\"" + LONG_CSV + "\"");
    }

    // ---- helpers ----

    private void assertQuarantined(String name, String... reason) {
        LedgerEntry entry = app.ledger().find(keyByName.get(name)).orElseThrow();
        assertThat(entry.status()).as(name).isEqualTo(ItemStatus.QUARANTINED);
        assertThat(entry.detail()).as(name).contains(reason);
    }

    private ItemStatus status(String name) {
        return app.ledger().find(keyByName.get(name)).orElseThrow().status();
    }

    private List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(app.jdbcUrl(), "sa", "");
                Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** Writes under a hidden name, then renames: the way to drop a file into a watched folder. */
    private void drop(String name, byte[] content) throws Exception {
        Path hidden = staging.resolve(".drop.tmp");
        Files.write(hidden, content);
        Files.move(hidden, staging.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        keyByName.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    private void dropOneGiantLine(String name, int bytes) throws Exception {
        Path hidden = staging.resolve(".drop.tmp");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(hidden), 1 << 16)) {
            byte[] head = "id,text\n1,".getBytes(StandardCharsets.US_ASCII);
            out.write(head);
            sha.update(head);
            byte[] chunk = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            for (int written = 0; written < bytes; written += chunk.length) {
                out.write(chunk);
                sha.update(chunk);
            }
            out.write('\n');
            sha.update((byte) '\n');
        }
        Files.move(hidden, staging.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        keyByName.put(name, HexFormat.of().formatHex(sha.digest()));
    }

    private void dropWideCsv(String name, int columns, int rows) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int c = 0; c < columns; c++) {
            csv.append(c == 0 ? "" : ",").append("c").append(c);
        }
        csv.append('\n');
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                csv.append(c == 0 ? "" : ",").append(c % 2 == 0 ? String.valueOf(r + c) : "t" + (r % 5));
            }
            csv.append('\n');
        }
        drop(name, csv.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
