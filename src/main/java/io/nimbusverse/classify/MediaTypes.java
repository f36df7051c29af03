package io.nimbusverse.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;

/**
 * Detects the media type of a file with Apache Tika and sorts it into a class: structured, semi-structured or
 * unstructured. The name goes to detection too: from bytes alone, CSV and JSON are plain text.
 */
public class MediaTypes {

    public static final String STRUCTURED = "structured";
    public static final String SEMI_STRUCTURED = "semi-structured";
    public static final String UNSTRUCTURED = "unstructured";

    private final Detector detector;
    private final MediaTypeRegistry registry;
    private final Set<MediaType> structured;
    private final Set<MediaType> semiStructured;

    /**
     * @param structured     media types converted to Parquet (text/csv...)
     * @param semiStructured media types whose records and keys are described (application/json...)
     */
    public MediaTypes(List<String> structured, List<String> semiStructured) {
        TikaConfig tika = TikaConfig.getDefaultConfig();
        this.detector = tika.getDetector();
        this.registry = tika.getMediaTypeRegistry();
        this.structured = parse(structured);
        this.semiStructured = parse(semiStructured);
    }

    private static Set<MediaType> parse(List<String> types) {
        return types.stream().map(String::trim).filter(t -> !t.isEmpty())
                .map(t -> MediaType.parse(t.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The media type of the file, without parameters such as the charset. */
    public String detect(Path file, String name) throws IOException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        try (InputStream in = TikaInputStream.get(file)) {
            return detector.detect(in, metadata).getBaseType().toString();
        }
    }

    /** The class of a media type; a subtype of a listed type (application/ld+json of JSON) belongs to its class. */
    public String classify(String mediaType) {
        MediaType type = MediaType.parse(mediaType);
        if (type == null) {
            return UNSTRUCTURED;
        }
        if (matches(type, structured)) {
            return STRUCTURED;
        }
        if (matches(type, semiStructured)) {
            return SEMI_STRUCTURED;
        }
        return UNSTRUCTURED;
    }

    private boolean matches(MediaType type, Set<MediaType> listed) {
        // a structured syntax suffix (RFC 6839) names the format: application/ld+json is JSON
        if (type.getSubtype().endsWith("+json") && listed.contains(MediaType.application("json"))) {
            return true;
        }
        for (MediaType t = type.getBaseType(); t != null; t = registry.getSupertype(t)) {
            if (listed.contains(t)) {
                return true;
            }
            if (t.equals(MediaType.TEXT_PLAIN) || t.equals(MediaType.OCTET_STREAM)) {
                return false;
            }
        }
        return false;
    }
}
