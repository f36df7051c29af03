package io.nimbusverse.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.names.FileNames;

/**
 * The schema each dataset has so far, kept durably in one JSON file per dataset ({@code <dir>/<dataset>.json}): a
 * later file of the dataset is read with it before inference, so that its types do not change from file to file.
 * A file's columns are merged in once it is converted (new columns added, types widened). Each file is read once and
 * then held in memory; it is written only when a file changed the schema.
 */
public class DatasetSchemas {

    private final Path dir;
    private final ObjectMapper json;
    private final Map<String, List<CsvColumn>> known = new HashMap<>();

    public DatasetSchemas(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    /** The dataset's columns so far; empty for a dataset never converted. */
    public synchronized List<CsvColumn> of(String dataset) throws IOException {
        List<CsvColumn> columns = known.get(dataset);
        if (columns == null) {
            columns = read(fileOf(dataset));
            known.put(dataset, columns);
        }
        return columns;
    }

    private List<CsvColumn> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<CsvColumn> columns = new ArrayList<>();
        for (JsonNode column : json.readTree(file.toFile()).path("columns")) {
            columns.add(CsvColumn.ofTypeName(column.path("name").asText(), column.path("type").asText(),
                    column.path("nullable").asBoolean()));
        }
        return List.copyOf(columns);
    }

    /** Merges a converted file's columns into the dataset's schema, and returns the schema as it is now. */
    public synchronized List<CsvColumn> grow(String dataset, List<CsvColumn> converted) throws IOException {
        List<CsvColumn> before = of(dataset);
        // as the file holds it, so that the schema in memory is the one a restart reads
        List<CsvColumn> schema = DatasetSchema.grown(before, converted).stream()
                .map(c -> CsvColumn.ofTypeName(c.name(), c.typeName(), c.nullable())).toList();
        if (schema.equals(before)) {
            return before;
        }
        Files.createDirectories(dir);
        Path file = fileOf(dataset);
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dataset", dataset);
        document.put("columns", describe(schema));
        json.writerWithDefaultPrettyPrinter().writeValue(next.toFile(), document);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        known.put(dataset, schema);
        return schema;
    }

    /** The columns as the metadata JSON and the schema files write them. */
    public static List<Map<String, Object>> describe(List<CsvColumn> columns) {
        return columns.stream().map(c -> {
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("name", c.name());
            column.put("type", c.typeName());
            column.put("nullable", c.nullable());
            return column;
        }).toList();
    }

    private Path fileOf(String dataset) {
        return dir.resolve(FileNames.bounded(dataset) + ".json");
    }
}
