package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.JsonSchemas;
import io.nimbusverse.cloud.S3Put;
import io.nimbusverse.cloud.Uploads;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.datasets.DatasetsDocTest;
import io.nimbusverse.loader.InMemoryS3;
import io.nimbusverse.loader.ParquetTableLoader;
import io.nimbusverse.loader.S3BatchObjects;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Manifest;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mariadb.jdbc.MariaDbDataSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Items converted by their dataset rules, uploaded and loaded by the shared loader into H2 and into MariaDB: the
 * table a rule names, exact DECIMAL(38,10) values, JSON records as rows, and one catalog row per item with its facts,
 * all in the batch's transaction.
 */
class DatasetLoadsIT {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String RULES = """
            rules:
              - id: ledger-lines
                match: {folder: "finance/**", file: "ledger-*.csv"}
                dataset: ledger_lines
                table: accounts_ledger
                partition: none
                csv: {delimiter: ";"}
                schema:
                  columns: {amount: "decimal(38,10)"}
              - id: events
                match: {file: "*.ndjson"}
                dataset: events
                format: json
              - id: sales
                match: {file: "sales-*.csv"}
                dataset: sales
                partition: {column: sold_on}
            """;
    private static final String MAX_38 = "9999999999999999999999999999.9999999999";

    @TempDir
    static Path serverDir;
    private static MariaDb mariaDb;
    private static InMemoryS3 s3;

    @BeforeAll
    static void start() throws Exception {
        mariaDb = MariaDb.start(serverDir);
        s3 = new InMemoryS3("bucket");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        mariaDb.close();
    }

    static Stream<String> databases() {
        return Stream.of("h2", "mariadb");
    }

    private static DataSource database(String kind) throws Exception {
        if (kind.equals("h2")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:loads" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
            return h2;
        }
        MariaDbDataSource maria = new MariaDbDataSource(mariaDb.createDatabase("loads" + System.nanoTime() % 100_000));
        maria.setUser("root");
        return maria;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void itemsTakenByRulesLoadIntoTheirTablesWithExactDecimalsAndACatalogRowEach(String kind, @TempDir Path dir)
            throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        List<BatchItem> items = new ArrayList<>();
        items.add(stage.convert("finance/2026/ledger-11.csv", "id;amount\n1;" + MAX_38 + "\n2;-0.0000000001\n3;0\n"
                + "4;-" + MAX_38 + "\n"));
        items.add(stage.convert("events.ndjson", "{\"id\": 1, \"user\": {\"name\": \"Ada\"}}\n{\"id\": 2}\n"));
        items.add(stage.convert("report.pdf", Files.readAllBytes(Path.of("samples/report.pdf"))));
        items.add(stage.convert("sales-11.csv", "id,sold_on\n1,2026-11-29\n2,2026-11-30\n3,2026-11-29\n"));
        Path plain = dir.resolve("plain.jpg");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 20,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg", plain.toFile());
        items.add(stage.convert("photo.jpg", MetadataExtractorTest.withExifDate(Files.readAllBytes(plain),
                "2024:05:06 07:08:09")));
        String batchId = "20261201T100000Z-" + (kind.equals("h2") ? "aaaaaa" : "bbbbbb");
        Signal signal = Signal.of(SignalType.CLOUD_UPLOAD, batchId, Instant.parse("2026-12-01T10:00:00Z"),
                items.size());
        for (S3Put put : new Uploads(64L << 20).plan(items, signal)) {
            s3.client().putObject(b -> b.bucket("bucket").key(put.key()), RequestBody.fromFile(put.file()));
        }
        String manifest = JSON.writeValueAsString(Manifest.of(signal, items));
        assertThat(JsonSchemas.validate("signal.schema.json", manifest)).isEmpty();
        assertThat(items.get(0).getParquet().key()).as("partition: none")
                .isEqualTo("parquet/ledger_lines/" + batchId + "-1.parquet");
        assertThat(items.get(3).getParquet().keys()).as("partition by a column: one object per day")
                .containsExactlyInAnyOrder("parquet/sales/sold_on=2026-11-29/" + batchId + "-3.parquet",
                        "parquet/sales/sold_on=2026-11-30/" + batchId + "-4.parquet");

        DataSource db = database(kind);
        Complete complete = new ParquetTableLoader(db, new S3BatchObjects(s3.client(), "bucket", dir.resolve("tmp")),
                JSON, 100).load(manifest);

        assertThat(complete.succeeded()).isTrue();
        assertThat(complete.tables()).containsExactly(new Complete.Table("ledger_lines", "accounts_ledger", 4),
                new Complete.Table("events", "events", 2), new Complete.Table("sales", "sales", 3));
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet column = meta.getColumns(c.getCatalog(), null, "accounts_ledger", "amount")) {
                assertThat(column.next()).isTrue();
                assertThat(column.getInt("COLUMN_SIZE")).isEqualTo(38);
                assertThat(column.getInt("DECIMAL_DIGITS")).isEqualTo(10);
            }
            List<BigDecimal> amounts = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT amount FROM accounts_ledger ORDER BY id")) {
                while (rs.next()) {
                    amounts.add(rs.getBigDecimal(1));
                }
            }
            assertThat(amounts).containsExactly(new BigDecimal(MAX_38), new BigDecimal("-0.0000000001"),
                    new BigDecimal("0E-10"), new BigDecimal("-" + MAX_38));
            try (ResultSet rs = st.executeQuery("SELECT user_name FROM events ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Ada");
            }
            List<String> catalog = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name, rule_id, dataset_name, table_name, rows_loaded, "
                    + "parquet_key, title, pages, batch_id FROM nimbus_catalog ORDER BY name")) {
                while (rs.next()) {
                    catalog.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|"
                            + rs.getString(4) + "|" + rs.getObject(5) + "|" + (rs.getString(6) != null) + "|"
                            + rs.getString(7) + "|" + rs.getObject(8) + "|" + rs.getString(9).equals(batchId));
                }
            }
            assertThat(catalog).containsExactly(
                    "events.ndjson|events|events|events|2|true|null|null|true",
                    "finance/2026/ledger-11.csv|ledger-lines|ledger_lines|accounts_ledger|4|true|null|null|true",
                    "photo.jpg|null|null|null|null|false|null|null|true",
                    "report.pdf|null|null|null|null|false|Monthly report|1|true",
                    "sales-11.csv|sales|sales|sales|3|true|null|null|true");
            try (ResultSet rs = st.executeQuery("SELECT width, height, taken_at FROM nimbus_catalog "
                    + "WHERE name = 'photo.jpg'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1) + "x" + rs.getLong(2) + " " + rs.getTimestamp(3).toLocalDateTime())
                        .isEqualTo("40x20 2024-05-06T07:08:09");
            }
            // "all PDFs with more than 0 pages ingested since the batch's day", as the README's example asks
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM nimbus_catalog WHERE media_type = "
                    + "'application/pdf' AND pages > 0 AND ingested_at >= '2026-12-01'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            // the README's example queries run as written
            for (String query : DatasetsDocTest.block("### The catalog", "sql").split(";")) {
                String sql = query.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
                if (!sql.isBlank()) {
                    try (ResultSet rs = st.executeQuery(sql)) {
                        assertThat(rs.getMetaData().getColumnCount()).as(sql).isPositive();
                    }
                }
            }
        }
    }
}
