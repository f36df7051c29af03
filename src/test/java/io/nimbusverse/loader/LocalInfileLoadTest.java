package io.nimbusverse.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.signal.Complete;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Rows into MariaDB by LOAD DATA LOCAL INFILE (a real MariaDB 10.11): every Parquet type the loader knows, nulls, the
 * text escapes and arbitrary bytes arrive as batched INSERTs leave them, and a row the table refuses, which the
 * server takes as a mere warning on a LOCAL load, sets its item aside like an INSERT's error does.
 */
class LocalInfileLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final MessageType EVERY_TYPE = MessageTypeParser.parseMessageType("""
            message every_type {
              required int64 id;
              optional int32 small;
              optional int64 big;
              optional int32 d9 (DECIMAL(9,2));
              optional int64 d18 (DECIMAL(18,4));
              optional fixed_len_byte_array(16) d38 (DECIMAL(38,10));
              optional double dbl;
              optional float flt;
              optional boolean flag;
              optional int32 day (DATE);
              optional int32 t_millis (TIME(MILLIS,true));
              optional int64 t_micros (TIME(MICROS,true));
              optional int64 ts_millis (TIMESTAMP(MILLIS,true));
              optional int64 ts_micros (TIMESTAMP(MICROS,true));
              optional int64 ts_nanos (TIMESTAMP(NANOS,true));
              optional binary txt (STRING);
              optional binary raw;
            }""");
    private static final String NASTY = "tab\there, line\nbreak, cr\rback\\slash \\N \\t, nul\0, quotes ' \" `, "
            + "é 日本 🎉";
    private static final byte[] RAW = {0, 9, 10, 13, 92, (byte) 255, (byte) 128, 39, 'N'};
    private static final int MANY = 20_000;

    private static MariaDb server;

    @TempDir
    Path dir;
    private MariaDbDataSource db;

    @BeforeAll
    static void startServer(@TempDir Path serverDir) throws Exception {
        server = MariaDb.start(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void newDatabase() throws Exception {
        db = new MariaDbDataSource(server.createDatabase("load" + System.nanoTime() % 1_000_000));
        db.setUser("root");
    }

    @Test
    void everyTypeArrivesAsBatchedInsertsLeaveIt() throws Exception {
        write(dir.resolve("parquet/every.parquet"), everyTypeRows(), CompressionCodecName.SNAPPY);
        long loadsBefore = comLoad();
        Complete bulk = loader().load(manifest("20261201T000000Z-b0b0b0", item("k-every", "every_bulk",
                "parquet/every.parquet")));
        assertThat(comLoad()).as("one LOAD DATA for the item").isEqualTo(loadsBefore + 1);

        Complete inserted;
        execute("SET GLOBAL local_infile = 0");
        try {
            inserted = loader().load(manifest("20261201T000000Z-c0c0c0", item("k-every2", "every_inserted",
                    "parquet/every.parquet")));
        } finally {
            execute("SET GLOBAL local_infile = 1");
        }
        assertThat(comLoad()).as("a server that refuses LOCAL loads gets INSERTs").isEqualTo(loadsBefore + 1);

        assertThat(bulk.succeeded()).isTrue();
        assertThat(bulk.tables()).singleElement().satisfies(t -> assertThat(t.rows()).isEqualTo(MANY + 3));
        assertThat(inserted.tables()).singleElement().satisfies(t -> assertThat(t.rows()).isEqualTo(MANY + 3));
        List<String> bulkRows = rows("SELECT * FROM every_bulk ORDER BY id");
        assertThat(bulkRows).hasSize(MANY + 3).isEqualTo(rows("SELECT * FROM every_inserted ORDER BY id"));

        // and as the Parquet has them
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM every_bulk WHERE id IN (1, 2, 3) ORDER BY id")) {
            rs.next();
            assertThat(rs.getString("txt")).isEqualTo(NASTY);
            assertThat(rs.getBytes("raw")).isEqualTo(RAW);
            assertThat(rs.getBigDecimal("d38")).isEqualByComparingTo("-1234567890123456789012345678.0123456789");
            assertThat(rs.getBigDecimal("d9")).isEqualByComparingTo("-0.05");
            assertThat(rs.getObject("ts_micros", LocalDateTime.class))
                    .isEqualTo(LocalDateTime.of(2026, 12, 1, 19, 30, 15, 123_456_000));
            assertThat(rs.getObject("ts_nanos", LocalDateTime.class))
                    .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 500_000_000));
            assertThat(rs.getDouble("flt")).isEqualTo((double) 0.1f);
            assertThat(rs.getString("_nimbus_batch_id")).isEqualTo("20261201T000000Z-b0b0b0");
            assertThat(rs.getString("_nimbus_item_key")).isEqualTo("k-every");
            assertThat(rs.getTimestamp("_nimbus_loaded_at")).isNotNull();
            rs.next();
            for (int column = 2; column <= EVERY_TYPE.getFieldCount(); column++) {
                assertThat(rs.getObject(column)).as(EVERY_TYPE.getFieldName(column - 1)).isNull();
            }
            rs.next();
            assertThat(rs.getString("txt")).as("an empty text is not a null").isEmpty();
            assertThat(rs.getBytes("raw")).isEmpty();
            assertThat(rs.getLong("big")).isEqualTo(Long.MIN_VALUE);
            assertThat(rs.getInt("small")).isEqualTo(Integer.MIN_VALUE);
            assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(1900, 1, 1));
        }
    }

    @Test
    void aServerThatTakesBackslashesLiterallyInItsSqlLoadsTheSameText() throws Exception {
        write(dir.resolve("parquet/every.parquet"), everyTypeRows(), CompressionCodecName.SNAPPY);
        String key = "orders:id:'a\\b'..'z'";
        execute("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES,ANSI_QUOTES')");
        Complete complete;
        try {
            complete = loader().load(manifest("20261201T000000Z-f0f0f0", item(key, "every", "parquet/every.parquet")));
        } finally {
            execute("SET GLOBAL sql_mode = REPLACE(REPLACE(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES', ''), "
                    + "',ANSI_QUOTES', '')");
        }

        assertThat(complete.notLoaded()).isEmpty();
        assertThat(rows("SELECT txt FROM every WHERE id = 1")).containsExactly(NASTY);
        assertThat(rows("SELECT CONCAT(_nimbus_item_key, '') AS item_key FROM every WHERE id = 1"))
                .containsExactly(key);
    }

    @Test
    void rowsTheTableRefusesSetTheirItemAsideAndTheRestOfTheBatchLoads() throws Exception {
        execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(3))");
        write(dir.resolve("parquet/twice.parquet"), List.of(account(1, "ada"), account(2, "bob"), account(1, "cy")),
                CompressionCodecName.UNCOMPRESSED);
        write(dir.resolve("parquet/long.parquet"), List.of(account(7, "a name too long for its column")),
                CompressionCodecName.UNCOMPRESSED);
        write(dir.resolve("parquet/fine.parquet"), List.of(account(3, "dee")), CompressionCodecName.UNCOMPRESSED);

        Complete complete = loader().load(manifest("20261201T000000Z-d0d0d0",
                item("k-twice", "accounts", "parquet/twice.parquet"),
                item("k-long", "accounts", "parquet/long.parquet"),
                item("k-fine", "accounts", "parquet/fine.parquet")));

        assertThat(complete.succeeded()).isTrue();
        assertThat(complete.notLoaded()).extracting(Complete.NotLoaded::key).containsExactly("k-twice", "k-long");
        assertThat(complete.notLoaded().get(0).reason()).contains("Duplicate entry '1'", "1 of 3 rows refused");
        assertThat(complete.notLoaded().get(1).reason()).contains("Data truncated for column 'name'");
        assertThat(rows("SELECT id, name FROM accounts")).containsExactly("3|dee");
    }

    @Test
    void booleansGoIntoTheBitColumnsOfATableMadeBeforehand() throws Exception {
        execute("CREATE TABLE flags (id BIGINT PRIMARY KEY, flag BIT(1), tiny TINYINT, text_flag VARCHAR(5))");
        MessageType schema = MessageTypeParser.parseMessageType(
                "message flags { required int64 id; optional boolean flag; optional boolean tiny; "
                        + "optional boolean text_flag; }");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        write(dir.resolve("parquet/flags.parquet"), List.of(
                groups.newGroup().append("id", 1L).append("flag", true).append("tiny", true).append("text_flag", true),
                groups.newGroup().append("id", 2L).append("flag", false).append("tiny", false)
                        .append("text_flag", false),
                groups.newGroup().append("id", 3L)), CompressionCodecName.UNCOMPRESSED);

        Complete complete = loader().load(manifest("20261201T000000Z-a0a0a0",
                item("k-flags", "flags", "parquet/flags.parquet")));

        assertThat(complete.notLoaded()).isEmpty();
        assertThat(rows("SELECT id, flag + 0, tiny, text_flag FROM flags ORDER BY id"))
                .containsExactly("1|1|1|1", "2|0|0|0", "3|null|null|null");
    }

    @Test
    void aParquetObjectThatBreaksMidwayIsSetAsideAndTheConnectionGoesOn() throws Exception {
        Path broken = dir.resolve("parquet/broken.parquet");
        write(broken, everyTypeRows(), CompressionCodecName.SNAPPY);
        long size = Files.size(broken);
        try (RandomAccessFile file = new RandomAccessFile(broken.toFile(), "rw")) {
            file.seek(size / 2);
            file.write(new byte[8192]);
        }
        write(dir.resolve("parquet/fine.parquet"), List.of(account(3, "dee")), CompressionCodecName.UNCOMPRESSED);

        Complete complete = loader().load(manifest("20261201T000000Z-e0e0e0",
                item("k-broken", "every", "parquet/broken.parquet"),
                item("k-fine", "accounts", "parquet/fine.parquet")));

        assertThat(complete.succeeded()).isTrue();
        assertThat(complete.notLoaded()).singleElement().satisfies(n -> {
            assertThat(n.key()).isEqualTo("k-broken");
            assertThat(n.reason()).startsWith("its Parquet object cannot be read");
        });
        assertThat(rows("SELECT count(*) FROM every")).containsExactly("0");
        assertThat(rows("SELECT id, name FROM accounts")).containsExactly("3|dee");
    }

    private ParquetTableLoader loader() {
        return new ParquetTableLoader(db, new LocalParquetObjects(dir), JSON, 1000);
    }

    private static List<Group> everyTypeRows() {
        SimpleGroupFactory groups = new SimpleGroupFactory(EVERY_TYPE);
        List<Group> rows = new ArrayList<>();
        rows.add(groups.newGroup().append("id", 1L).append("small", 42).append("big", 1L << 40)
                .append("d9", -5).append("d18", 123_456_789_012_345L)
                .append("d38", decimal16(new BigInteger("-12345678901234567890123456780123456789")))
                .append("dbl", 1e-300).append("flt", 0.1f).append("flag", true)
                .append("day", (int) LocalDate.of(2026, 12, 1).toEpochDay())
                .append("t_millis", 23 * 3_600_000 + 59 * 60_000 + 59_999)
                .append("t_micros", 12 * 3_600_000_000L + 1)
                .append("ts_millis", LocalDateTime.of(2026, 12, 1, 19, 30, 15).toInstant(ZoneOffset.UTC)
                        .toEpochMilli())
                .append("ts_micros", LocalDateTime.of(2026, 12, 1, 19, 30, 15).toEpochSecond(ZoneOffset.UTC)
                        * 1_000_000L + 123_456)
                .append("ts_nanos", -500_000_000L)
                .append("txt", NASTY).append("raw", Binary.fromConstantByteArray(RAW)));
        rows.add(groups.newGroup().append("id", 2L));
        rows.add(groups.newGroup().append("id", 3L).append("small", Integer.MIN_VALUE).append("big", Long.MIN_VALUE)
                .append("d9", 999_999_999).append("d18", -999_999_999_999_999_999L)
                .append("d38", decimal16(BigInteger.TEN.pow(37))).append("dbl", -0.0).append("flt", Float.MAX_VALUE)
                .append("flag", false).append("day", (int) LocalDate.of(1900, 1, 1).toEpochDay())
                .append("t_millis", 0).append("t_micros", 0L).append("ts_millis", 0L).append("ts_micros", 0L)
                .append("ts_nanos", 0L).append("txt", "").append("raw", Binary.fromConstantByteArray(new byte[0])));
        // enough rows, of growing length, for the text to be made a buffer at a time many times over
        for (int i = 4; i < MANY + 4; i++) {
            rows.add(groups.newGroup().append("id", (long) i).append("small", i).append("big", -i * 1_000_003L)
                    .append("d9", i * 7).append("d18", i * 10_001L).append("dbl", i / 3.0).append("flt", i / 7f)
                    .append("flag", i % 2 == 0).append("day", i).append("ts_micros", i * 1_000_001L)
                    .append("txt", "row " + i + " " + "\t\\".repeat(i % 50))
                    .append("raw", Binary.fromConstantByteArray(new byte[] {(byte) i, 0})));
        }
        return rows;
    }

    private static Binary decimal16(BigInteger unscaled) {
        byte[] bytes = unscaled.toByteArray();
        byte[] padded = new byte[16];
        Arrays.fill(padded, unscaled.signum() < 0 ? (byte) -1 : 0);
        System.arraycopy(bytes, 0, padded, 16 - bytes.length, bytes.length);
        return Binary.fromConstantByteArray(padded);
    }

    private static Group account(long id, String name) {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message accounts { required int64 id; optional binary name (STRING); }");
        return new SimpleGroupFactory(schema).newGroup().append("id", id).append("name", name);
    }

    private static void write(Path file, List<Group> rows, CompressionCodecName codec) throws Exception {
        Files.createDirectories(file.getParent());
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withType((MessageType) rows.get(0).getType())
                .withCompressionCodec(codec).withRowGroupSize(256 * 1024L).build()) {
            for (Group row : rows) {
                writer.write(row);
            }
        }
    }

    private static ObjectNode item(String key, String table, String parquetKey) {
        ObjectNode item = JSON.createObjectNode().put("key", key).put("source", "file").put("name", key + ".csv")
                .put("class", "structured");
        item.putObject("parquet").put("dataset", table).put("key", parquetKey);
        return item;
    }

    private static String manifest(String batchId, ObjectNode... items) throws Exception {
        ObjectNode manifest = JSON.createObjectNode().put("batchId", batchId).put("createdAt", "2026-12-01T00:00:00Z");
        ArrayNode list = manifest.putArray("items");
        for (ObjectNode item : items) {
            list.add(item);
        }
        return JSON.writeValueAsString(manifest);
    }

    private long comLoad() throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_load'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Every row, the lineage columns left out (each load has its own), values as text and bytes as hex. */
    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    if (rs.getMetaData().getColumnName(i).startsWith("_nimbus_")) {
                        continue;
                    }
                    Object value = rs.getObject(i);
                    values.add(value instanceof byte[] b ? "0x" + new BigInteger(1, b).toString(16) + "/" + b.length
                            : String.valueOf(value));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
