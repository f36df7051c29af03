package io.nimbusverse.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaTypesTest {

    private final MediaTypes mediaTypes = new MediaTypes(List.of("text/csv", "text/tab-separated-values"),
            List.of("application/json", "application/xml", "text/xml"));

    @Test
    void theSamplesAreDetectedAndClassified() throws Exception {
        assertClass("orders.csv", "text/csv", MediaTypes.STRUCTURED);
        assertClass("customers.json", "application/json", MediaTypes.SEMI_STRUCTURED);
        assertClass("catalog.xml", "application/xml", MediaTypes.SEMI_STRUCTURED);
        assertClass("report.pdf", "application/pdf", MediaTypes.UNSTRUCTURED);
        assertClass("logo.png", "image/png", MediaTypes.UNSTRUCTURED);
        assertClass("chime.wav", "audio/vnd.wave", MediaTypes.UNSTRUCTURED);
    }

    @Test
    void theNameDecidesBetweenTextFormatsThatBytesCannotTellApart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "a,b\n1,2\n");
        assertThat(mediaTypes.detect(file, "data.csv")).isEqualTo("text/csv");
        assertThat(mediaTypes.detect(file, "data.txt")).isEqualTo("text/plain");
        assertThat(mediaTypes.classify("text/plain")).isEqualTo(MediaTypes.UNSTRUCTURED);
    }

    @Test
    void contentComesFirstAndOnlyTheExtensionOfTheNameIsAHint(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("a"), "id,name\n1,Ada\n2,Grace\n");
        assertThat(mediaTypes.detect(csv, "plus+and?hash#.csv")).isEqualTo("text/csv");
        assertThat(mediaTypes.detect(csv, "数据 (copy).csv")).isEqualTo("text/csv");
        assertThat(mediaTypes.detect(csv, "export")).isEqualTo("text/csv");
        assertThat(mediaTypes.detect(csv, "export.dat?v=2")).isEqualTo("text/csv");
        Path tsv = Files.writeString(dir.resolve("b"), "id\tname\n1\tAda\n");
        assertThat(mediaTypes.detect(tsv, "export")).isEqualTo("text/tab-separated-values");
        Path json = Files.writeString(dir.resolve("c"), "  [{\"id\": 1}]");
        assertThat(mediaTypes.detect(json, "response")).isEqualTo("application/json");
        Path prose = Files.writeString(dir.resolve("d"), "Dear team,\nthe files are in.\nRegards\n");
        assertThat(mediaTypes.detect(prose, "README")).isEqualTo("text/plain");
        // bytes that say PDF are a PDF, whatever the name says
        assertThat(mediaTypes.detect(Path.of("samples/report.pdf"), "report.csv")).isEqualTo("application/pdf");
        assertThat(mediaTypes.detect(Path.of("samples/logo.png"), "logo.json")).isEqualTo("image/png");
    }

    @Test
    void aSubtypeOfAListedTypeBelongsToItsClassAndTheListsAreConfigurable() {
        assertThat(mediaTypes.classify("application/ld+json")).isEqualTo(MediaTypes.SEMI_STRUCTURED);
        assertThat(mediaTypes.classify("application/atom+xml")).isEqualTo(MediaTypes.SEMI_STRUCTURED);
        MediaTypes withExcel = new MediaTypes(List.of("text/csv", "application/vnd.ms-excel"), List.of());
        assertThat(withExcel.classify("application/vnd.ms-excel")).isEqualTo(MediaTypes.STRUCTURED);
        assertThat(withExcel.classify("application/json")).isEqualTo(MediaTypes.UNSTRUCTURED);
    }

    private void assertClass(String sample, String mediaType, String itemClass) throws Exception {
        String detected = mediaTypes.detect(Path.of("samples", sample), sample);
        assertThat(detected).as(sample).isEqualTo(mediaType);
        assertThat(mediaTypes.classify(detected)).as(sample).isEqualTo(itemClass);
    }
}
