package io.nimbusverse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

import io.nimbusverse.convert.TypedParquetWriter;
import org.junit.jupiter.api.Test;

/** JDBC types as MariaDB Connector/J reports them, their Parquet types, and the values as the writer takes them. */
class SqlColumnTest {

    private static SqlColumn column(int jdbcType, String typeName, int precision, int scale, boolean signed) {
        return SqlColumn.of("c", "c", jdbcType, typeName, precision, scale, signed, true);
    }

    private static TypedParquetWriter.Field field(SqlColumn column) {
        TypedParquetWriter.Field field = column.parquetField(false);
        assertThat(field.nullable()).as("a column that may be NULL").isTrue();
        return field;
    }

    @Test
    void typesKeepTheirMeaning() {
        assertThat(column(Types.BOOLEAN, "BOOLEAN", 1, 0, true).kind()).isEqualTo(SqlColumn.Kind.BOOLEAN);
        assertThat(column(Types.BIT, "BIT", 1, 0, false).kind()).isEqualTo(SqlColumn.Kind.BOOLEAN);
        assertThat(column(Types.BIT, "BIT", 8, 0, false).kind()).as("BIT(8) is bits").isEqualTo(SqlColumn.Kind.BYTES);
        assertThat(column(Types.TINYINT, "TINYINT", 3, 0, true).kind()).isEqualTo(SqlColumn.Kind.INT);
        assertThat(column(Types.INTEGER, "INTEGER", 10, 0, true).kind()).isEqualTo(SqlColumn.Kind.INT);
        assertThat(column(Types.INTEGER, "INTEGER UNSIGNED", 10, 0, false).kind()).isEqualTo(SqlColumn.Kind.LONG);
        assertThat(column(Types.BIGINT, "BIGINT", 19, 0, true).kind()).isEqualTo(SqlColumn.Kind.LONG);
        assertThat(column(Types.REAL, "FLOAT", 12, 31, true).kind()).isEqualTo(SqlColumn.Kind.FLOAT);
        assertThat(column(Types.DOUBLE, "DOUBLE", 22, 31, true).kind()).isEqualTo(SqlColumn.Kind.DOUBLE);
        assertThat(column(Types.LONGVARCHAR, "JSON", 0, 0, true).kind()).isEqualTo(SqlColumn.Kind.STRING);
        assertThat(column(Types.CHAR, "CHAR", 1, 0, true).kind()).as("ENUM").isEqualTo(SqlColumn.Kind.STRING);
        assertThat(column(Types.VARBINARY, "BLOB", 65535, 0, true).kind()).isEqualTo(SqlColumn.Kind.BYTES);

        SqlColumn unsigned = column(Types.BIGINT, "BIGINT UNSIGNED", 20, 0, false);
        assertThat(field(unsigned)).extracting("kind", "precision", "scale")
                .containsExactly(TypedParquetWriter.Kind.DECIMAL, 20, 0);
        assertThat(unsigned.typeName()).isEqualTo("decimal(20,0)");
        SqlColumn money = column(Types.DECIMAL, "DECIMAL", 12, 4, true);
        assertThat(field(money)).extracting("kind", "precision", "scale")
                .containsExactly(TypedParquetWriter.Kind.DECIMAL, 12, 4);
        assertThat(field(column(Types.TIMESTAMP, "DATETIME", 26, 6, true)).kind())
                .isEqualTo(TypedParquetWriter.Kind.TIMESTAMP);
        assertThat(field(column(Types.TIME, "TIME", 17, 6, true)).kind()).isEqualTo(TypedParquetWriter.Kind.TIME);
        assertThat(field(column(Types.DATE, "DATE", 10, 0, true)).kind()).isEqualTo(TypedParquetWriter.Kind.DATE);
        assertThat(field(column(Types.INTEGER, "INTEGER", 10, 0, true)).kind())
                .isEqualTo(TypedParquetWriter.Kind.INT32);
        assertThat(field(column(Types.REAL, "FLOAT", 12, 31, true)).kind()).isEqualTo(TypedParquetWriter.Kind.FLOAT);
        assertThat(column(Types.DECIMAL, "DECIMAL", 65, 2, true).kind())
                .as("wider than Parquet's 38 digits: kept exactly, as text").isEqualTo(SqlColumn.Kind.STRING);
    }

    @Test
    void aNotNullColumnIsARequiredField() {
        SqlColumn id = SqlColumn.of("id", "id", Types.BIGINT, "BIGINT", 19, 0, true, false);
        assertThat(id.parquetField(false).nullable()).isFalse();
        assertThatThrownBy(() -> id.parquetValue(null)).isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("changed");
    }

    @Test
    void valuesAreConvertedExactly() throws Exception {
        // beyond 18 digits: a fixed-length two's complement, 9 bytes for 20 digits, 16 for 38
        SqlColumn unsigned = column(Types.BIGINT, "BIGINT UNSIGNED", 20, 0, false);
        byte[] max = (byte[]) unsigned.parquetValue(new BigInteger("18446744073709551615"));
        assertThat(max).hasSize(9);
        assertThat(new BigInteger(max)).isEqualTo(new BigInteger("18446744073709551615"));
        SqlColumn wide = column(Types.DECIMAL, "DECIMAL", 38, 10, true);
        byte[] negative = (byte[]) wide.parquetValue(new BigDecimal("-9999999999999999999999999999.9999999999"));
        assertThat(negative).hasSize(16);
        assertThat(new BigDecimal(new BigInteger(negative), 10))
                .isEqualTo(new BigDecimal("-9999999999999999999999999999.9999999999"));
        byte[] tiny = (byte[]) wide.parquetValue(new BigDecimal("-0.0000000001"));
        assertThat(new BigDecimal(new BigInteger(tiny), 10)).isEqualTo(new BigDecimal("-0.0000000001"));

        // up to 18 digits: the unscaled value
        SqlColumn money = column(Types.DECIMAL, "DECIMAL", 12, 4, true);
        assertThat(money.parquetValue(new BigDecimal("-12345678.1234"))).isEqualTo(-123456781234L);
        assertThat(column(Types.REAL, "FLOAT", 12, 31, true).parquetValue(0.1f)).as("a float widened exactly")
                .isEqualTo((double) 0.1f);
        assertThat(column(Types.INTEGER, "INTEGER", 10, 0, true).parquetValue(-7)).isEqualTo(-7L);

        assertThat(column(Types.TIMESTAMP, "DATETIME", 26, 6, true)
                .parquetValue(Timestamp.valueOf(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000))))
                .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L
                        + 123_456);
        assertThat(column(Types.DATE, "DATE", 10, 0, true).parquetValue(java.sql.Date.valueOf("2024-02-29")))
                .isEqualTo(LocalDate.of(2024, 2, 29).toEpochDay());
        assertThat(column(Types.TIME, "TIME", 17, 6, true).parquetValue("23:59:59.999999"))
                .isEqualTo(LocalTime.of(23, 59, 59, 999_999_000).toNanoOfDay() / 1_000);
        assertThat(column(Types.TIMESTAMP, "DATETIME", 26, 6, true)
                .parquetValue(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)))
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(java.time.ZoneOffset.UTC)
                        * 1_000_000L + 999_999);
        assertThat(column(Types.VARCHAR, "VARCHAR", 20, 0, true).parquetValue("🚀 façade"))
                .isEqualTo("🚀 façade".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(column(Types.BOOLEAN, "BOOLEAN", 1, 0, true).parquetValue(1)).isEqualTo(true);
        assertThat(column(Types.INTEGER, "INTEGER", 10, 0, true).parquetValue(null)).isNull();
    }

    @Test
    void aValueItsTypeCannotHoldIsABadValue() {
        // MySQL's TIME is a duration up to 838:59:59, read as its text
        SqlColumn time = column(Types.TIME, "TIME", 17, 6, true);
        assertThatThrownBy(() -> time.parquetValue("30:00:00"))
                .isInstanceOf(SqlColumn.BadValue.class).hasMessageContaining("beyond a time of day");
        assertThatThrownBy(() -> time.parquetValue("-02:00:00")).isInstanceOf(SqlColumn.BadValue.class);
        // a driver that hands it as java.sql.Time gives one day and six hours
        Time thirtyHours = new Time(Time.valueOf(LocalTime.of(6, 0)).getTime() + Duration.ofDays(1).toMillis());
        assertThatThrownBy(() -> time.parquetValue(thirtyHours)).isInstanceOf(SqlColumn.BadValue.class);
        assertThatThrownBy(() -> column(Types.TIMESTAMP, "DATETIME", 19, 0, true).parquetValue("0000-00-00 00:00:00"))
                .as("MySQL's zero date").isInstanceOf(SqlColumn.BadValue.class);
        assertThatThrownBy(() -> column(Types.DECIMAL, "DECIMAL", 5, 2, true).parquetValue(new BigDecimal("1234.5")))
                .isInstanceOf(SqlColumn.BadValue.class).hasMessageContaining("decimal(5,2)");
        assertThatThrownBy(() -> column(Types.DECIMAL, "DECIMAL", 5, 2, true).parquetValue(new BigDecimal("1.234")))
                .as("a value with more decimals than the column is not rounded").isInstanceOf(SqlColumn.BadValue.class);
        assertThatThrownBy(() -> column(Types.INTEGER, "INTEGER", 10, 0, true).parquetValue(1L << 40))
                .isInstanceOf(SqlColumn.BadValue.class).hasMessageContaining("column c");
    }
}
