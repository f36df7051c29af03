package io.nimbusverse.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ParquetFiles;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;

/** The convert stage with a rules file, in a folder of its own: items staged as intake stages them. */
final class RuledConverter {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final ItemConverter converter;

    RuledConverter(Path dir, String rulesYaml, Limits limits) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolve("datasets.yaml"), rulesYaml);
        converter = new ItemConverter(new MediaTypes(List.of("text/csv", "text/tab-separated-values"),
                List.of("application/json", "application/x-ndjson", "application/xml", "text/xml")),
                new CsvToParquet(20_000, Set.of(), "SNAPPY", 64L << 20, 1 << 20, limits),
                new MetadataExtractor(limits), JSON, new DatasetRules(rules.toString()).open(),
                new DatasetSchemas(dir.resolve("datasets"), JSON), limits, dir.resolve("quarantine"));
    }

    RuledConverter(Path dir, String rulesYaml) throws IOException {
        this(dir, rulesYaml, Limits.DEFAULTS);
    }

    /** Stages a file of this inbox name and content, and converts it. */
    BatchItem convert(String name, String content) throws Exception {
        return convert(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The work folder of the item that {@link #convert(String, byte[])} stages for this name and content. */
    Path workFolderOf(String name, byte[] content) {
        String sha = FileNames.sha256Hex(name + new String(content, StandardCharsets.ISO_8859_1));
        return dir.resolve("work").resolve(sha);
    }

    BatchItem convert(String name, byte[] content) throws Exception {
        Path folder = workFolderOf(name, content);
        String sha = folder.getFileName().toString();
        Path file = folder.resolve("content").resolve("file");
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        BatchItem item = new BatchItem();
        item.setKey(sha);
        item.setSha256(sha);
        item.setName(name);
        item.setSource("file");
        item.setSize(content.length);
        item.setStagedPath(file.toString());
        return converter.convert(item);
    }

    /** Converts a file that is already on disk, staged where it is (it is not copied). */
    BatchItem convertFile(String name, Path file) throws Exception {
        String sha = FileNames.sha256Hex(name + Files.size(file));
        Path staged = dir.resolve("work").resolve(sha).resolve("content").resolve("file");
        Files.createDirectories(staged.getParent());
        Files.createSymbolicLink(staged, file.toAbsolutePath());
        BatchItem item = new BatchItem();
        item.setKey(sha);
        item.setSha256(sha);
        item.setName(name);
        item.setSource("file");
        item.setSize(Files.size(file));
        item.setStagedPath(staged.toString());
        return converter.convert(item);
    }

    static JsonNode metadata(BatchItem item) throws IOException {
        return JSON.readTree(Path.of(item.getMetadataPath()).toFile());
    }

    static List<Map<String, Object>> rows(BatchItem item) throws IOException {
        return ParquetFiles.rows(Path.of(item.getParquet().path()));
    }
}
