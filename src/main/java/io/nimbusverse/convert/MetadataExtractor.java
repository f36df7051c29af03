package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Describes a file without holding it in memory: records and keys of JSON, root element and records of XML (read as
 * streams), the metadata Tika finds in anything else (the text content is discarded as it is parsed). Nesting, the
 * length of one JSON text and what a compressed file expands to are bounded by the {@link Limits}.
 */
public class MetadataExtractor {

    /** The section of the description that a catalog is queried by ({@link #facts}). */
    public static final String FACTS = "facts";
    /**
     * What Tika's image readers say of the file they were handed rather than of its content (the work copy's name,
     * size and modification time): left out, so that the same bytes always give the same description.
     */
    private static final Set<String> WORK_COPY_KEYS = Set.of("File Modified Date", "File Name", "File Size");
    private static final int SAMPLED_RECORDS = 1_000;
    private static final int MAX_NAMES = 200;
    /** Tika's zip-bomb guard: text beyond this many characters must not exceed the ratio below */
    private static final long TIKA_OUTPUT_THRESHOLD = 1_000_000;
    private static final long TIKA_MAX_COMPRESSION_RATIO = 100;
    private static final int TIKA_MAX_PACKAGE_DEPTH = 10;

    private final Limits limits;
    private final JsonFactory json;
    private final XMLInputFactory xml = Parsers.xml();
    private final AutoDetectParser tika = new AutoDetectParser();

    public MetadataExtractor(Limits limits) {
        this.limits = limits;
        this.json = Parsers.json(limits);
        tika.setAutoDetectParserConfig(new AutoDetectParserConfig(null, TIKA_OUTPUT_THRESHOLD,
                TIKA_MAX_COMPRESSION_RATIO, limits.maxNestingDepth(), TIKA_MAX_PACKAGE_DEPTH));
    }

    /**
     * JSON: one document (an array counts its elements as records, an object is one record) or a stream of
     * documents (JSON Lines). Keys are the top-level field names of the first records.
     */
    public Map<String, Object> describeJson(Path file) throws IOException, MalformedFileException {
        long records = 0;
        int documents = 0;
        Set<String> keys = new LinkedHashSet<>();
        try (JsonParser parser = json.createParser(file.toFile())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                documents++;
                if (token == JsonToken.START_ARRAY && documents == 1) {
                    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                        if (token == null) {
                            throw new MalformedFileException("malformed JSON: the array does not end");
                        }
                        records++;
                        collectKeys(parser, token, keys, records);
                    }
                } else {
                    records++;
                    collectKeys(parser, token, keys, records);
                }
            }
        } catch (StreamConstraintsException e) {
            throw Parsers.jsonLimit(e, limits);
        } catch (JsonProcessingException e) {
            throw Parsers.malformedJson(e);
        }
        if (documents == 0) {
            throw new MalformedFileException("malformed JSON: the file holds no JSON value");
        }
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("format", documents > 1 ? "json-lines" : "json");
        description.put("records", records);
        description.put("keys", new ArrayList<>(keys));
        return description;
    }

    private static void collectKeys(JsonParser parser, JsonToken token, Set<String> keys, long record)
            throws IOException {
        if (token == JsonToken.START_OBJECT && record <= SAMPLED_RECORDS) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if (keys.size() < MAX_NAMES) {
                    keys.add(parser.currentName());
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } else {
            parser.skipChildren();
        }
    }

    /** XML: the root element, and its children as records with their distinct names. */
    public Map<String, Object> describeXml(Path file) throws IOException, MalformedFileException {
        String root = null;
        String namespace = null;
        long records = 0;
        Set<String> recordElements = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader reader = xml.createXMLStreamReader(in);
            try {
                int depth = 0;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        depth++;
                        if (depth > limits.maxNestingDepth()) {
                            throw Limits.exceeded("XML nested deeper than " + limits.maxNestingDepth()
                                    + " levels at line " + reader.getLocation().getLineNumber(),
                                    Limits.MAX_NESTING_DEPTH, limits.maxNestingDepth());
                        }
                        if (depth == 1) {
                            root = reader.getLocalName();
                            namespace = reader.getNamespaceURI();
                        } else if (depth == 2) {
                            records++;
                            if (recordElements.size() < MAX_NAMES) {
                                recordElements.add(reader.getLocalName());
                            }
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw Parsers.malformedXml(e);
        }
        if (root == null) {
            throw new MalformedFileException("malformed XML: no root element");
        }
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("rootElement", root);
        if (namespace != null && !namespace.isEmpty()) {
            description.put("namespace", namespace);
        }
        description.put("records", records);
        description.put("recordElements", new ArrayList<>(recordElements));
        return description;
    }

    /**
     * What Tika knows of the file (author, dimensions, duration...), sorted by name. A file whose text expands to
     * more than the limit, and more than its own size (a compressed or packaged file), is refused.
     */
    public Map<String, Object> describeWithTika(Path file, String name) throws IOException, MalformedFileException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        ExpansionGuard guard = new ExpansionGuard(Math.max(limits.maxExpandedBytes(), Files.size(file)));
        try (InputStream in = TikaInputStream.get(file)) {
            tika.parse(in, guard, metadata, new ParseContext());
        } catch (TikaException | SAXException e) {
            if (guard.exceeded) {
                throw Limits.exceeded(metadata.get(Metadata.CONTENT_TYPE) + " expanding to more than "
                        + guard.maxChars + " characters of text", Limits.MAX_EXPANDED_BYTES, limits.maxExpandedBytes());
            }
            throw new MalformedFileException("unreadable " + metadata.get(Metadata.CONTENT_TYPE) + ": "
                    + e.getMessage(), e);
        }
        Map<String, Object> values = new TreeMap<>();
        for (String key : metadata.names()) {
            if (WORK_COPY_KEYS.contains(key)) {
                continue;
            }
            String[] all = metadata.getValues(key);
            values.put(key, all.length == 1 ? all[0] : List.of(all));
        }
        Map<String, Object> description = new LinkedHashMap<>();
        Map<String, Object> facts = facts(metadata, file);
        if (!facts.isEmpty()) {
            description.put(FACTS, facts);
        }
        description.put("tika", values);
        return description;
    }

    /**
     * The metadata a catalog is queried by, under names of their own: a document's title, author and pages, an
     * image's width, height and EXIF date, a recording's duration (Tika's, or for PCM audio its frames over its rate).
     */
    private static Map<String, Object> facts(Metadata metadata, Path file) {
        Map<String, Object> facts = new LinkedHashMap<>();
        putText(facts, "title", metadata.get("dc:title"));
        putText(facts, "author", metadata.get("dc:creator"));
        putNumber(facts, "pages", metadata.get("xmpTPg:NPages"));
        putNumber(facts, "width", metadata.get("tiff:ImageWidth"));
        putNumber(facts, "height", metadata.get("tiff:ImageLength"));
        String taken = metadata.get("exif:DateTimeOriginal");
        if (taken != null) {
            try {
                facts.put("takenAt", LocalDateTime.parse(taken.trim()).toString());
            } catch (DateTimeParseException e) {
                // an EXIF date of another form is kept in the tika section only
            }
        }
        String duration = metadata.get("xmpDM:duration");
        if (duration != null) {
            putNumber(facts, "durationSeconds", duration);
        } else if (String.valueOf(metadata.get(Metadata.CONTENT_TYPE)).startsWith("audio/")) {
            try {
                AudioFileFormat format = AudioSystem.getAudioFileFormat(file.toFile());
                if (format.getFrameLength() > 0 && format.getFormat().getFrameRate() > 0) {
                    facts.put("durationSeconds", format.getFrameLength() / (double) format.getFormat().getFrameRate());
                }
            } catch (UnsupportedAudioFileException | IOException e) {
                // a format Java Sound does not read has no duration here
            }
        }
        return facts;
    }

    private static void putText(Map<String, Object> facts, String name, String value) {
        if (value != null && !value.isBlank()) {
            facts.put(name, value.trim());
        }
    }

    private static void putNumber(Map<String, Object> facts, String name, String value) {
        if (value == null) {
            return;
        }
        try {
            BigDecimal number = new BigDecimal(value.trim());
            facts.put(name, number.scale() <= 0 ? (Object) number.longValueExact() : (Object) number.doubleValue());
        } catch (NumberFormatException | ArithmeticException e) {
            // not a number: kept in the tika section only
        }
    }

    /** Discards the text Tika extracts, and stops the parse once there is more of it than allowed. */
    private static final class ExpansionGuard extends DefaultHandler {
        final long maxChars;
        long chars;
        boolean exceeded;

        ExpansionGuard(long maxChars) {
            this.maxChars = maxChars;
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            count(length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            count(length);
        }

        private void count(int length) throws SAXException {
            chars += length;
            if (chars > maxChars) {
                exceeded = true;
                throw new SAXException("more than " + maxChars + " characters of text");
            }
        }
    }
}
