package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nimbusverse.convert.TypedParquetWriter.Field;
import io.nimbusverse.convert.TypedParquetWriter.Kind;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed writer: every kind gets its Parquet type, every value and null reads back as it was written, over
 * several batches, with and without dictionaries, and with the statistics a reader relies on.
 */
class TypedParquetWriterTest {

    private static final int ROWS = 10_000;
    private static final BigInteger WIDE = new BigInteger("-12345678901234567890123456789012345678");

    @TempDir
    Path dir;

    private static List<Field> fields(boolean dictionary) {
        return List.of(
                new Field("flag", Kind.BOOLEAN, 0, 0, true, dictionary),
                new Field("small", Kind.INT32, 0, 0, true, dictionary),
                new Field("big", Kind.INT64, 0, 0, false, dictionary),
                new Field("price", Kind.DECIMAL, 9, 2, true, dictionary),
                new Field("amount", Kind.DECIMAL, 18, 4, true, dictionary),
                new Field("huge", Kind.DECIMAL, 38, 0, true, dictionary),
                new Field("ratio", Kind.FLOAT, 0, 0, true, dictionary),
                new Field("measure", Kind.DOUBLE, 0, 0, true, dictionary),
                new Field("day", Kind.DATE, 0, 0, true, dictionary),
                new Field("at", Kind.TIMESTAMP, 0, 0, true, dictionary),
                new Field("instant", Kind.INSTANT, 0, 0, true, dictionary),
                new Field("clock", Kind.TIME, 0, 0, true, dictionary),
                new Field("name", Kind.STRING, 0, 0, true, dictionary),
                new Field("blob", Kind.BYTES, 0, 0, true, dictionary));
    }

    private Path write(boolean dictionary) throws Exception {
        Path file = dir.resolve("typed-" + dictionary + ".parquet");
        try (TypedParquetWriter writer = new TypedParquetWriter(new LocalOutputFile(file), fields(dictionary),
                CompressionCodecName.SNAPPY, 1 << 20, 1 << 14, Map.of("written.by", "test"))) {
            for (int r = 0; r < ROWS; r++) {
                if (r % 7 == 3) {
                    for (int c = 0; c < 14; c++) {
                        if (c == 2) {
                            writer.set(c, (long) r);
                        } else {
                            writer.setNull(c);
                        }
                    }
                } else {
                    writer.set(0, r % 2 == 0);
                    writer.set(1, r % 100 - 50);
                    writer.set(2, (long) r);
                    writer.set(3, -r * 101L);
                    writer.set(4, r * 1_000_000_007L);
                    byte[] huge = new byte[Decimals.fixedBytes(38)];
                    Decimals.writeFixed(WIDE.add(BigInteger.valueOf(r)), huge.length, huge, 0);
                    writer.set(5, huge);
                    writer.set(6, (double) (r / 8f));
                    writer.set(7, r / 3.0);
                    writer.set(8, 19_000L + r % 10);
                    writer.set(9, 1_700_000_000_000_000L + r);
                    writer.set(10, -r * 1_000_000L);
                    writer.set(11, (r % 86_400) * 1_000_000L);
                    writer.set(12, ("name " + r % 20 + " é").getBytes(StandardCharsets.UTF_8));
                    writer.set(13, new byte[] {(byte) r, 0, (byte) 0xff});
                }
                writer.endRow();
            }
            assertThat(writer.finish()).isEqualTo(ROWS);
        }
        return file;
    }

    @Test
    void everyKindReadsBackAsItWasWrittenWithAndWithoutDictionaries() throws Exception {
        for (boolean dictionary : List.of(false, true)) {
            Path file = write(dictionary);
            List<Group> rows = new ArrayList<>();
            try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(new LocalInputFile(file)) {
                @Override
                protected ReadSupport<Group> getReadSupport() {
                    return new GroupReadSupport();
                }
            }.build()) {
                for (Group row = reader.read(); row != null; row = reader.read()) {
                    rows.add(row);
                }
            }
            assertThat(rows).hasSize(ROWS);
            for (int r = 0; r < ROWS; r++) {
                Group row = rows.get(r);
                assertThat(row.getLong("big", 0)).isEqualTo(r);
                if (r % 7 == 3) {
                    assertThat(row.getFieldRepetitionCount("name")).as("null").isZero();
                    assertThat(row.getFieldRepetitionCount("huge")).as("null").isZero();
                    continue;
                }
                assertThat(row.getBoolean("flag", 0)).isEqualTo(r % 2 == 0);
                assertThat(row.getInteger("small", 0)).isEqualTo(r % 100 - 50);
                assertThat(row.getInteger("price", 0)).isEqualTo(-r * 101);
                assertThat(row.getLong("amount", 0)).isEqualTo(r * 1_000_000_007L);
                assertThat(new BigInteger(row.getBinary("huge", 0).getBytes()))
                        .isEqualTo(WIDE.add(BigInteger.valueOf(r)));
                assertThat(row.getFloat("ratio", 0)).isEqualTo(r / 8f);
                assertThat(row.getDouble("measure", 0)).isEqualTo(r / 3.0);
                assertThat(row.getInteger("day", 0)).isEqualTo(19_000 + r % 10);
                assertThat(row.getLong("at", 0)).isEqualTo(1_700_000_000_000_000L + r);
                assertThat(row.getLong("instant", 0)).isEqualTo(-r * 1_000_000L);
                assertThat(row.getLong("clock", 0)).isEqualTo((r % 86_400) * 1_000_000L);
                assertThat(row.getString("name", 0)).isEqualTo("name " + r % 20 + " é");
                assertThat(row.getBinary("blob", 0).getBytes()).containsExactly((byte) r, 0, (byte) 0xff);
            }
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                ColumnChunkMetaData name = reader.getFooter().getBlocks().get(0).getColumns().get(12);
                assertThat(name.getEncodings().contains(Encoding.RLE_DICTIONARY)).as("dictionary")
                        .isEqualTo(dictionary);
                assertThat(name.getStatistics().getNumNulls()).isPositive();
                assertThat(reader.getFooter().getFileMetaData().getKeyValueMetaData())
                        .containsEntry("written.by", "test");
            }
        }
    }

    @Test
    void eachKindHasItsParquetType() {
        MessageType schema = TypedParquetWriter.schemaOf(fields(false));
        assertThat(schema.getType("big").isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED)).isTrue();
        assertThat(schema.getType("small").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT32);
        assertThat(schema.getType("price").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT32);
        assertThat(schema.getType("amount").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT64);
        assertThat(schema.getType("huge").asPrimitiveType().getTypeLength()).isEqualTo(16);
        assertThat(schema.getType("huge").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(0, 38));
        assertThat(schema.getType("ratio").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.FLOAT);
        assertThat(schema.getType("at").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("instant").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("clock").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timeType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("name").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
        assertThat(schema.getType("blob").getLogicalTypeAnnotation()).isNull();
    }

    @Test
    void aNullInANotNullColumnIsRefused() throws Exception {
        try (TypedParquetWriter writer = new TypedParquetWriter(new LocalOutputFile(dir.resolve("x.parquet")),
                fields(false), CompressionCodecName.UNCOMPRESSED, 1 << 20, 1 << 14, Map.of())) {
            assertThatThrownBy(() -> writer.setNull(2)).hasMessageContaining("big is NOT NULL");
        }
        assertThat(Files.exists(dir.resolve("x.parquet"))).isTrue();
    }
}
