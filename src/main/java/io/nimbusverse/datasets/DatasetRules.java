package io.nimbusverse.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nimbusverse.names.Datasets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset rules of {@value #SETTING}: read and checked against {@code schemas/datasets.schema.json} at start (a
 * file that does not hold ends the start, naming the setting and what is wrong), and read again whenever the file
 * changes. A change that does not hold is refused with the same message and the rules before it stay in force, so a
 * typo while the pipeline runs never takes it down. The first rule that matches an item takes it.
 */
public class DatasetRules {

    public static final String SETTING = "nimbus.datasets.rules-file";
    private static final Logger LOG = LoggerFactory.getLogger(DatasetRules.class);
    /** a key given twice is a mistake, not a choice of the last one */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final JsonSchema SCHEMA = loadSchema();

    private final Path file;
    private volatile List<DatasetRule> rules = List.of();
    /** the file's size and modification time when last read, refused or not */
    private volatile String seen;

    /** @param file the rules file; null or blank for none (every file its own dataset) */
    public DatasetRules(String file) {
        this.file = file == null || file.isBlank() ? null : Path.of(file.trim());
    }

    /** Reads the rules at start: a missing or invalid file is a misconfiguration that names the setting. */
    public DatasetRules open() {
        if (file == null) {
            LOG.info("No dataset rules ({} is empty): each file is a dataset of its own name", SETTING);
            return this;
        }
        try {
            seen = stamp();
            rules = read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(SETTING + " names " + file.toAbsolutePath()
                    + ", which does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " (" + file + ") is not valid: " + e.getMessage(), e);
        }
        LOG.info("Dataset rules from {}: {}", file, describe(rules));
        return this;
    }

    /** The rule that takes an item of this inbox-relative name (folders separated by {@code /}), reloading first. */
    public DatasetMatch match(String relativeName) {
        reloadIfChanged();
        String name = relativeName.replace('\\', '/');
        int slash = name.lastIndexOf('/');
        String folder = slash < 0 ? "" : name.substring(0, slash);
        String fileName = name.substring(slash + 1);
        for (DatasetRule rule : rules) {
            DatasetMatch match = rule.match(folder, fileName);
            if (match != null) {
                return match;
            }
        }
        String dataset = Datasets.ofFile(fileName);
        return new DatasetMatch(null, dataset, dataset);
    }

    public List<DatasetRule> rules() {
        return rules;
    }

    /** Reads the file again when its size or modification time changed; a change that does not hold is refused. */
    public synchronized void reloadIfChanged() {
        if (file == null) {
            return;
        }
        String now;
        try {
            now = stamp();
        } catch (IOException e) {
            now = "missing";
        }
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            List<DatasetRule> read = read(file);
            rules = read;
            LOG.info("Dataset rules reloaded from {}: {}", file, describe(read));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Dataset rules in {} ({}) are refused, the rules before stay in force: {}", file, SETTING,
                    e.getMessage());
        }
    }

    private String stamp() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.size() + "@" + attributes.lastModifiedTime().toMillis();
    }

    private static String describe(List<DatasetRule> rules) {
        return rules.isEmpty() ? "none" : rules.stream().map(DatasetRule::id).collect(Collectors.joining(", "));
    }

    /** The rules of a file, checked: its schema, then what a schema cannot say (patterns, references, charsets). */
    public static List<DatasetRule> read(Path file) throws IOException {
        JsonNode document;
        try (InputStream in = Files.newInputStream(file)) {
            document = YAML.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (document == null || document.isMissingNode()) {
            throw new IllegalArgumentException("the file is empty: write `rules: []` for no rules");
        }
        Set<ValidationMessage> problems = SCHEMA.validate(document);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.stream().map(ValidationMessage::getMessage).sorted()
                    .collect(Collectors.joining("; ")));
        }
        List<DatasetRule> rules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode node : document.path("rules")) {
            String id = node.path("id").asText();
            if (!ids.add(id)) {
                throw new IllegalArgumentException("two rules have the id " + id);
            }
            try {
                DatasetRule rule = rule(node);
                rule.checkReferences();
                rules.add(rule);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith("rule " + id) ? e.getMessage()
                        : "rule " + id + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    private static DatasetRule rule(JsonNode node) {
        JsonNode match = node.path("match");
        Pattern folder = pattern(match, "folder");
        Pattern file = pattern(match, "file");
        return new DatasetRule(node.path("id").asText(), folder, file, node.path("dataset").asText(),
                node.hasNonNull("table") ? node.path("table").asText() : null,
                partition(node.path("partition")),
                DatasetRule.Format.valueOf(constant(node.path("format").asText("auto"))),
                csv(node.path("csv")), renames(node.path("rename")), schema(node.path("schema")),
                records(node.path("records")));
    }

    private static Pattern pattern(JsonNode match, String field) {
        try {
            if (match.hasNonNull(field)) {
                return Globs.compile(match.path(field).asText());
            }
            if (match.hasNonNull(field + "Regex")) {
                return Pattern.compile(match.path(field + "Regex").asText());
            }
            return null;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("match." + field + "Regex is not a regular expression: "
                    + e.getDescription(), e);
        }
    }

    private static DatasetRule.Partition partition(JsonNode partition) {
        if (partition.isObject()) {
            return new DatasetRule.Partition(DatasetRule.Partition.Kind.COLUMN, partition.path("column").asText());
        }
        return partition.asText("ingest_date").equals("none") ? DatasetRule.Partition.NONE
                : DatasetRule.Partition.INGEST_DATE;
    }

    private static CsvDialect csv(JsonNode csv) {
        CsvDialect d = CsvDialect.DEFAULT;
        String delimiter = csv.path("delimiter").asText("auto");
        Character given = delimiter.equals("auto") ? null : delimiter.equals("\\t") ? '\t' : delimiter.charAt(0);
        char quote = csv.path("quote").asText(String.valueOf(d.quote())).charAt(0);
        char escape = csv.path("escape").asText(String.valueOf(quote)).charAt(0);
        if ((given != null && given > 127) || quote > 127 || escape > 127) {
            throw new IllegalArgumentException("csv.delimiter, csv.quote and csv.escape must be ASCII characters");
        }
        if (given != null && (given == quote || given == escape || given == '\n' || given == '\r')) {
            throw new IllegalArgumentException("csv.delimiter " + delimiter + " cannot also be the quote, the escape "
                    + "or a line end");
        }
        boolean header = csv.path("header").asBoolean(true);
        List<String> columns = new ArrayList<>();
        csv.path("columns").forEach(c -> columns.add(c.asText()));
        if (!header && columns.isEmpty()) {
            throw new IllegalArgumentException("csv.header is false: csv.columns must name the columns");
        }
        String encoding = csv.path("encoding").asText("auto");
        Charset charset = encoding.equals("auto") ? null : Charset.forName(encoding);
        Set<String> nullValues = null;
        if (csv.has("nullValues")) {
            nullValues = new LinkedHashSet<>();
            for (JsonNode value : csv.path("nullValues")) {
                nullValues.add(value.asText());
            }
        }
        boolean quotedEmptyIsNull = csv.path("quotedEmpty").asText("empty-string").equals("null");
        return new CsvDialect(given, quote, escape, header, columns, charset, nullValues, quotedEmptyIsNull);
    }

    private static SchemaPolicy schema(JsonNode schema) {
        Map<String, PinnedType> pinned = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("columns").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            JsonNode spec = column.getValue();
            try {
                pinned.put(column.getKey(), spec.isTextual() ? PinnedType.of(spec.asText(), null)
                        : PinnedType.of(spec.path("type").asText(),
                                spec.hasNonNull("format") ? spec.path("format").asText() : null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schema.columns." + column.getKey() + ": " + e.getMessage(), e);
            }
        }
        return new SchemaPolicy(pinned,
                SchemaPolicy.Evolution.valueOf(constant(schema.path("evolution").asText("widen"))),
                SchemaPolicy.BadValues.valueOf(constant(schema.path("badValues").asText("quarantine-rows"))));
    }

    private static RecordOptions records(JsonNode records) {
        return new RecordOptions(records.hasNonNull("element") ? records.path("element").asText() : null,
                RecordOptions.Nested.valueOf(constant(records.path("nested").asText("flatten"))));
    }

    private static Map<String, String> renames(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        if (new LinkedHashSet<>(map.values()).size() < map.size()) {
            throw new IllegalArgumentException("rename gives two headers the same column name");
        }
        return map;
    }

    private static String constant(String text) {
        return text.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = DatasetRules.class.getResourceAsStream("/schemas/datasets.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("the rules' schema ships in the jar", e);
        }
    }
}
