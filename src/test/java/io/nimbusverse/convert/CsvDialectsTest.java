package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.ParquetFiles;
import io.nimbusverse.datasets.CsvDialect;
import io.nimbusverse.datasets.SchemaPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV as users have it: any of the usual delimiters, quotes and escapes, no header, legacy encodings, null tokens. */
class CsvDialectsTest {

    @TempDir
    Path dir;
    private final CsvToParquet converter = new CsvToParquet(20_000, Set.of(), "SNAPPY", 8 << 20, 1 << 20,
            Limits.DEFAULTS);

    private static CsvDialect dialect(Character delimiter, char quote, char escape, boolean header,
            List<String> columns, Charset encoding, Set<String> nullValues, boolean quotedEmptyIsNull) {
        return new CsvDialect(delimiter, quote, escape, header, columns, encoding, nullValues, quotedEmptyIsNull);
    }

    private CsvToParquet.Result convert(String name, byte[] content, CsvDialect dialect, Map<String, String> renames)
            throws Exception {
        Path in = Files.write(dir.resolve(name), content);
        return converter.convert(in, dir.resolve(name + ".parquet"), new CsvToParquet.Reading(dialect, renames,
                SchemaPolicy.DEFAULT, List.of(), null, null));
    }

    private List<Map<String, Object>> rows(String name) throws Exception {
        return ParquetFiles.rows(dir.resolve(name + ".parquet"));
    }

    @Test
    void theDelimiterIsSniffedAmongCommaSemicolonTabAndPipeFromTheFirstLines() throws Exception {
        // the first line holds more commas than semicolons, but only the semicolon is used evenly on every line
        String semicolons = "name;note;amount\nAda;\"one, two, three\";1,5\nAlan;x;2\nGrace;\"a,b\";3\n";
        CsvToParquet.Result result = convert("semi.csv", semicolons.getBytes(StandardCharsets.UTF_8),
                CsvDialect.DEFAULT, Map.of());
        assertThat(result.delimiter()).isEqualTo(';');
        assertThat(rows("semi.csv")).extracting(r -> r.get("note")).containsExactly("one, two, three", "x", "a,b");
        assertThat(rows("semi.csv")).extracting(r -> r.get("amount")).as("a decimal comma is text, never a number")
                .containsExactly("1,5", "2", "3");

        assertThat(convert("tabs.tsv", "a\tb\n1\t2\n".getBytes(StandardCharsets.UTF_8), CsvDialect.DEFAULT, Map.of())
                .delimiter()).isEqualTo('\t');
        assertThat(convert("pipes.txt", "a|b|c\n1|2|3\n".getBytes(StandardCharsets.UTF_8), CsvDialect.DEFAULT,
                Map.of()).delimiter()).isEqualTo('|');
        // given, it is not sniffed: a semicolon file read with commas is one column
        CsvToParquet.Result given = convert("given.csv", "a;b\n1;2\n".getBytes(StandardCharsets.UTF_8),
                dialect(',', '"', '"', true, List.of(), null, null, false), Map.of());
        assertThat(given.columns()).extracting(CsvColumn::name).containsExactly("a_b");
    }

    @Test
    void anotherQuoteAndABackslashEscapeAreRead() throws Exception {
        String text = "id|text\n1|'it\\'s | here'\n2|'line\\\\one\nline two'\n3|''\n";
        convert("quotes.csv", text.getBytes(StandardCharsets.UTF_8),
                dialect('|', '\'', '\\', true, List.of(), null, null, false), Map.of());
        assertThat(rows("quotes.csv")).extracting(r -> r.get("text"))
                .containsExactly("it's | here", "line\\one\nline two", "");
    }

    @Test
    void aFileWithoutHeaderTakesTheGivenNamesAndGivenNamesReplaceAHeader() throws Exception {
        convert("noheader.csv", "1,Ada\n2,Alan\n".getBytes(StandardCharsets.UTF_8),
                dialect(null, '"', '"', false, List.of("id", "Full Name"), null, null, false), Map.of());
        assertThat(rows("noheader.csv")).hasSize(2).first()
                .isEqualTo(Map.of("id", 1L, "full_name", "Ada"));

        CsvToParquet.Result replaced = convert("replaced.csv", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8),
                dialect(null, '"', '"', true, List.of("left", "right"), null, null, false), Map.of());
        assertThat(replaced.columns()).extracting(CsvColumn::name).containsExactly("left", "right");
        assertThat(replaced.rows()).isEqualTo(1);
        assertThatThrownBy(() -> convert("short.csv", "x,y,z\n1,2,3\n".getBytes(StandardCharsets.UTF_8),
                dialect(null, '"', '"', true, List.of("left", "right"), null, null, false), Map.of()))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("line 1");
    }

    @Test
    void headersAreRenamedAsGivenAndOtherwiseMadeSafeWithTheRenameReported() throws Exception {
        CsvToParquet.Result result = convert("contacts.csv",
                "Contact Phone Number,name,Name\n555,a,b\n".getBytes(StandardCharsets.UTF_8), CsvDialect.DEFAULT,
                Map.of("name", "first_name"));
        assertThat(result.columns()).extracting(c -> c.header() + "->" + c.name())
                .containsExactly("Contact Phone Number->contact_phone_number", "name->first_name", "Name->name");
    }

    @Test
    void encodingsAreDetectedByByteOrderMarkOrUtf8ValidityOrGiven() throws Exception {
        String text = "city,price\nZürich,12\nSão Paulo,5\nŁódź,7\n";
        byte[] utf8Bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, text.getBytes(StandardCharsets.UTF_8));
        byte[] utf16le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
        byte[] utf16be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, text.getBytes(StandardCharsets.UTF_16BE));
        for (Map.Entry<String, byte[]> file : Map.of("bom.csv", utf8Bom, "le.csv", utf16le, "be.csv", utf16be,
                "plain.csv", text.getBytes(StandardCharsets.UTF_8)).entrySet()) {
            CsvToParquet.Result result = convert(file.getKey(), file.getValue(), CsvDialect.DEFAULT, Map.of());
            assertThat(result.columns()).as(file.getKey()).extracting(CsvColumn::name).containsExactly("city", "price");
            assertThat(rows(file.getKey())).as(file.getKey()).extracting(r -> r.get("city"))
                    .containsExactly("Zürich", "São Paulo", "Łódź");
        }

        String latin = "city;note\nZürich;café\nGenève;crème brûlée\n";
        CsvToParquet.Result latin1 = convert("latin1.csv", latin.getBytes(StandardCharsets.ISO_8859_1),
                CsvDialect.DEFAULT, Map.of());
        assertThat(latin1.encoding()).as("not UTF-8: detected as windows-1252").isEqualTo(Encodings.WINDOWS_1252);
        assertThat(rows("latin1.csv")).extracting(r -> r.get("note")).containsExactly("café", "crème brûlée");

        String euros = "item,price\nbook,€12\nlamp,€30 – sale\n";
        convert("cp1252.csv", euros.getBytes(Encodings.WINDOWS_1252), CsvDialect.DEFAULT, Map.of());
        assertThat(rows("cp1252.csv")).extracting(r -> r.get("price")).containsExactly("€12", "€30 – sale");

        convert("given-latin1.csv", latin.getBytes(StandardCharsets.ISO_8859_1),
                dialect(';', '"', '"', true, List.of(), StandardCharsets.ISO_8859_1, null, false), Map.of());
        assertThat(rows("given-latin1.csv")).extracting(r -> r.get("city")).containsExactly("Zürich", "Genève");
    }

    @Test
    void aFileThatTurnsOutNotUtf8AfterAUtf8StartIsReadAgainAsWindows1252() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write("id,name\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 20_000; i++) {
            file.write((i + ",plain ascii\n").getBytes(StandardCharsets.US_ASCII));
        }
        file.write("20000,Müller\n".getBytes(StandardCharsets.ISO_8859_1));
        CsvToParquet.Result result = convert("late-latin.csv", file.toByteArray(), CsvDialect.DEFAULT, Map.of());
        assertThat(result.encoding()).isEqualTo(Encodings.WINDOWS_1252);
        assertThat(result.rows()).isEqualTo(20_001);
        assertThat(rows("late-latin.csv").get(20_000).get("name")).isEqualTo("Müller");
    }

    @Test
    void aQuotedEmptyFieldIsAnEmptyTextAndNullTokensAreNull() throws Exception {
        String text = "id,note,amount\n1,\"\",5\n2,,n/a\n3,NULL,7\n4,\"NULL\",8\n";
        convert("empties.csv", text.getBytes(StandardCharsets.UTF_8),
                dialect(null, '"', '"', true, List.of(), null, Set.of("NULL", "n/a"), false), Map.of());
        List<Map<String, Object>> rows = rows("empties.csv");
        assertThat(rows).extracting(r -> r.get("note")).containsExactly("", null, null, null);
        assertThat(rows).extracting(r -> r.containsKey("note")).as("an empty text is a value, not a null")
                .containsExactly(true, false, false, false);
        assertThat(rows).extracting(r -> r.get("amount")).as("n/a is null: the column stays a number")
                .containsExactly(5L, null, 7L, 8L);

        convert("empties-null.csv", "id,note\n1,\"\"\n2,x\n".getBytes(StandardCharsets.UTF_8),
                dialect(null, '"', '"', true, List.of(), null, null, true), Map.of());
        assertThat(rows("empties-null.csv")).extracting(r -> r.containsKey("note")).containsExactly(false, true);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
