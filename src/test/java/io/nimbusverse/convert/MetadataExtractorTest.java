package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataExtractorTest {

    @TempDir
    Path dir;
    private final MetadataExtractor extractor = new MetadataExtractor(Limits.DEFAULTS);

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void aJsonArrayCountsItsElementsAndCollectsTheirKeys() throws Exception {
        Map<String, Object> d = extractor.describeJson(Path.of("samples/customers.json"));
        assertThat(d).containsEntry("format", "json").containsEntry("records", 3L);
        assertThat(d.get("keys")).isEqualTo(List.of("id", "name", "email", "country", "tags", "since"));
    }

    @Test
    void anObjectIsOneRecordAndJsonLinesAreManyDocuments() throws Exception {
        assertThat(extractor.describeJson(file("one.json", "{\"a\": {\"deep\": 1}, \"b\": [1, 2]}")))
                .containsEntry("records", 1L).containsEntry("keys", List.of("a", "b"));
        assertThat(extractor.describeJson(file("lines.json", "{\"x\":1}\n{\"y\":2}\n{\"x\":3}\n")))
                .containsEntry("format", "json-lines").containsEntry("records", 3L)
                .containsEntry("keys", List.of("x", "y"));
    }

    @Test
    void malformedJsonIsReportedWithItsLine() throws Exception {
        assertThatThrownBy(() -> extractor.describeJson(file("bad.json", "[\n{\"a\": 1},\n{\"a\": }\n]")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("malformed JSON at line 3");
        assertThatThrownBy(() -> extractor.describeJson(file("empty.json", "  ")))
                .isInstanceOf(MalformedFileException.class);
    }

    @Test
    void xmlGivesItsRootAndItsChildrenAsRecords() throws Exception {
        Map<String, Object> d = extractor.describeXml(Path.of("samples/catalog.xml"));
        assertThat(d).containsEntry("rootElement", "catalog").containsEntry("namespace", "urn:nimbusverse:samples")
                .containsEntry("records", 4L).containsEntry("recordElements", List.of("product", "bundle"));
    }

    @Test
    void malformedXmlIsReportedAndEntitiesAreNotResolved() throws Exception {
        assertThatThrownBy(() -> extractor.describeXml(file("bad.xml", "<a>\n<b></a>")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("malformed XML at line 2");
        Path xxe = file("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "\n<r>&e;</r>");
        assertThatThrownBy(() -> extractor.describeXml(xxe)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void tikaDescribesDocumentsImagesAndSound() throws Exception {
        assertThat(tika("report.pdf"))
                .containsEntry("dc:title", "Monthly report").containsEntry("xmpTPg:NPages", "1");
        assertThat(tika("logo.png"))
                .containsEntry("tiff:ImageWidth", "64").containsEntry("tiff:ImageLength", "32");
        assertThat(tika("chime.wav"))
                .containsEntry("xmpDM:audioSampleRate", "8000").containsEntry("channels", "1");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tika(String sample) throws Exception {
        return (Map<String, Object>) extractor.describeWithTika(Path.of("samples", sample), sample).get("tika");
    }

    @Test
    void aCorruptDocumentIsMalformed() throws Exception {
        Path pdf = dir.resolve("broken.pdf");
        Files.write(pdf, "%PDF-1.4\nthis is not a pdf body".getBytes());
        assertThatThrownBy(() -> extractor.describeWithTika(pdf, "broken.pdf"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("unreadable");
    }

    @Test
    void theSameBytesGiveTheSameDescriptionWhateverTheCopysNameAndTime() throws Exception {
        Path first = dir.resolve("first.jpg");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 20,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(image, "jpg", first.toFile());
        Path second = Files.copy(first, dir.resolve("second-copy"));
        Files.setLastModifiedTime(second, java.nio.file.attribute.FileTime.fromMillis(0));

        Map<String, Object> a = extractor.describeWithTika(first, "photo.jpg");
        Map<String, Object> b = extractor.describeWithTika(second, "photo.jpg");
        assertThat(a).isEqualTo(b);
        assertThat(a.get("tika").toString()).doesNotContain("File Modified Date", "File Name", "File Size")
                .contains("Image Width");
        assertThat(a.get("facts")).isEqualTo(Map.of("width", 40L, "height", 20L));
    }

    @Test
    void factsNameWhatACatalogIsQueriedBy() throws Exception {
        assertThat(extractor.describeWithTika(Path.of("samples/report.pdf"), "report.pdf").get("facts"))
                .isEqualTo(Map.of("title", "Monthly report", "author", "NimbusVerse samples", "pages", 1L));
        assertThat(extractor.describeWithTika(Path.of("samples/logo.png"), "logo.png").get("facts"))
                .isEqualTo(Map.of("width", 64L, "height", 32L));
        assertThat(extractor.describeWithTika(Path.of("samples/chime.wav"), "chime.wav").get("facts"))
                .isEqualTo(Map.of("durationSeconds", 0.5));
    }

    @Test
    void aPhotosExifDateIsAFact() throws Exception {
        Path plain = dir.resolve("plain.jpg");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 20,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg", plain.toFile());
        Path photo = Files.write(dir.resolve("photo.jpg"), withExifDate(Files.readAllBytes(plain),
                "2024:05:06 07:08:09"));
        assertThat(extractor.describeWithTika(photo, "photo.jpg").get("facts"))
                .isEqualTo(Map.of("width", 40L, "height", 20L, "takenAt", "2024-05-06T07:08:09"));
    }

    /** A JPEG with an APP1 Exif segment whose sub-IFD holds DateTimeOriginal, as a camera writes it. */
    static byte[] withExifDate(byte[] jpeg, String date) throws Exception {
        java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(64);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        // IFD0: one entry, the pointer to the Exif sub-IFD at offset 26
        tiff.putShort((short) 1).putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(26).putInt(0);
        // Exif sub-IFD: DateTimeOriginal, 20 ASCII characters at offset 44
        tiff.putShort((short) 1).putShort((short) 0x9003).putShort((short) 2).putInt(20).putInt(44).putInt(0);
        tiff.put((date + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1});
        int length = 2 + 6 + tiff.position();
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(tiff.array(), 0, tiff.position());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
