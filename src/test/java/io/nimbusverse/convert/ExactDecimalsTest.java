package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.nimbusverse.ParquetFiles;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbers of a CSV keep every digit: up to 38 as Parquet DECIMAL, beyond as text, never as a double. */
class ExactDecimalsTest {

    @TempDir
    Path dir;

    private static final String MAX_38 = "9999999999999999999999999999.9999999999";

    private CsvToParquet.Result convert(String csv, int sample) throws Exception {
        Path in = Files.writeString(dir.resolve("numbers.csv"), csv);
        return new CsvToParquet(sample, Set.of(), "SNAPPY", 8 << 20, 1 << 20, Limits.DEFAULTS)
                .convert(in, dir.resolve("numbers.parquet"));
    }

    @Test
    void decimalsAtTheEdgesKeepEveryDigit() throws Exception {
        String csv = "wide,scale0,small,neg\n"
                + MAX_38 + ",12345678901234567890123456789012345678,0.5,-" + MAX_38 + "\n"
                + "-0.0000000001,-12345678901234567890123456789012345678,-1.25,0\n"
                + "1,0,3,-1234567890.1234567890\n";
        CsvToParquet.Result result = convert(csv, 20_000);

        assertThat(result.columns()).extracting(CsvColumn::typeName)
                .containsExactly("decimal(38,10)", "decimal(38,0)", "decimal(3,2)", "decimal(38,10)");
        MessageType schema = ParquetFiles.schema(dir.resolve("numbers.parquet"));
        for (String wide : List.of("wide", "scale0", "neg")) {
            PrimitiveType type = schema.getType(wide).asPrimitiveType();
            assertThat(type.getPrimitiveTypeName()).as(wide).isEqualTo(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
            assertThat(type.getTypeLength()).as("38 digits take 16 bytes").isEqualTo(16);
        }
        assertThat(schema.getType("wide").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(10, 38));
        assertThat(schema.getType("small").asPrimitiveType().getPrimitiveTypeName())
                .isEqualTo(PrimitiveTypeName.INT32);

        var rows = ParquetFiles.rows(dir.resolve("numbers.parquet"));
        assertThat(rows).extracting(r -> r.get("wide")).containsExactly(new BigDecimal(MAX_38),
                new BigDecimal("-0.0000000001"), new BigDecimal("1.0000000000"));
        assertThat(rows).extracting(r -> r.get("scale0")).containsExactly(
                new BigDecimal("12345678901234567890123456789012345678"),
                new BigDecimal("-12345678901234567890123456789012345678"), BigDecimal.ZERO);
        assertThat(rows).extracting(r -> r.get("neg")).containsExactly(new BigDecimal("-" + MAX_38),
                new BigDecimal("0E-10"), new BigDecimal("-1234567890.1234567890"));
    }

    @Test
    void aLongColumnMeetingAWideValueLaterWidensToAWideDecimalAndMoreThan38DigitsIsText() throws Exception {
        CsvToParquet.Result widened = convert("n\n1\n2\n123456789012345678901234.5\n", 2);
        assertThat(widened.columns()).extracting(CsvColumn::typeName).containsExactly("decimal(25,1)");
        assertThat(ParquetFiles.rows(dir.resolve("numbers.parquet"))).extracting(r -> r.get("n"))
                .containsExactly(new BigDecimal("1.0"), new BigDecimal("2.0"),
                        new BigDecimal("123456789012345678901234.5"));

        String digits39 = "1" + "0".repeat(38);
        CsvToParquet.Result text = convert("n\n1.5\n" + digits39 + "\n", 20_000);
        assertThat(text.columns()).extracting(CsvColumn::typeName).as("never a double").containsExactly("string");
        assertThat(ParquetFiles.rows(dir.resolve("numbers.parquet"))).extracting(r -> r.get("n"))
                .containsExactly("1.5", digits39);
    }
}
