package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A table with a column of every type MySQL users keep, filled with ordinary values, extremes and NULLs, which must
 * reach the loader's table unchanged: the type round trip, on MariaDB and on H2.
 */
public final class TypeRoundTrip {

    public static final String TABLE = "everything";

    private static final String MARIADB = """
            CREATE TABLE everything (
              id INT NOT NULL PRIMARY KEY,
              b_tiny1 TINYINT(1), b_bool BOOLEAN,
              n_small SMALLINT, n_int INT, n_int_unsigned INT UNSIGNED, n_big BIGINT, n_big_unsigned BIGINT UNSIGNED,
              d_money DECIMAL(12,4), d_wide DECIMAL(38,10), f_float FLOAT, f_double DOUBLE,
              t_date DATE, t_datetime DATETIME(6), t_timestamp TIMESTAMP(6) NULL, t_time TIME(6),
              s_char CHAR(3), s_varchar VARCHAR(100), s_text TEXT,
              x_blob BLOB, x_binary BINARY(4), x_varbinary VARBINARY(16),
              j_json JSON, e_enum ENUM('happy','sad')
            ) CHARACTER SET utf8mb4""";

    /** The same columns in H2's words: it has no UNSIGNED, TINYINT(1) or TEXT. */
    private static final String H2 = """
            CREATE TABLE everything (
              id INT NOT NULL PRIMARY KEY,
              b_tiny1 BOOLEAN, b_bool BOOLEAN,
              n_small SMALLINT, n_int INT, n_int_unsigned BIGINT, n_big BIGINT, n_big_unsigned NUMERIC(20,0),
              d_money DECIMAL(12,4), d_wide DECIMAL(38,10), f_float REAL, f_double DOUBLE PRECISION,
              t_date DATE, t_datetime TIMESTAMP(6), t_timestamp TIMESTAMP(6), t_time TIME(6),
              s_char CHAR(3), s_varchar VARCHAR(100), s_text CLOB,
              x_blob BLOB, x_binary BINARY(4), x_varbinary VARBINARY(16),
              j_json JSON, e_enum ENUM('happy','sad')
            )""";

    private static final List<List<Object>> ROWS = List.of(
            List.of(1, true, false, -32768, Integer.MIN_VALUE, 0L, Long.MIN_VALUE, BigDecimal.ZERO,
                    new BigDecimal("-99999999.9999"), new BigDecimal("1234567890123456789012345678.0123456789"),
                    0.1f, Math.PI, LocalDate.of(1000, 1, 1), LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1_000),
                    LocalDateTime.of(2038, 1, 19, 3, 14, 7, 999_999_000), LocalTime.MIDNIGHT, "abc",
                    "🚀 façade 日本語 ñ 😀", "long text ✓ ".repeat(500), new byte[] {0, (byte) 0xff, 0x10},
                    new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, new byte[0],
                    "{\"a\": [1, 2, {\"b\": null}], \"emoji\": \"😀\"}", "happy"),
            List.of(2, false, true, 32767, Integer.MAX_VALUE, 4294967295L, Long.MAX_VALUE,
                    new BigDecimal("18446744073709551615"), new BigDecimal("99999999.9999"),
                    new BigDecimal("-0.0000000001"), -1.5E38f, Double.MAX_VALUE, LocalDate.of(9999, 12, 31),
                    LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(1970, 1, 1, 0, 0, 1),
                    LocalTime.of(23, 59, 59, 999_999_000), "x", "", "short", new byte[0], new byte[4],
                    new byte[] {(byte) 0xff, (byte) 0xff}, "[]", "sad"));

    private TypeRoundTrip() {
    }

    /** Creates and fills the table: two rows of values, and a row of NULLs in every column but the key. */
    public static void fill(String url, String user, boolean h2) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement st = c.createStatement()) {
                st.execute(h2 ? H2 : MARIADB);
            }
            int columns = ROWS.get(0).size();
            String marks = String.join(", ", Collections.nCopies(columns - 2, "?"))
                    + (h2 ? ", ? FORMAT JSON, ?" : ", ?, ?");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO everything VALUES (" + marks + ")")) {
                for (List<Object> row : ROWS) {
                    for (int i = 0; i < columns; i++) {
                        insert.setObject(i + 1, row.get(i));
                    }
                    insert.executeUpdate();
                }
                insert.setInt(1, 3);
                for (int i = 2; i <= columns; i++) {
                    insert.setNull(i, java.sql.Types.NULL);
                }
                insert.executeUpdate();
            }
        }
    }

    /** Every value of the source table, read back from the loader's table, is the same. */
    public static void assertLoaded(String sourceUrl, String sourceUser, String targetUrl) throws SQLException {
        List<Map<String, Object>> source = SqlTables.rows(sourceUrl, sourceUser, "SELECT * FROM everything ORDER BY id");
        List<Map<String, Object>> target = SqlTables.rows(targetUrl, "sa", "SELECT * FROM everything ORDER BY id");
        assertThat(source).hasSize(3);
        assertThat(source.get(0).get("s_varchar")).as("the source holds the emoji").isEqualTo("🚀 façade 日本語 ñ 😀");
        assertThat(target).hasSize(3);
        for (int r = 0; r < source.size(); r++) {
            for (Map.Entry<String, Object> column : source.get(r).entrySet()) {
                assertThat(target.get(r).get(column.getKey()))
                        .as("row %d, column %s", r + 1, column.getKey()).isEqualTo(column.getValue());
            }
        }
        assertThat(target.get(2).entrySet()).filteredOn(e -> !e.getKey().equals("id")
                && !e.getKey().startsWith("_nimbus_")).as("the row of NULLs").allMatch(e -> e.getValue() == null);
        assertThat(target).as("each row's lineage").allSatisfy(row -> assertThat(row)
                .extractingByKeys("_nimbus_batch_id", "_nimbus_item_key", "_nimbus_loaded_at").doesNotContainNull());
    }

    /** The Parquet object of the table, read from S3, has the types the values mean. */
    public static void assertParquetTypes(S3Client s3, String bucket, Path dir, boolean h2) throws Exception {
        List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(bucket).prefix("parquet/everything/")).contents();
        assertThat(objects).hasSize(1);
        Path file = dir.resolve("everything.parquet");
        Files.deleteIfExists(file);
        s3.getObject(b -> b.bucket(bucket).key(objects.get(0).key()), ResponseTransformer.toFile(file));
        MessageType schema = ParquetFiles.schema(file);
        assertThat(ParquetFiles.rowCount(file)).isEqualTo(3);
        assertThat(schema.getType("b_bool").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.BOOLEAN);
        if (!h2) {
            assertThat(schema.getType("b_tiny1").asPrimitiveType().getPrimitiveTypeName())
                    .as("TINYINT(1) is MySQL's boolean").isEqualTo(PrimitiveTypeName.BOOLEAN);
        }
        assertThat(schema.getType("n_int").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT32);
        assertThat(schema.getType("n_int_unsigned").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT64);
        assertThat(schema.getType("n_big_unsigned").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(0, 20));
        assertThat(schema.getType("d_money").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(4, 12));
        assertThat(schema.getType("d_wide").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(10, 38));
        // beyond 18 digits, the fixed length the Parquet spec gives the precision: 16 bytes for 38, 9 for 20
        assertThat(schema.getType("d_wide").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
        assertThat(schema.getType("d_wide").asPrimitiveType().getTypeLength()).isEqualTo(16);
        assertThat(schema.getType("n_big_unsigned").asPrimitiveType().getTypeLength()).isEqualTo(9);
        // up to 18 digits the unscaled value in an INT64 (INT32 up to 9), as the Parquet spec prefers
        assertThat(schema.getType("d_money").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT64);
        assertThat(schema.getType("f_float").asPrimitiveType().getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.FLOAT);
        assertThat(schema.getType("f_double").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.DOUBLE);
        assertThat(schema.getType("t_date").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.dateType());
        assertThat(schema.getType("t_datetime").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        // a UTC-adjusted time, as parquet-avro wrote Avro's time-micros before: the value is the time of day
        assertThat(schema.getType("t_time").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timeType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        for (String text : Arrays.asList("s_char", "s_varchar", "s_text", "j_json", "e_enum")) {
            assertThat(schema.getType(text).getLogicalTypeAnnotation()).as(text)
                    .isEqualTo(LogicalTypeAnnotation.stringType());
        }
        for (String binary : Arrays.asList("x_blob", "x_binary", "x_varbinary")) {
            assertThat(schema.getType(binary).asPrimitiveType().getPrimitiveTypeName()).as(binary)
                    .isEqualTo(PrimitiveTypeName.BINARY);
            assertThat(schema.getType(binary).getLogicalTypeAnnotation()).as(binary).isNull();
        }
    }
}
