package io.nimbusverse.convert;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** The JSON and XML parsers of the converter, bounded by the {@link Limits}, and what their errors say to a user. */
final class Parsers {

    private static final String WOODSTOX_MAX_DEPTH = "com.ctc.wstx.maxElementDepth";

    private Parsers() {
    }

    /** Nesting, texts and names bounded by the limits; the source named in error locations. */
    static JsonFactory json(Limits limits) {
        return JsonFactory.builder()
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxRecordBytes())
                        .maxNameLength(limits.maxRecordBytes())
                        .maxNumberLength(limits.maxRecordBytes())
                        .build())
                .build();
    }

    /** No DTD, no external entity; the nesting limit is ours (it names the setting), not Woodstox's own. */
    static XMLInputFactory xml() {
        XMLInputFactory xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        if (xml.isPropertySupported(WOODSTOX_MAX_DEPTH)) {
            xml.setProperty(WOODSTOX_MAX_DEPTH, Integer.MAX_VALUE);
        }
        return xml;
    }

    static LimitExceededException jsonLimit(StreamConstraintsException e, Limits limits) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
        if (e.getMessage().contains("nesting depth")) {
            return Limits.exceeded("JSON nested deeper than " + limits.maxNestingDepth() + " levels" + where,
                    Limits.MAX_NESTING_DEPTH, limits.maxNestingDepth());
        }
        return Limits.exceeded("JSON with a text longer than " + limits.maxRecordBytes() + " characters" + where,
                Limits.MAX_RECORD_BYTES, limits.maxRecordBytes());
    }

    static MalformedFileException malformedJson(JsonProcessingException e) {
        return new MalformedFileException("malformed JSON"
                + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()) + ": "
                + e.getOriginalMessage(), e);
    }

    static MalformedFileException malformedXml(XMLStreamException e) {
        return new MalformedFileException("malformed XML"
                + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNumber()) + ": "
                + e.getMessage().replaceAll("^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message: ", ""), e);
    }

    /** Each name's position in the list. */
    static Map<String, Integer> positions(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        return index;
    }
}
