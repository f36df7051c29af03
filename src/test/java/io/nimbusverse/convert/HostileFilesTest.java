package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ParquetFiles;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.signal.BatchItem;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files users really drop, through the convert stage at the heap of a small machine (Surefire runs with -Xmx512m):
 * each one converts, or is refused with a reason that is permanent and names the limit to raise. Nothing is an
 * OutOfMemoryError, a stack overflow or a plain IOException that would be retried for ever.
 */
class HostileFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ItemConverter converter(Limits limits) {
        return new ItemConverter(new MediaTypes(List.of("text/csv", "text/tab-separated-values"),
                List.of("application/json", "application/xml", "text/xml")),
                new CsvToParquet(20_000, Set.of(), "SNAPPY", 64L << 20, 1 << 20, limits),
                new MetadataExtractor(limits), JSON, new DatasetRules(null).open(),
                new DatasetSchemas(dir.resolve("datasets"), JSON), limits, dir.resolve("quarantine"));
    }

    private ItemConverter converter;

    @BeforeEach
    void defaultConverter() {
        converter = converter(Limits.DEFAULTS);
    }

    /** An item staged as the intake stages it: {@code <dir>/<name>/content/<name>}. */
    private BatchItem staged(String name, byte[] content) throws IOException {
        Path file = dir.resolve("item-" + Math.abs(name.hashCode())).resolve("content").resolve("file");
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return item(name, file);
    }

    private static BatchItem item(String name, Path file) throws IOException {
        BatchItem item = new BatchItem();
        item.setKey("k" + Math.abs(name.hashCode()));
        item.setSha256(item.getKey());
        item.setName(name);
        item.setSource("file");
        item.setSize(Files.size(file));
        item.setStagedPath(file.toString());
        return item;
    }

    private Map<String, Object> metadataOf(BatchItem item) throws IOException {
        return JSON.readValue(Path.of(item.getMetadataPath()).toFile(), new TypeReference<>() { });
    }

    @Test
    void aZeroByteFileIsAnItemWithoutRowsWhateverItsName() throws Exception {
        for (String name : List.of("empty.csv", "empty.json", "empty")) {
            BatchItem item = converter.convert(staged(name, new byte[0]));
            assertThat(item.getParquet()).as(name).isNull();
            assertThat(metadataOf(item)).as(name).containsEntry("empty", true).containsEntry("size", 0);
        }
    }

    @Test
    void aPdfWithACorruptBodyIsPermanent() throws Exception {
        byte[] pdf = ("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nstream\n" + "\u0000".repeat(500)
                + "\nxref\n0 7\ntrailer << /Root 1 0 R /Size 999999 >>\nstartxref\n99999999\n%%EOF")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertPermanent(staged("report.pdf", pdf), "unreadable");
    }

    @Test
    void aCorruptGzipIsPermanent() throws Exception {
        byte[] gzip = new byte[4096];
        new Random(7).nextBytes(gzip);
        gzip[0] = 0x1f;
        gzip[1] = (byte) 0x8b;
        gzip[2] = 8;
        assertPermanent(staged("logs.gz", gzip), "");
    }

    @Test
    void aCorruptZipDocumentIsPermanent() throws Exception {
        byte[] docx = new byte[8192];
        new Random(3).nextBytes(docx);
        docx[0] = 'P';
        docx[1] = 'K';
        docx[2] = 3;
        docx[3] = 4;
        assertPermanent(staged("minutes.docx", docx), "");
    }

    @Test
    void jsonNestedDeeperThanTheLimitNamesTheLimit() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertLimit(staged("deep.json", deep.getBytes(StandardCharsets.US_ASCII)), Limits.MAX_NESTING_DEPTH);
    }

    @Test
    void xmlNestedDeeperThanTheLimitNamesTheLimit() throws Exception {
        String deep = "<a>".repeat(100_000) + "</a>".repeat(100_000);
        assertLimit(staged("deep.xml", deep.getBytes(StandardCharsets.US_ASCII)), Limits.MAX_NESTING_DEPTH);
    }

    @Test
    void aLongJsonValueIsSkippedAsAStreamButALongKeyNamesTheLimit() throws Exception {
        Limits small = new Limits(1 << 20, 100, 100, 1 << 20);
        byte[] longValue = ("{\"note\": \"" + "x".repeat(8 << 20) + "\"}").getBytes(StandardCharsets.US_ASCII);
        BatchItem item = converter(small).convert(staged("long-value.json", longValue));
        assertThat(metadataOf(item)).containsEntry("records", 1).containsEntry("keys", List.of("note"));
        byte[] longKey = ("{\"" + "k".repeat(2 << 20) + "\": 1}").getBytes(StandardCharsets.US_ASCII);
        assertLimit(converter(small), staged("long-key.json", longKey), Limits.MAX_RECORD_BYTES);
    }

    @Test
    void aFiftyMegabyteLineIsRefusedByTheRecordLimitNotByMemory() throws Exception {
        Path file = dir.resolve("one-line.csv");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write("id,text\n1,".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "abcdefghij".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 500; i++) {
                out.write(chunk);
            }
            out.write('\n');
        }
        assertLimit(item("one-line.csv", file), Limits.MAX_RECORD_BYTES);
    }

    @Test
    void aCsvWithoutAnyLineEndWithinTheLimitIsRefusedTooAndSoIsAnUnclosedQuote() throws Exception {
        Limits small = new Limits(64 * 1024, 100, 100, 1 << 20);
        byte[] noEnd = ("a,b\n1,\"" + "y".repeat(200_000)).getBytes(StandardCharsets.US_ASCII);
        assertLimit(converter(small), staged("unclosed.csv", noEnd), Limits.MAX_RECORD_BYTES);
    }

    @Test
    void fiveThousandColumnsConvertWithinTheHeap() throws Exception {
        Path file = wideCsv(5_000, 2_000);
        BatchItem item = converter.convert(item("wide.csv", file));
        assertThat(item.getParquet().rows()).isEqualTo(2_000);
        MessageType schema = ParquetFiles.schema(Path.of(item.getParquet().path()));
        assertThat(schema.getFieldCount()).isEqualTo(5_000);
        assertThat(ParquetFiles.rowCount(Path.of(item.getParquet().path()))).isEqualTo(2_000);
    }

    @Test
    void moreColumnsThanTheLimitNameTheLimit() throws Exception {
        Path file = wideCsv(300, 3);
        assertLimit(converter(new Limits(1 << 20, 200, 100, 1 << 20)), item("too-wide.csv", file),
                Limits.MAX_COLUMNS);
        byte[] fieldsOnly = ("a\n" + ",".repeat(1_000_000) + "\n").getBytes(StandardCharsets.US_ASCII);
        assertLimit(staged("commas.csv", fieldsOnly), Limits.MAX_COLUMNS);
    }

    @Test
    void aDocumentThatExpandsBeyondTheLimitNamesTheLimit() throws Exception {
        // about 3 MB of text in a zip of about 1 MB: under Tika's zip-bomb ratio, over a 1 MB limit
        Path file = docx(dir.resolve("minutes.docx"), 60_000);
        assertThat(Files.size(file)).isLessThan(1_500_000);
        BatchItem item = item("minutes.docx", file);
        assertLimit(converter(new Limits(1 << 20, 100, 100, 1 << 20)), item, Limits.MAX_EXPANDED_BYTES);
        BatchItem same = item("minutes.docx", file);
        converter.convert(same);
        assertThat(metadataOf(same).get("mediaType")).asString().contains("wordprocessingml");
    }

    @Test
    void aGzipIsDescribedWithoutExpandingIt() throws Exception {
        Path file = dir.resolve("zeros.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                out.write(zeros);
            }
        }
        BatchItem item = converter(new Limits(1 << 20, 100, 100, 1 << 20)).convert(item("zeros.gz", file));
        assertThat(metadataOf(item)).containsEntry("mediaType", "application/gzip");
    }

    @Test
    void aMissingStagedCopyIsTheOutsideWorldAndIsRetriedNotQuarantined() throws Exception {
        BatchItem item = item("gone.csv", Files.writeString(dir.resolve("gone.csv"), "a\n1\n"));
        Files.delete(Path.of(item.getStagedPath()));
        assertThatThrownBy(() -> converter.convert(item)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void outsideWorldFailuresAreToldFromContentFailures() {
        assertThat(ContentFailures.isOutsideWorld(new IOException("No space left on device"))).isTrue();
        assertThat(ContentFailures.isOutsideWorld(new IllegalStateException("writing Parquet failed",
                new IOException("No space left on device")))).isTrue();
        assertThat(ContentFailures.isOutsideWorld(new java.nio.file.AccessDeniedException("/data/work/x"))).isTrue();
        assertThat(ContentFailures.isOutsideWorld(new java.io.EOFException("Unexpected end of ZLIB input")))
                .isFalse();
        assertThat(ContentFailures.isOutsideWorld(new java.util.zip.ZipException("invalid stored block")))
                .isFalse();
        assertThat(ContentFailures.isOutsideWorld(new IOException("Missing root object specification"))).isFalse();
        assertThat(ContentFailures.reasonOf(new RuntimeException(null, new IOException("bad header"))))
                .isEqualTo("IOException: bad header");
    }

    private Path wideCsv(int columns, int rows) throws IOException {
        Path file = dir.resolve("wide-" + columns + ".csv");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == 0 ? "" : ",").append("column ").append(c);
            }
            out.write(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
            for (int r = 0; r < rows; r++) {
                line.setLength(0);
                for (int c = 0; c < columns; c++) {
                    line.append(c == 0 ? "" : ",").append(c % 3 == 0 ? "text " + (r % 7) : String.valueOf(r * c));
                }
                out.write(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
            }
        }
        return file;
    }

    private void assertPermanent(BatchItem item, String reason) {
        assertThatThrownBy(() -> converter.convert(item)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining(reason);
    }

    private void assertLimit(BatchItem item, String setting) {
        assertLimit(converter, item, setting);
    }

    private static void assertLimit(ItemConverter converter, BatchItem item, String setting) {
        assertThatThrownBy(() -> converter.convert(item)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining(setting);
    }

    /** A Word document of {@code paragraphs} paragraphs of words from a vocabulary of a thousand. */
    private static Path docx(Path file, int paragraphs) throws IOException {
        Random random = new Random(5);
        String[] words = new String[1_000];
        for (int i = 0; i < words.length; i++) {
            words[i] = Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 7);
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
                    + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("_rels/.rels"));
            zip.write(("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                    + "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write(("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                    + "<w:body>").getBytes(StandardCharsets.UTF_8));
            StringBuilder paragraph = new StringBuilder();
            for (int p = 0; p < paragraphs; p++) {
                paragraph.setLength(0);
                paragraph.append("<w:p><w:r><w:t>");
                for (int w = 0; w < 6; w++) {
                    paragraph.append(words[random.nextInt(words.length)]).append(' ');
                }
                paragraph.append("</w:t></w:r></w:p>");
                zip.write(paragraph.toString().getBytes(StandardCharsets.UTF_8));
            }
            zip.write("</w:body></w:document>".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
