package io.nimbusverse.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.nimbusverse.datasets.RecordOptions;

/**
 * JSON records as rows: the objects of a top-level array, or top-level objects one after the other (NDJSON, JSON
 * Lines). A nested object's fields become columns named {@code parent.child} (made {@code parent_child} like any
 * header), or one column of JSON text ({@code nested: json}); an array is one column of JSON text; a string is text
 * ({@code ""} an empty text), a number keeps its literal digits, null or a missing field is null. Read twice, as a
 * stream: once for the columns (in the order they first appear), once for the rows.
 */
final class JsonRecords implements RecordReader {

    private final JsonFactory json;
    private final Limits limits;
    private final RecordOptions.Nested nested;

    JsonRecords(Limits limits, RecordOptions.Nested nested) {
        this.limits = limits;
        this.nested = nested;
        this.json = Parsers.json(limits);
    }

    @Override
    public List<String> columns(Path file) throws IOException, MalformedFileException {
        Set<String> columns = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file)) {
            read(in, (record, line) -> {
                for (String name : record.names) {
                    if (columns.add(name) && columns.size() > limits.maxColumns()) {
                        throw new CsvBytes.TooLarge("JSON record at line " + line + " with more than "
                                + limits.maxColumns() + " columns", Limits.MAX_COLUMNS, limits.maxColumns());
                    }
                }
                return true;
            });
        }
        if (columns.isEmpty()) {
            throw new MalformedFileException("no field in any record: nothing to make a table of");
        }
        return new ArrayList<>(columns);
    }

    @Override
    public void parse(InputStream in, List<String> columns, CsvBytes.Sink sink) throws IOException, MalformedFileException {
        Map<String, Integer> index = Parsers.positions(columns);
        CsvBytes.Record out = new CsvBytes.Record(columns.size());
        int[] at = new int[columns.size()];
        read(in, (record, line) -> {
            Arrays.fill(at, -1);
            for (int f = 0; f < record.names.size(); f++) {
                Integer column = index.get(record.names.get(f));
                if (column != null) {
                    at[column] = f; // a name given twice: the last value wins, as in any JSON reader
                }
            }
            out.reset(line);
            for (int column = 0; column < at.length; column++) {
                int f = at[column];
                if (f < 0 || record.lengths[f] < 0) {
                    out.add(record.arena, 0, 0, false);
                } else {
                    out.add(record.arena, record.offsets[f], record.lengths[f], record.quoted[f]);
                }
            }
            return sink.record(out);
        });
    }

    /** A record's fields as flattened names and UTF-8 values in one arena; a length of -1 is a null. */
    private static final class Fields {
        final int maxBytes;
        long line;
        final List<String> names = new ArrayList<>();
        byte[] arena = new byte[4096];
        int used;
        int[] offsets = new int[64];
        int[] lengths = new int[64];
        boolean[] quoted = new boolean[64];

        Fields(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        void start(long startLine) {
            names.clear();
            used = 0;
            line = startLine;
        }

        void add(String name, byte[] value, int len, boolean isText) {
            int n = names.size();
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, n * 2);
                lengths = Arrays.copyOf(lengths, n * 2);
                quoted = Arrays.copyOf(quoted, n * 2);
            }
            names.add(name);
            if (value == null) {
                offsets[n] = 0;
                lengths[n] = -1;
                return;
            }
            if (used + (long) len > maxBytes) {
                throw new CsvBytes.TooLarge("JSON record at line " + line + " of more than " + maxBytes + " bytes",
                        Limits.MAX_RECORD_BYTES, maxBytes);
            }
            if (arena.length - used < len) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + len));
            }
            System.arraycopy(value, 0, arena, used, len);
            offsets[n] = used;
            lengths[n] = len;
            quoted[n] = isText;
            used += len;
        }
    }

    private interface RecordSink {
        boolean record(Fields record, long line);
    }

    private void read(InputStream in, RecordSink sink) throws IOException, MalformedFileException {
        Fields fields = new Fields(limits.maxRecordBytes());
        ByteArrayOutputStream text = new BoundedBytes(limits.maxRecordBytes());
        long records = 0;
        try (JsonParser parser = json.createParser(in)) {
            JsonToken token = parser.nextToken();
            boolean array = token == JsonToken.START_ARRAY;
            if (array) {
                token = parser.nextToken();
            }
            while (token != null && !(array && token == JsonToken.END_ARRAY)) {
                records++;
                long line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw new MalformedFileException("record " + records + " (line " + line + ") is " + describe(token)
                            + ", not an object: records to load are JSON objects");
                }
                fields.start(line);
                object(parser, "", fields, text);
                if (!sink.record(fields, line)) {
                    return;
                }
                token = parser.nextToken();
            }
            if (array && token == null) {
                throw new MalformedFileException("malformed JSON: the array does not end");
            }
        } catch (CsvBytes.TooLarge e) {
            throw Limits.exceeded(e.getMessage(), e.setting, e.limit);
        } catch (StreamConstraintsException e) {
            throw Parsers.jsonLimit(e, limits);
        } catch (JsonProcessingException e) {
            throw Parsers.malformedJson(e);
        }
    }

    /** The fields of the object the parser is at (its START_OBJECT read), flattened under {@code prefix}. */
    private void object(JsonParser parser, String prefix, Fields fields, ByteArrayOutputStream text)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = prefix + parser.currentName();
            JsonToken value = parser.nextToken();
            switch (value) {
                case VALUE_NULL -> fields.add(name, null, 0, false);
                case VALUE_STRING -> {
                    byte[] bytes = parser.getText().getBytes(StandardCharsets.UTF_8);
                    fields.add(name, bytes, bytes.length, true);
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                    byte[] bytes = parser.getText().getBytes(StandardCharsets.US_ASCII);
                    fields.add(name, bytes, bytes.length, false);
                }
                case START_OBJECT -> {
                    if (nested == RecordOptions.Nested.FLATTEN) {
                        object(parser, name + ".", fields, text);
                    } else {
                        asText(parser, name, fields, text);
                    }
                }
                default -> asText(parser, name, fields, text);
            }
        }
    }

    /** The value the parser is at, an array or an object, as one field of JSON text. */
    private void asText(JsonParser parser, String name, Fields fields, ByteArrayOutputStream text)
            throws IOException {
        text.reset();
        try (JsonGenerator generator = json.createGenerator(text)) {
            generator.copyCurrentStructure(parser);
        }
        byte[] bytes = text.toByteArray();
        fields.add(name, bytes, bytes.length, true);
    }

    /** The JSON text of one value, refused once it is longer than a record may be. */
    private static final class BoundedBytes extends ByteArrayOutputStream {
        private final int maxBytes;

        BoundedBytes(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public synchronized void write(int b) {
            check(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            check(len);
            super.write(b, off, len);
        }

        private void check(int more) {
            if (count + (long) more > maxBytes) {
                throw new CsvBytes.TooLarge("JSON value of more than " + maxBytes + " bytes", Limits.MAX_RECORD_BYTES,
                        maxBytes);
            }
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(token);
        };
    }
}
