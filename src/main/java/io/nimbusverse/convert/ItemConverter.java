package io.nimbusverse.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import io.nimbusverse.signal.ParquetPart;

/**
 * Converts one staged item: detects and classifies it, turns CSV into Parquet, and writes its metadata JSON beside
 * it in its work folder. A file that is not what it claims to be raises {@link MalformedFileException}.
 */
public class ItemConverter {

    private static final List<String> DELIMITED = List.of("text/csv", "text/tab-separated-values");

    private final MediaTypes mediaTypes;
    private final CsvToParquet csvToParquet;
    private final MetadataExtractor metadata;
    private final ObjectMapper json;

    public ItemConverter(MediaTypes mediaTypes, CsvToParquet csvToParquet, MetadataExtractor metadata,
            ObjectMapper json) {
        this.mediaTypes = mediaTypes;
        this.csvToParquet = csvToParquet;
        this.metadata = metadata;
        this.json = json;
    }

    public BatchItem convert(BatchItem item) throws IOException, MalformedFileException {
        if (item.getParquet() != null && item.getMetadataPath() != null) {
            // a chunk of table rows: made Parquet, and described, when it was read
            return item;
        }
        Path staged = Path.of(item.getStagedPath());
        String mediaType = mediaTypes.detect(staged, item.getName());
        String itemClass = mediaTypes.classify(mediaType);
        item.setMediaType(mediaType);
        item.setItemClass(itemClass);

        Map<String, Object> description = new LinkedHashMap<>();
        description.put("key", item.getKey());
        description.put("source", item.getSource());
        description.put("name", item.getName());
        description.put("size", item.getSize());
        description.put("sha256", item.getSha256());
        description.put("mediaType", mediaType);
        description.put("class", itemClass);
        if (itemClass.equals(MediaTypes.STRUCTURED) && DELIMITED.contains(mediaType)) {
            description.putAll(toParquet(item, staged));
        } else if (mediaType.equals("application/json") || mediaType.endsWith("+json")
                || mediaType.equals("application/x-ndjson")) {
            description.putAll(metadata.describeJson(staged));
        } else if (mediaType.equals("application/xml") || mediaType.equals("text/xml")
                || mediaType.endsWith("+xml")) {
            description.putAll(metadata.describeXml(staged));
        } else {
            description.putAll(metadata.describeWithTika(staged, item.getName()));
        }
        Path metadataFile = staged.getParent().resolveSibling("metadata.json");
        json.writerWithDefaultPrettyPrinter().writeValue(metadataFile.toFile(), description);
        item.setMetadataPath(metadataFile.toString());
        return item;
    }

    private Map<String, Object> toParquet(BatchItem item, Path staged) throws IOException, MalformedFileException {
        String dataset = datasetOf(item.getName());
        Path parquet = staged.getParent().resolveSibling(dataset + ".parquet");
        CsvToParquet.Result result = csvToParquet.convert(staged, parquet);
        List<ColumnSchema> schema = result.columns().stream()
                .map(c -> new ColumnSchema(c.name(), c.typeName(), c.nullable()))
                .toList();
        item.setParquet(new ParquetPart(dataset, parquet.toString(), null, result.rows(), schema));
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("dataset", dataset);
        description.put("records", result.rows());
        description.put("delimiter", String.valueOf(result.delimiter()));
        description.put("columns", result.columns().stream()
                .map(c -> Map.of("header", c.header(), "name", c.name(), "type", c.typeName(),
                        "nullable", c.nullable()))
                .toList());
        return description;
    }

    /** The table a CSV loads into: its file name without extension, in lower-case letters, digits and _. */
    static String datasetOf(String fileName) {
        String base = Path.of(fileName).getFileName().toString();
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        String dataset = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (dataset.isEmpty() || Character.isDigit(dataset.charAt(0))) {
            dataset = "t_" + dataset;
        }
        return dataset;
    }
}
