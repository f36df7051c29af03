package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.cloud.AwsClients;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.ledger.LedgerRows;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A mixed inbox dropped into the running application on its embedded stack, followed through every stage:
 * S3 objects, SIGNAL and COMPLETE, loaded rows, ledger, quarantine, duplicates, e-mails, Kafka signals, inbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Path.of("samples");

    private Path dir;
    private NimbusApp app;
    private S3Client s3;
    private final Map<String, String> keyByName = new LinkedHashMap<>();
    private final List<String> unsafeRemovals = new CopyOnWriteArrayList<>();
    private final List<String> growingClaimedEarly = new CopyOnWriteArrayList<>();
    /** keys sent to the S3 endpoint that uploads in parts */
    private final List<String> multipartKeys = new CopyOnWriteArrayList<>();

    @BeforeAll
    void runTheMixedInboxThroughThePipeline() throws Exception {
        dir = Files.createTempDirectory("pipeline-it");
        // files above 5 MiB (the smallest part S3 takes) go up in parts of 5 MiB
        app = new NimbusApp(dir).set("nimbus.s3.part-size-bytes", String.valueOf(5 << 20)).start();
        s3 = AwsClients.s3("http://127.0.0.1:" + app.s3Port, "us-east-1", "anonymous", true);
        Files.createDirectories(app.inbox());

        app.context().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSentEvent sent
                        && sent.getEndpoint().getEndpointUri().contains("multiPartUpload=true")) {
                    multipartKeys.add(sent.getExchange().getMessage().getHeader("CamelAwsS3Key", String.class));
                }
            }
        });
        Thread inboxWatch = watchInboxRemovals();
        Thread grower = growFileSlowly(app.inbox().resolve("growing.csv"));
        String orders = Files.readString(SAMPLES.resolve("orders.csv"));
        drop("orders.csv", orders);
        drop("orders-copy.csv", orders);
        drop("broken.csv", "id,name,amount\n1,ada,10\n2,bob\n3,cy,30\n");
        for (String sample : List.of("customers.json", "catalog.xml", "report.pdf", "logo.png", "chime.wav")) {
            drop(sample, Files.readAllBytes(SAMPLES.resolve(sample)));
        }
        drop("measurements.csv", bigCsv());
        grower.join();
        keyByName.put("growing.csv", sha256(Files.readAllBytes(app.inbox().resolve("growing.csv"))));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<String, LedgerEntry> ledger = ledgerOnDisk();
            return keyByName.values().stream().distinct().allMatch(k -> ledger.containsKey(k)
                    && ledger.get(k).status().isFinal())
                    && ledger.values().stream().anyMatch(e -> e.status() == ItemStatus.DUPLICATE);
        });
        inboxWatch.interrupt();
        inboxWatch.join();
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theLedgerRecordsEveryItemWithItsFinalStatus() throws Exception {
        Map<String, LedgerEntry> ledger = ledgerOnDisk();
        for (String name : List.of("customers.json", "catalog.xml", "report.pdf", "logo.png", "chime.wav",
                "growing.csv")) {
            assertThat(ledger.get(keyByName.get(name)).status()).as(name).isEqualTo(ItemStatus.DONE);
        }
        assertThat(ledger.get(keyByName.get("orders.csv")).status()).isEqualTo(ItemStatus.DONE);
        LedgerEntry broken = ledger.get(keyByName.get("broken.csv"));
        assertThat(broken.status()).isEqualTo(ItemStatus.QUARANTINED);
        assertThat(broken.detail()).contains("line 3", "expected 3 fields", "found 2");
        assertThat(ledger.get(keyByName.get("report.pdf")).itemClass()).isEqualTo("unstructured");
        assertThat(ledger.get(keyByName.get("customers.json")).itemClass()).isEqualTo("semi-structured");
        assertThat(ledger.get(keyByName.get("orders.csv")).itemClass()).isEqualTo("structured");
        assertThat(ledger.get(keyByName.get("logo.png")).mediaType()).isEqualTo("image/png");
        assertThat(ledger.get(keyByName.get("chime.wav")).mediaType()).startsWith("audio/");
        assertThat(ledger.values()).filteredOn(e -> e.status() == ItemStatus.DONE)
                .allMatch(e -> e.s3Key().startsWith("raw/" + e.itemClass() + "/"));
    }

    @Test
    void theSameContentUnderAnotherNameIsSkippedAsADuplicate() throws Exception {
        Map<String, LedgerEntry> ledger = ledgerOnDisk();
        List<LedgerEntry> duplicates = ledger.values().stream()
                .filter(e -> e.status() == ItemStatus.DUPLICATE).toList();
        assertThat(duplicates).hasSize(1);
        LedgerEntry duplicate = duplicates.get(0);
        String original = ledger.get(keyByName.get("orders.csv")).name();
        assertThat(duplicate.name()).isIn("orders.csv", "orders-copy.csv").isNotEqualTo(original);
        assertThat(duplicate.detail()).contains("same content as " + original);
        // recorded before it is moved
        Path moved = dir.resolve("duplicates").resolve(duplicate.name());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(moved));
        // one Parquet object for the two names
        assertThat(keys("parquet/orders/")).hasSize(1);
    }

    @Test
    void theMalformedFileIsQuarantinedWithItsReason() throws Exception {
        Path quarantined = dir.resolve("quarantine/broken.csv");
        assertThat(quarantined).hasContent("id,name,amount\n1,ada,10\n2,bob\n3,cy,30\n");
        assertThat(dir.resolve("quarantine/broken.csv.reason.txt")).content()
                .contains("reason: malformed CSV, line 3: expected 3 fields as in the header, found 2");
        assertThat(keys("parquet/broken/")).isEmpty();
        assertThat(keys("raw/")).noneMatch(k -> k.endsWith("/broken.csv"));
    }

    @Test
    void csvBecomesParquetWithTypedColumnsAndTheRightRowCount() throws Exception {
        List<String> parquet = keys("parquet/");
        assertThat(parquet).hasSize(3).allMatch(k -> k.matches(
                "parquet/(orders|growing|measurements)/ingest_date=\\d{4}-\\d{2}-\\d{2}/\\d{8}T\\d{6}Z-[0-9a-f]{6}-\\d+\\.parquet"));

        Path orders = download(keys("parquet/orders/").get(0));
        assertThat(ParquetFiles.rowCount(orders)).isEqualTo(5);
        MessageType schema = ParquetFiles.schema(orders);
        assertThat(schema.getType("order_id").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT64);
        assertThat(schema.getType("amount").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(2, 6));
        assertThat(schema.getType("paid").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.BOOLEAN);
        assertThat(schema.getType("order_date").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.dateType());
        assertThat(schema.getType("shipped_at").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("customer").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.stringType());
        assertThat(ParquetFiles.rows(orders)).extracting(r -> r.get("customer"))
                .containsExactly("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov");

        Path growing = download(keys("parquet/growing/").get(0));
        assertThat(ParquetFiles.rowCount(growing)).isEqualTo(10);
    }

    @Test
    void aFileLargerThanThePartSizeGoesUpInPartsAndArrivesWhole() throws Exception {
        String key = keyByName.get("measurements.csv");
        String rawKey = keys("raw/structured/").stream().filter(k -> k.endsWith("/" + key + "/measurements.csv"))
                .findFirst().orElseThrow();
        byte[] uploaded = s3.getObjectAsBytes(b -> b.bucket("nimbus-data").key(rawKey)).asByteArray();
        assertThat(uploaded).hasSize(bigCsv().length);
        assertThat(sha256(uploaded)).isEqualTo(key);
        assertThat(multipartKeys).containsExactly(rawKey);
        try (Connection db = DriverManager.getConnection(app.jdbcUrl(), "sa", "");
                ResultSet rs = db.createStatement().executeQuery("SELECT count(*), sum(reading) FROM measurements")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS_OF_BIG_CSV);
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("9000000.000");
        }
    }

    private static final int ROWS_OF_BIG_CSV = 300_000;
    private static byte[] bigCsv;

    /** 300,000 rows, about 11 MiB: three parts. */
    private static synchronized byte[] bigCsv() {
        if (bigCsv != null) {
            return bigCsv;
        }
        StringBuilder csv = new StringBuilder("sensor,reading,taken_at\n");
        for (int i = 0; i < ROWS_OF_BIG_CSV; i++) {
            csv.append("sensor-").append(i % 97).append(',').append(30).append('.').append("000").append(',')
                    .append("2026-11-25T10:").append(String.format("%02d:%02d", (i / 60) % 60, i % 60)).append('\n');
        }
        bigCsv = csv.toString().getBytes(StandardCharsets.UTF_8);
        return bigCsv;
    }

    @Test
    void everyItemHasItsRawObjectAndAMetadataObject() throws Exception {
        for (String name : List.of("orders.csv", "customers.json", "catalog.xml", "report.pdf", "logo.png",
                "chime.wav", "growing.csv")) {
            String key = keyByName.get(name);
            assertThat(keys("raw/")).as(name).anyMatch(k -> k.endsWith("/" + key + "/" + name)
                    || k.contains("/" + key + "/"));
            assertThat(keys("metadata/" + key + ".json")).as(name).hasSize(1);
        }
        JsonNode json = metadata("customers.json");
        assertThat(json.path("records").asInt()).isEqualTo(3);
        assertThat(json.path("keys").toString()).contains("id", "name", "email", "country", "since");
        JsonNode xml = metadata("catalog.xml");
        assertThat(xml.path("rootElement").asText()).isEqualTo("catalog");
        assertThat(xml.path("records").asInt()).isEqualTo(4);
        JsonNode pdf = metadata("report.pdf");
        assertThat(pdf.path("tika").path("dc:title").asText()).isEqualTo("Monthly report");
        JsonNode png = metadata("logo.png");
        assertThat(png.path("tika").path("tiff:ImageWidth").asText()).isEqualTo("64");
        JsonNode csv = metadata("orders.csv");
        assertThat(csv.path("records").asInt()).isEqualTo(5);
        assertThat(csv.path("columns").size()).isEqualTo(8);
    }

    @Test
    void signalAndCompleteFollowTheirSchemas() throws Exception {
        List<String> archived = keys("archive/signals/");
        List<String> signals = archived.stream().filter(k -> k.endsWith(".SIGNAL")).toList();
        assertThat(signals).isNotEmpty();
        assertThat(archived.stream().filter(k -> k.endsWith(".COMPLETE")).count()).isEqualTo(signals.size());
        assertThat(keys("signals/")).as("signals/ holds batches in flight only").isEmpty();
        int items = 0;
        for (String key : archived) {
            String document = text(key);
            String schema = key.endsWith(".SIGNAL") ? "signal.schema.json" : "complete.schema.json";
            assertThat(JsonSchemas.validate(schema, document)).as(key).isEmpty();
            if (key.endsWith(".SIGNAL")) {
                items += JSON.readTree(document).path("items").size();
            } else {
                assertThat(JSON.readTree(document).path("status").asText()).isEqualTo("SUCCEEDED");
            }
        }
        // the quarantined and the duplicate files are in no manifest
        assertThat(items).isEqualTo(8);
    }

    @Test
    void theLoaderFilledTheTablesWithTypedRows() throws Exception {
        try (Connection db = DriverManager.getConnection(app.jdbcUrl(), "sa", "");
                Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT * FROM orders ORDER BY order_id")) {
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, String> types = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    types.put(meta.getColumnName(c).toLowerCase(), meta.getColumnTypeName(c));
                }
                assertThat(types).containsEntry("order_id", "BIGINT").containsEntry("amount", "DECIMAL")
                        .containsEntry("paid", "BOOLEAN").containsEntry("order_date", "DATE")
                        .containsEntry("shipped_at", "TIMESTAMP");
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong("order_id") + "|" + rs.getString("customer") + "|"
                            + rs.getBigDecimal("amount") + "|" + rs.getBoolean("paid") + "|"
                            + rs.getObject("order_date", java.time.LocalDate.class) + "|"
                            + rs.getObject("shipped_at", java.time.LocalDateTime.class) + "|"
                            + rs.getString("note"));
                }
                assertThat(rows).containsExactly(
                        "1001|Ada Lovelace|129.90|true|2026-11-02|2026-11-03T09:15|gift wrap",
                        "1002|Alan Turing|15.00|false|2026-11-02|null|null",
                        "1003|Grace Hopper|2499.99|true|2026-11-05|2026-11-06T17:40:12|fragile, handle with care",
                        "1004|Edsger Dijkstra|42.50|true|2026-11-07|2026-11-08T08:00|null",
                        "1005|Barbara Liskov|7.25|false|2026-11-09|null|caf\u00e9 \u2615 order");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM growing")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(10);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM nimbus_loads")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(keys("archive/signals/").size() / 2);
            }
        }
    }

    @Test
    void theMilestoneEmailsArrive() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Mailbox.Mail> mails = Mailbox.read(app.imapPort, "data-team@nimbus.local");
            List<String> subjects = mails.stream().map(Mailbox.Mail::subject).toList();
            assertThat(subjects).anyMatch(s -> s.matches("\\[NimbusVerse] Batch \\S+ converted: \\d+ items, 1 "
                    + "quarantined"));
            assertThat(subjects).contains("[NimbusVerse] Quarantined: broken.csv");
            assertThat(subjects).filteredOn(s -> s.endsWith("completed: SUCCEEDED"))
                    .hasSize(keys("archive/signals/").size() / 2);
            assertThat(mails).allMatch(m -> m.to().equals(List.of("data-team@nimbus.local")));
            assertThat(mails).extracting(Mailbox.Mail::contentType)
                    .allMatch(t -> t.startsWith("multipart/alternative"));
            assertThat(mails).allMatch(m -> !m.text().isEmpty() && m.html().contains("<h2"));
            List<Mailbox.Mail> completedMails = mails.stream()
                    .filter(m -> m.subject().endsWith("completed: SUCCEEDED")).toList();
            assertThat(completedMails).anyMatch(m -> m.text().contains("orders"));
            Mailbox.Mail completed = completedMails.stream().filter(m -> m.text().contains("orders")).findFirst()
                    .orElseThrow();
            assertThat(completed.text()).contains("SUCCEEDED", "DONE", "orders 5", "quarantined:", "broken.csv",
                    "parquet/orders/");
        });
    }

    @Test
    void eachBatchIsSignalledOnKafkaInOrder() {
        Map<String, List<String>> byBatch = new LinkedHashMap<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + app.kafkaPort);
        props.put("group.id", "pipeline-it-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("nimbus.signals"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    JsonNode signal = JSON.readTree(record.value());
                    assertThat(record.key()).isEqualTo(signal.path("batchId").asText());
                    byBatch.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(signal.path("type").asText());
                }
                return byBatch.size() == keys("archive/signals/").size() / 2
                        && byBatch.values().stream().allMatch(types -> types.size() == 4);
            });
        }
        assertThat(byBatch.values()).allMatch(types -> types.equals(
                List.of("START_UPLOAD", "CLOUD_UPLOAD", "UPLOADED", "COMPLETED")));
    }

    @Test
    void theInboxLosesAFileOnlyOnceItIsSafe() throws Exception {
        try (Stream<Path> left = Files.list(app.inbox())) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList()).isEmpty();
        }
        assertThat(unsafeRemovals).isEmpty();
        assertThat(growingClaimedEarly).as("a file still being written is never taken").isEmpty();
        assertThat(dir.resolve("work/items")).isEmptyDirectory();
    }

    @Test
    void metricsAndHealthAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges_total", "routeId=\"convert-batch\"",
                "jvm_memory_used_bytes");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
    }

    // ---- helpers ----

    private void drop(String name, String content) throws Exception {
        drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes under a hidden name, then renames: the way to drop a file into a watched folder. */
    private void drop(String name, byte[] content) throws Exception {
        Path hidden = app.inbox().resolve("." + name + ".tmp");
        Files.write(hidden, content);
        Files.move(hidden, app.inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        keyByName.put(name, sha256(content));
    }

    /** Appends a line every 300 ms; meanwhile no ledger row may name the file. */
    private Thread growFileSlowly(Path file) {
        Thread thread = new Thread(() -> {
            try {
                Files.writeString(file, "id,label\n");
                for (int i = 1; i <= 10; i++) {
                    Thread.sleep(300);
                    Files.writeString(file, i + ",line " + i + "\n", java.nio.file.StandardOpenOption.APPEND);
                    if (ledgerOnDisk().values().stream().anyMatch(e -> e.name().equals("growing.csv"))) {
                        growingClaimedEarly.add("claimed after line " + i);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "grow-file");
        thread.start();
        return thread;
    }

    /** Every file that leaves the inbox must be in S3 by then, or quarantined, or a duplicate. */
    private Thread watchInboxRemovals() {
        Thread thread = new Thread(() -> {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            while (!Thread.currentThread().isInterrupted()) {
                try (Stream<Path> files = Files.list(app.inbox())) {
                    Set<String> now = files.map(p -> p.getFileName().toString())
                            .filter(n -> !n.startsWith(".")).collect(Collectors.toSet());
                    for (String gone : seen) {
                        if (!now.contains(gone)) {
                            checkSafe(gone);
                        }
                    }
                    seen.clear();
                    seen.addAll(now);
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    unsafeRemovals.add("cannot list the inbox: " + e);
                }
            }
        }, "inbox-watch");
        thread.start();
        return thread;
    }

    private void checkSafe(String name) {
        try {
            String key = keyByName.get(name);
            Map<String, LedgerEntry> ledger = ledgerOnDisk();
            boolean duplicate = ledger.values().stream()
                    .anyMatch(e -> e.status() == ItemStatus.DUPLICATE && e.name().equals(name));
            LedgerEntry entry = key == null ? null : ledger.get(key);
            boolean safe = duplicate || (entry != null && (entry.status() == ItemStatus.QUARANTINED
                    || (entry.status().reached(ItemStatus.UPLOADED)
                            && !keys(entry.s3Key()).isEmpty())));
            if (!safe) {
                unsafeRemovals.add(name + " left the inbox while " + (entry == null ? "unknown" : entry.status()));
            }
        } catch (Exception e) {
            unsafeRemovals.add(name + ": " + e);
        }
    }

    /** The latest row of each key, read from the ledger file itself. */
    private Map<String, LedgerEntry> ledgerOnDisk() throws IOException {
        Path file = dir.resolve("ledger/report.csv");
        Map<String, LedgerEntry> latest = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return latest;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            LedgerRows.parse(line).ifPresent(e -> latest.put(e.key(), e));
        }
        return latest;
    }

    private List<String> keys(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket("nimbus-data").prefix(prefix)).contents().stream()
                .map(S3Object::key).filter(k -> !k.endsWith("/")).toList();
    }

    private String text(String key) {
        ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket("nimbus-data").key(key));
        return bytes.asUtf8String();
    }

    private Path download(String key) throws IOException {
        Path file = Files.createTempFile(dir, "download-", ".parquet");
        Files.write(file, s3.getObjectAsBytes(b -> b.bucket("nimbus-data").key(key)).asByteArray());
        return file;
    }

    private JsonNode metadata(String name) throws IOException {
        return JSON.readTree(text("metadata/" + keyByName.get(name) + ".json"));
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
