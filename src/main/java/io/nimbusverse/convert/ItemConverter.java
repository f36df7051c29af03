package io.nimbusverse.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.names.Datasets;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import io.nimbusverse.signal.ParquetPart;

/**
 * Converts one staged item: detects and classifies it, turns CSV into Parquet, and writes its metadata JSON beside
 * it in its work folder. Whatever goes wrong while the item's content is read is the item's own failure, whatever
 * the library threw: it raises {@link MalformedFileException}, so the item is quarantined and its batch goes on.
 * Only the outside world (a full disk, a missing file, an interruption) is retried ({@link ContentFailures}).
 *
 * <p>An item whose conversion ended the process ({@value #MAX_ENDED_ATTEMPTS} times: an OutOfMemoryError, a parser that
 * crashed the JVM) is set aside too, so that a restart does not meet it again and again.
 *
 * <p>A zero-byte file is an item like any other: classified by its name, described (size 0, empty), uploaded and
 * DONE; it has no rows, so no Parquet and no table.
 */
public class ItemConverter {

    private static final List<String> DELIMITED = List.of("text/csv", "text/tab-separated-values");
    /** Kept in the item's work folder while it converts: left behind only when the process died converting it. */
    static final String ATTEMPTS_FILE = "converting";
    /** Conversions of one item that may end the process before the item is set aside. */
    static final int MAX_ENDED_ATTEMPTS = 3;

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
        if (item.getMetadataPath() != null && Files.exists(Path.of(item.getMetadataPath()))) {
            // converted before this batch was taken again, or a chunk of table rows (made Parquet when read)
            return item;
        }
        Path attempts = Path.of(item.getStagedPath()).getParent().resolveSibling(ATTEMPTS_FILE);
        int ended = Files.exists(attempts) ? Integer.parseInt(Files.readString(attempts).trim()) : 0;
        if (ended >= MAX_ENDED_ATTEMPTS) {
            throw new MalformedFileException("converting it ended the process " + ended + " times (out of memory, or "
                    + "a parser that crashed the JVM): it is set aside so that the pipeline goes on");
        }
        Files.writeString(attempts, String.valueOf(ended + 1), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        try {
            BatchItem converted = describe(item);
            Files.delete(attempts);
            return converted;
        } catch (MalformedFileException e) {
            Files.deleteIfExists(attempts);
            throw e;
        } catch (Exception | StackOverflowError e) {
            Files.deleteIfExists(attempts);
            // a stack overflow unwinds completely: it is the content's nesting, and the thread is as good as before
            if (ContentFailures.isOutsideWorld(e)) {
                throw e;
            }
            throw new MalformedFileException("unreadable content (" + ContentFailures.reasonOf(e) + ")", e);
        }
    }

    private BatchItem describe(BatchItem item) throws IOException, MalformedFileException {
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
        if (Files.size(staged) == 0) {
            description.put("empty", true);
        } else if (itemClass.equals(MediaTypes.STRUCTURED) && DELIMITED.contains(mediaType)) {
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
        String dataset = Datasets.ofFile(item.getName());
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
}
