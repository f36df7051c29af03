package io.nimbusverse.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.datasets.DatasetMatch;
import io.nimbusverse.datasets.DatasetRule;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.intake.DurableFiles;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import io.nimbusverse.signal.ParquetPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(ItemConverter.class);
    private static final List<String> DELIMITED = List.of("text/csv", "text/tab-separated-values");
    /** Kept in the item's work folder while it converts: left behind only when the process died converting it. */
    static final String ATTEMPTS_FILE = "converting";
    /** Conversions of one item that may end the process before the item is set aside. */
    static final int MAX_ENDED_ATTEMPTS = 3;

    private final MediaTypes mediaTypes;
    private final CsvToParquet csvToParquet;
    private final MetadataExtractor metadata;
    private final ObjectMapper json;
    private final DatasetRules rules;
    private final DatasetSchemas schemas;
    private final Limits limits;
    private final Path quarantine;

    /**
     * @param quarantine the folder where the rows-quarantine file of an item with bad rows goes
     */
    public ItemConverter(MediaTypes mediaTypes, CsvToParquet csvToParquet, MetadataExtractor metadata,
            ObjectMapper json, DatasetRules rules, DatasetSchemas schemas, Limits limits, Path quarantine) {
        this.mediaTypes = mediaTypes;
        this.csvToParquet = csvToParquet;
        this.metadata = metadata;
        this.json = json;
        this.rules = rules;
        this.schemas = schemas;
        this.limits = limits;
        this.quarantine = quarantine;
    }

    public BatchItem convert(BatchItem item) throws IOException, MalformedFileException {
        if (item.getMetadataPath() != null && Files.exists(Path.of(item.getMetadataPath()))) {
            // converted before this batch was taken again, or a chunk of table rows (made Parquet when read)
            return item;
        }
        Path attempts = Path.of(item.getStagedPath()).getParent().resolveSibling(ATTEMPTS_FILE);
        int ended = endedAttempts(attempts);
        if (ended >= MAX_ENDED_ATTEMPTS) {
            throw new MalformedFileException("converting it ended the process " + ended + " times (out of memory, or "
                    + "a parser that crashed the JVM): it is set aside so that the pipeline goes on");
        }
        DurableFiles.replace(attempts, String.valueOf(ended + 1).getBytes(StandardCharsets.US_ASCII));
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

    /**
     * How many conversions of the item ended the process. A count that is not a number (an earlier version wrote it
     * in place, and a process killed between emptying and writing it left it empty) still says that a start ended
     * while converting the item: one.
     */
    private static int endedAttempts(Path attempts) throws IOException {
        if (!Files.exists(attempts)) {
            return 0;
        }
        String count = Files.readString(attempts, StandardCharsets.US_ASCII).trim();
        try {
            return Math.max(1, Integer.parseInt(count));
        } catch (NumberFormatException e) {
            LOG.warn("{} holds no count ('{}'): one ended attempt counted", attempts, count);
            return 1;
        }
    }

    private BatchItem describe(BatchItem item) throws IOException, MalformedFileException {
        Path staged = Path.of(item.getStagedPath());
        String mediaType = mediaTypes.detect(staged, FileNames.lastSegment(item.getName()));
        String itemClass = mediaTypes.classify(mediaType);
        item.setMediaType(mediaType);
        item.setItemClass(itemClass);
        DatasetMatch match = rules.match(item.getName());
        item.setRule(match.ruleId());

        Map<String, Object> description = new LinkedHashMap<>();
        description.put("key", item.getKey());
        description.put("source", item.getSource());
        description.put("name", item.getName());
        description.put("size", item.getSize());
        description.put("sha256", item.getSha256());
        description.put("mediaType", mediaType);
        description.put("class", itemClass);
        if (match.ruleId() != null) {
            description.put("rule", match.ruleId());
        }
        DatasetRule.Format format = match.format();
        if (Files.size(staged) == 0) {
            description.put("empty", true);
        } else if (format == DatasetRule.Format.CSV || (format == DatasetRule.Format.AUTO
                && itemClass.equals(MediaTypes.STRUCTURED) && DELIMITED.contains(mediaType))) {
            description.putAll(toParquet(item, staged, match,
                    (parquet, reading) -> csvToParquet.convert(staged, parquet, reading)));
        } else if (format == DatasetRule.Format.JSON || format == DatasetRule.Format.XML) {
            RecordReader records = format == DatasetRule.Format.JSON
                    ? new JsonRecords(limits, match.rule().records().nested())
                    : new XmlRecords(limits, match.rule().records().element());
            List<String> columns = records.columns(staged);
            description.putAll(toParquet(item, staged, match, (parquet, reading) -> csvToParquet.convertRecords(
                    staged, parquet, reading, columns, (in, sink) -> records.parse(in, columns, sink))));
        } else if (mediaType.equals("application/json") || mediaType.endsWith("+json")
                || mediaType.equals("application/x-ndjson")) {
            description.putAll(metadata.describeJson(staged));
        } else if (mediaType.equals("application/xml") || mediaType.equals("text/xml")
                || mediaType.endsWith("+xml")) {
            description.putAll(metadata.describeXml(staged));
        } else {
            description.putAll(metadata.describeWithTika(staged, FileNames.lastSegment(item.getName())));
        }
        if (description.get(MetadataExtractor.FACTS) instanceof Map<?, ?> facts) {
            Map<String, Object> copy = new LinkedHashMap<>();
            facts.forEach((name, value) -> copy.put(String.valueOf(name), value));
            item.setFacts(copy);
        }
        Path metadataFile = staged.getParent().resolveSibling("metadata.json");
        json.writerWithDefaultPrettyPrinter().writeValue(metadataFile.toFile(), description);
        item.setMetadataPath(metadataFile.toString());
        return item;
    }

    /** One way of reading an item's rows into a Parquet file. */
    @FunctionalInterface
    private interface Conversion {
        CsvToParquet.Result convert(Path parquet, CsvToParquet.Reading reading) throws IOException,
                MalformedFileException;
    }

    private Map<String, Object> toParquet(BatchItem item, Path staged, DatasetMatch match, Conversion conversion)
            throws IOException, MalformedFileException {
        String dataset = match.dataset();
        Path parquet = staged.getParent().resolveSibling(dataset + ".parquet");
        Path badRows = staged.getParent().resolveSibling("bad-rows.csv");
        List<CsvColumn> known = schemas.of(dataset);
        Map<String, String> renames = match.rule() == null ? Map.of() : match.rule().rename();
        DatasetRule.Partition partition = match.partition();
        CsvToParquet.Result result = conversion.convert(parquet, new CsvToParquet.Reading(match.csv(), renames,
                match.schema(), known, badRows,
                partition.kind() == DatasetRule.Partition.Kind.COLUMN ? partition.column() : null));
        List<CsvColumn> datasetSchema = schemas.grow(dataset, result.columns());
        List<ColumnSchema> schema = result.columns().stream()
                .map(c -> new ColumnSchema(c.name(), c.typeName(), c.nullable()))
                .toList();
        List<ParquetPart.Piece> pieces = result.pieces() == null ? null : result.pieces().stream()
                .map(p -> new ParquetPart.Piece(partition.column() + "=" + p.partition(), p.path().toString(), null,
                        p.rows()))
                .toList();
        item.setParquet(new ParquetPart(dataset, match.table().equals(dataset) ? null : match.table(),
                partition.kind() == DatasetRule.Partition.Kind.NONE ? ParquetPart.NO_PARTITION : null,
                pieces == null ? parquet.toString() : null, null, result.rows(), schema, pieces));
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("dataset", dataset);
        description.put("table", match.table());
        description.put("records", result.rows());
        if (pieces != null) {
            description.put("partitions", pieces.stream().map(ParquetPart.Piece::partition).toList());
        }
        if (match.format() != DatasetRule.Format.JSON && match.format() != DatasetRule.Format.XML) {
            description.put("delimiter", String.valueOf(result.delimiter()));
            description.put("encoding", result.encoding().name());
        }
        description.put("columns", result.columns().stream()
                .map(c -> Map.of("header", c.header(), "name", c.name(), "type", c.typeName(),
                        "nullable", c.nullable()))
                .toList());
        Map<String, String> renamed = new LinkedHashMap<>();
        result.columns().stream().filter(c -> !c.header().equals(c.name()))
                .forEach(c -> renamed.put(c.header(), c.name()));
        if (!renamed.isEmpty()) {
            description.put("renamed", renamed);
            item.setRenamed(renamed);
            LOG.info("{}: {} column(s) renamed: {}", FileNames.printable(item.getName()), renamed.size(), renamed);
        }
        item.setBadRows(result.badRows());
        if (result.badRowsFile() != null) {
            Path kept = quarantine.resolve(FileNames.bounded(FileNames.lastSegment(item.getName())) + "."
                    + item.getSha256().substring(0, 12) + ".bad-rows.csv");
            Files.createDirectories(quarantine);
            Files.move(result.badRowsFile(), kept, StandardCopyOption.REPLACE_EXISTING);
            description.put("badRows", result.badRows());
            description.put("badRowsFile", kept.toString());
            LOG.warn("{}: {} row(s) left out, their values do not fit the dataset's pinned types: listed in {}",
                    FileNames.printable(item.getName()), result.badRows(), kept);
        }
        description.put("datasetSchema", DatasetSchemas.describe(datasetSchema));
        return description;
    }
}
