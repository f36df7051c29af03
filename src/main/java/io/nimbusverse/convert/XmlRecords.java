package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * XML records as rows: every element named by the rule's {@code records.element}, wherever it is, is a row. Its
 * attributes and its child elements' text are the columns ({@code child}, {@code child.grandchild},
 * {@code child.attribute}); an element given more than once in a record is one column of JSON text (an array of its
 * texts); an empty element is an empty text, a missing one or {@code xsi:nil="true"} null. Text outside the record
 * elements is ignored. Read twice, as a stream: once for the columns, once for the rows.
 */
final class XmlRecords implements RecordReader {

    private static final byte[] EMPTY = new byte[0];
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private final XMLInputFactory xml = Parsers.xml();
    private final Limits limits;
    private final String element;

    XmlRecords(Limits limits, String element) {
        this.limits = limits;
        this.element = element;
    }

    @Override
    public List<String> columns(Path file) throws IOException, MalformedFileException {
        Set<String> columns = new LinkedHashSet<>();
        long[] records = {0};
        try (InputStream in = Files.newInputStream(file)) {
            read(in, (record, line) -> {
                records[0]++;
                for (String name : record.keySet()) {
                    if (columns.add(name) && columns.size() > limits.maxColumns()) {
                        throw new CsvBytes.TooLarge("XML record at line " + line + " with more than "
                                + limits.maxColumns() + " columns", Limits.MAX_COLUMNS, limits.maxColumns());
                    }
                }
                return true;
            });
        }
        if (records[0] == 0) {
            throw new MalformedFileException("no <" + element + "> element: the rule's records.element names none "
                    + "of this file's elements");
        }
        if (columns.isEmpty()) {
            throw new MalformedFileException("the <" + element + "> elements hold no attribute and no child element");
        }
        return new ArrayList<>(columns);
    }

    @Override
    public void parse(InputStream in, List<String> columns, CsvBytes.Sink sink) throws IOException, MalformedFileException {
        Map<String, Integer> index = Parsers.positions(columns);
        CsvBytes.Record out = new CsvBytes.Record(columns.size());
        byte[][] values = new byte[columns.size()][];
        read(in, (record, line) -> {
            Arrays.fill(values, null);
            record.forEach((name, texts) -> {
                Integer column = index.get(name);
                if (column != null) {
                    values[column] = value(texts);
                }
            });
            out.reset(line);
            for (byte[] value : values) {
                if (value == null) {
                    out.add(EMPTY, 0, 0, false);
                } else {
                    out.add(value, 0, value.length, true);
                }
            }
            return sink.record(out);
        });
    }

    /** One text as it is, several as a JSON array; null for a nil element. */
    private static byte[] value(List<String> texts) {
        if (texts.size() == 1) {
            return texts.get(0) == null ? null : texts.get(0).getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder array = new StringBuilder("[");
        for (String text : texts) {
            if (array.length() > 1) {
                array.append(',');
            }
            if (text == null) {
                array.append("null");
            } else {
                array.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
            }
        }
        return array.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private interface RecordSink {
        boolean record(Map<String, List<String>> record, long line);
    }

    private void read(InputStream in, RecordSink sink) throws IOException, MalformedFileException {
        try {
            XMLStreamReader reader = xml.createXMLStreamReader(in);
            try {
                int depth = 0;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        depth++;
                        checkDepth(depth, reader);
                        if (reader.getLocalName().equals(element)) {
                            long line = reader.getLocation().getLineNumber();
                            Map<String, List<String>> record = new LinkedHashMap<>();
                            long[] bytes = {0};
                            attributes(reader, "", record, bytes, line);
                            children(reader, "", record, depth, bytes, line);
                            if (!sink.record(record, line)) {
                                return;
                            }
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
            } finally {
                reader.close();
            }
        } catch (CsvBytes.TooLarge e) {
            throw Limits.exceeded(e.getMessage(), e.setting, e.limit);
        } catch (XMLStreamException e) {
            throw Parsers.malformedXml(e);
        }
    }

    /** Reads up to the end of the record element the reader is at, putting its descendants' texts in the record. */
    private void children(XMLStreamReader reader, String prefix, Map<String, List<String>> record, int depth,
            long[] bytes, long line) throws XMLStreamException {
        while (true) {
            int event = reader.next();
            if (event == XMLStreamConstants.END_ELEMENT) {
                return;
            }
            if (event == XMLStreamConstants.START_ELEMENT) {
                descend(reader, prefix + reader.getLocalName(), record, depth + 1, bytes, line);
            }
        }
    }

    /** The element the reader is at: its text, or its own children's, under its path; read to its end. */
    private void descend(XMLStreamReader reader, String name, Map<String, List<String>> record, int depth,
            long[] bytes, long line) throws XMLStreamException {
        checkDepth(depth, reader);
        boolean nil = "true".equals(reader.getAttributeValue(XSI, "nil"));
        attributes(reader, name + ".", record, bytes, line);
        StringBuilder text = new StringBuilder();
        boolean hasChildren = false;
        while (true) {
            int e = reader.next();
            if (e == XMLStreamConstants.CHARACTERS || e == XMLStreamConstants.CDATA
                    || e == XMLStreamConstants.SPACE) {
                text.append(reader.getText());
                count(bytes, reader.getTextLength(), line);
            } else if (e == XMLStreamConstants.START_ELEMENT) {
                hasChildren = true;
                descend(reader, name + "." + reader.getLocalName(), record, depth + 1, bytes, line);
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                break;
            }
        }
        if (!hasChildren) {
            put(record, name, nil ? null : text.toString());
        }
    }

    private void attributes(XMLStreamReader reader, String prefix, Map<String, List<String>> record, long[] bytes,
            long line) {
        for (int a = 0; a < reader.getAttributeCount(); a++) {
            if (XSI.equals(reader.getAttributeNamespace(a))) {
                continue;
            }
            String value = reader.getAttributeValue(a);
            count(bytes, value.length(), line);
            put(record, prefix + reader.getAttributeLocalName(a), value);
        }
    }

    private static void put(Map<String, List<String>> record, String name, String text) {
        record.computeIfAbsent(name, n -> new ArrayList<>(1)).add(text);
    }

    private void count(long[] bytes, int more, long line) {
        bytes[0] += more;
        if (bytes[0] > limits.maxRecordBytes()) {
            throw new CsvBytes.TooLarge("XML record at line " + line + " of more than " + limits.maxRecordBytes()
                    + " bytes", Limits.MAX_RECORD_BYTES, limits.maxRecordBytes());
        }
    }

    private void checkDepth(int depth, XMLStreamReader reader) {
        if (depth > limits.maxNestingDepth()) {
            throw new CsvBytes.TooLarge("XML nested deeper than " + limits.maxNestingDepth() + " levels at line "
                    + reader.getLocation().getLineNumber(), Limits.MAX_NESTING_DEPTH, limits.maxNestingDepth());
        }
    }
}
