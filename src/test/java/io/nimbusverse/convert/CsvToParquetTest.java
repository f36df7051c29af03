package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.ParquetFiles;
import io.nimbusverse.datasets.CsvDialect;
import io.nimbusverse.datasets.SchemaPolicy;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import io.nimbusverse.loader.RowProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvToParquetTest {

    @TempDir
    Path dir;

    private final CsvToParquet converter = new CsvToParquet(1_000, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS);

    private Path csv(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aLongConversionTellsItsRowsAndHowMuchOfTheFileIsRead() throws Exception {
        StringBuilder text = new StringBuilder("id,name,amount\n");
        for (int i = 0; i < 300_000; i++) {
            text.append(i).append(",name ").append(i).append(',').append(i % 1000).append(".25\n");
        }
        Path in = csv("long.csv", text.toString());
        List<String> told = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        RowProgress recording = new RowProgress() {
            @Override
            public void started(String item) {
                told.add("started " + item);
            }

            @Override
            public void advanced(long done, double fraction) {
                rows.add(done);
                fractions.add(fraction);
            }

            @Override
            public void finished() {
                told.add("finished");
            }
        };
        CsvToParquet watched = new CsvToParquet(1_000, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS,
                recording);

        CsvToParquet.Result result = watched.convert(in, dir.resolve("long.parquet"));

        assertThat(result.rows()).isEqualTo(300_000);
        assertThat(told).containsExactly("started long.csv", "finished");
        assertThat(rows).hasSizeGreaterThan(2).isSorted().allSatisfy(r -> assertThat(r).isBetween(1L, 300_000L));
        assertThat(fractions).isSorted().allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0));
        assertThat(fractions.get(0)).isLessThan(0.9);
    }

    @Test
    void everyTypeIsInferredAndWrittenWithItsMeaning() throws Exception {
        Path in = csv("orders.csv", """
                Order ID,price,ratio,paid,day,created at,seen_utc,note,zip,empty
                1,12.50,1.5e3,true,2026-01-31,2026-01-31 10:15:30.123456,2026-01-31T10:15:30Z,"a, quoted ""note""\",00501,
                2,3.9,0.25,FALSE,2024-02-29,2026-02-01T00:00:00,2026-01-31T12:15:30+02:00,caf\u00e9 \ud83d\ude80,10001,
                -3,,-7,false,1970-01-01,1969-12-31 23:59:59,2026-01-01T00:00:00-01:00,"two
                lines",02134,
                """);
        Path out = dir.resolve("orders.parquet");

        CsvToParquet.Result result = converter.convert(in, out);

        assertThat(result.rows()).isEqualTo(3);
        assertThat(result.columns()).extracting(CsvColumn::name).containsExactly(
                "order_id", "price", "ratio", "paid", "day", "created_at", "seen_utc", "note", "zip", "empty");
        assertThat(result.columns()).extracting(CsvColumn::typeName).containsExactly(
                "long", "decimal(4,2)", "double", "boolean", "date", "timestamp", "timestamp_tz", "string", "string",
                "string");
        assertThat(result.columns()).extracting(CsvColumn::nullable).containsExactly(
                false, true, false, false, false, false, false, false, false, true);

        MessageType schema = ParquetFiles.schema(out);
        assertThat(primitive(schema, "order_id")).isEqualTo(PrimitiveTypeName.INT64);
        assertThat(schema.getType("price").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(2, 4));
        assertThat(primitive(schema, "price")).isEqualTo(PrimitiveTypeName.INT32);
        assertThat(primitive(schema, "ratio")).isEqualTo(PrimitiveTypeName.DOUBLE);
        assertThat(primitive(schema, "paid")).isEqualTo(PrimitiveTypeName.BOOLEAN);
        assertThat(schema.getType("day").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.dateType());
        assertThat(schema.getType("created_at").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("seen_utc").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        // a column is REQUIRED unless it holds nulls
        assertThat(schema.getFields()).filteredOn(f -> f.getRepetition() == Type.Repetition.OPTIONAL)
                .extracting(Type::getName).containsExactly("price", "empty");

        List<Map<String, Object>> rows = ParquetFiles.rows(out);
        assertThat(rows.get(0)).containsEntry("order_id", 1L).containsEntry("price", new BigDecimal("12.50"))
                .containsEntry("ratio", 1500.0).containsEntry("paid", true)
                .containsEntry("day", (int) LocalDate.of(2026, 1, 31).toEpochDay())
                .containsEntry("created_at", micros(LocalDateTime.of(2026, 1, 31, 10, 15, 30, 123_456_000)))
                .containsEntry("seen_utc", micros(LocalDateTime.of(2026, 1, 31, 10, 15, 30)))
                .containsEntry("note", "a, quoted \"note\"").containsEntry("zip", "00501")
                .doesNotContainKey("empty");
        assertThat(rows.get(1)).containsEntry("price", new BigDecimal("3.90")).containsEntry("paid", false)
                .containsEntry("day", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                .containsEntry("seen_utc", micros(LocalDateTime.of(2026, 1, 31, 10, 15, 30)))
                .containsEntry("note", "caf\u00e9 \ud83d\ude80");
        assertThat(rows.get(2)).containsEntry("order_id", -3L).doesNotContainKey("price")
                .containsEntry("ratio", -7.0)
                .containsEntry("created_at", micros(LocalDateTime.of(1969, 12, 31, 23, 59, 59)))
                .containsEntry("seen_utc", micros(LocalDateTime.of(2026, 1, 1, 1, 0, 0)))
                .containsEntry("note", "two\nlines");
    }

    @Test
    void aValueBeyondTheSampleWidensItsColumnInsteadOfFailing() throws Exception {
        CsvToParquet smallSample = new CsvToParquet(2, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS);
        Path in = csv("late.csv", "id,amount,when\n1,10,2026-01-01\n2,20,2026-01-02\n3,20.125,2026-01-03 08:00:00\n"
                + "4,123456,2026-01-04\n");
        Path out = dir.resolve("late.parquet");

        CsvToParquet.Result result = smallSample.convert(in, out);

        assertThat(result.columns()).extracting(CsvColumn::typeName)
                .containsExactly("long", "decimal(9,3)", "timestamp");
        assertThat(ParquetFiles.rows(out)).extracting(r -> r.get("amount"))
                .containsExactly(new BigDecimal("10.000"), new BigDecimal("20.000"), new BigDecimal("20.125"),
                        new BigDecimal("123456.000"));
        // up to 9 digits a decimal is an INT32, as the Parquet spec asks
        assertThat(primitive(ParquetFiles.schema(out), "amount")).isEqualTo(PrimitiveTypeName.INT32);
        assertThat(ParquetFiles.rowCount(out)).isEqualTo(4);
    }

    @Test
    void aNullBeyondTheSampleMakesItsColumnNullable() throws Exception {
        CsvToParquet smallSample = new CsvToParquet(2, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS);
        Path in = csv("late-null.csv", "id,name\n1,a\n2,b\n3,\n4,d\n");
        Path out = dir.resolve("late-null.parquet");

        CsvToParquet.Result result = smallSample.convert(in, out);

        assertThat(result.columns()).extracting(CsvColumn::nullable).containsExactly(false, true);
        assertThat(ParquetFiles.schema(out).getType("name").getRepetition()).isEqualTo(Type.Repetition.OPTIONAL);
        assertThat(ParquetFiles.rows(out)).extracting(r -> r.get("name")).containsExactly("a", "b", null, "d");
    }

    @Test
    void aRecordWithTheWrongNumberOfFieldsMakesTheFileMalformed() throws Exception {
        Path in = csv("broken.csv", "a,b,c\n1,2,3\n4,5\n");
        Path out = dir.resolve("broken.parquet");
        assertThatThrownBy(() -> converter.convert(in, out))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("line 3").hasMessageContaining("expected 3 fields").hasMessageContaining("found 2");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMalformedRecordBeyondTheSampleIsFoundWhileWriting() throws Exception {
        CsvToParquet smallSample = new CsvToParquet(1, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS);
        Path in = csv("late-broken.csv", "a,b\n1,2\n3,4\n5,6,7\n");
        Path out = dir.resolve("late-broken.parquet");
        assertThatThrownBy(() -> smallSample.convert(in, out))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("line 4");
        assertThat(out).doesNotExist();
    }

    @Test
    void bytesThatAreNotUtf8AreMalformedWhenTheRuleSaysUtf8() throws Exception {
        Path in = dir.resolve("binary.csv");
        Files.write(in, new byte[] {'a', ',', 'b', '\n', (byte) 0xC3, (byte) 0x28, ',', '1', '\n'});
        CsvDialect utf8 = new CsvDialect(null, '"', '"', true, List.of(), StandardCharsets.UTF_8, null, false);
        assertThatThrownBy(() -> converter.convert(in, dir.resolve("binary.parquet"),
                new CsvToParquet.Reading(utf8, Map.of(), SchemaPolicy.DEFAULT, List.of(), null, null)))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("not UTF-8");
        // detected, the same bytes are windows-1252 text: nothing is lost, nothing refused
        CsvToParquet.Result detected = converter.convert(in, dir.resolve("detected.parquet"));
        assertThat(detected.encoding()).isEqualTo(Encodings.WINDOWS_1252);
        assertThat(ParquetFiles.rows(dir.resolve("detected.parquet"))).extracting(r -> r.get("a"))
                .containsExactly("\u00c3(");
    }

    @Test
    void anEmptyFileIsMalformedAndAHeaderOnlyFileHasNoRows() throws Exception {
        assertThatThrownBy(() -> converter.convert(csv("empty.csv", ""), dir.resolve("empty.parquet")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("empty");

        CsvToParquet.Result headerOnly = converter.convert(csv("h.csv", "x,y\n"), dir.resolve("h.parquet"));
        assertThat(headerOnly.rows()).isZero();
        assertThat(headerOnly.columns()).extracting(CsvColumn::typeName).containsExactly("string", "string");
        assertThat(ParquetFiles.rowCount(dir.resolve("h.parquet"))).isZero();
    }

    @Test
    void theDelimiterIsSniffedAndNullTokensAreConfigurable() throws Exception {
        CsvToParquet withNullToken = new CsvToParquet(100, Set.of("NULL"), "ZSTD", 8 << 20, 1 << 20, Limits.DEFAULTS);
        Path in = csv("semi.csv", "name;score\nada;NULL\nbob;7\n");
        CsvToParquet.Result result = withNullToken.convert(in, dir.resolve("semi.parquet"));
        assertThat(result.delimiter()).isEqualTo(';');
        assertThat(result.columns()).extracting(CsvColumn::typeName).containsExactly("string", "long");
        assertThat(ParquetFiles.rows(dir.resolve("semi.parquet"))).extracting(r -> r.get("score"))
                .containsExactly(null, 7L);
    }

    @Test
    void headersBecomeSafeUniqueColumnNames() {
        assertThat(CsvColumn.safeNames(List.of("Order ID", "order-id", "", "2nd", "Ünit €"))).containsExactly(
                "order_id", "order_id_2", "column_3", "c_2nd", "nit");
    }

    private static PrimitiveTypeName primitive(MessageType schema, String name) {
        return schema.getType(name).asPrimitiveType().getPrimitiveTypeName();
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }
}
