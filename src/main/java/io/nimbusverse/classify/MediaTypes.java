package io.nimbusverse.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.nimbusverse.names.FileNames;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;

/**
 * Detects the media type of a file and sorts it into a class: structured, semi-structured or unstructured.
 * Content comes first, the name is a hint:
 * <ol>
 * <li>Tika reads the first bytes: a binary format or a marked text format (PDF, PNG, gzip, an XML declaration...)
 * is what its bytes say, whatever the name ({@code report.csv} holding a PDF is a PDF).</li>
 * <li>Text that the bytes cannot tell apart takes the format of the name's extension when it has one Tika knows
 * ({@code .csv}, {@code .tsv}, {@code .json}, {@code .txt}...). Only the extension is used: the rest of a name
 * ({@code ?}, {@code #}, spaces, any script) never changes the answer.</li>
 * <li>Text whose name has no such extension is sniffed: JSON when it opens with { or [, XML with &lt;, CSV or TSV
 * when its first lines hold the same number of one delimiter; plain text otherwise.</li>
 * </ol>
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
        String extension = FileNames.extensionOf(name);
        Metadata metadata = new Metadata();
        if (!extension.isEmpty()) {
            // Tika reads a resource name as a URL: "a?b#.csv" would lose its extension
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, "item." + extension.toLowerCase(Locale.ROOT));
        }
        MediaType type;
        try (InputStream in = TikaInputStream.get(file)) {
            type = detector.detect(in, metadata).getBaseType();
        }
        if (type.equals(MediaType.TEXT_PLAIN) && !namesAFormat(extension)) {
            return TextSniffer.sniff(file);
        }
        return type.toString();
    }

    /** Whether Tika knows a media type by this extension. */
    private boolean namesAFormat(String extension) {
        if (extension.isEmpty()) {
            return false;
        }
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, "item." + extension.toLowerCase(Locale.ROOT));
        try {
            return !detector.detect(null, metadata).equals(MediaType.OCTET_STREAM);
        } catch (IOException e) {
            return false;
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
