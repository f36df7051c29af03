package io.nimbusverse.intake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.nimbusverse.names.FileNames;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Lands the objects dropped under the S3 landing prefix in the inbox, where the file intake takes them like any
 * dropped file. Each is written whole under a hidden folder of the inbox, given the object's modification time, and
 * then renamed to the rest of its key: an object landed twice (the process ended before S3 moved it away) is the same
 * version of the same file, held or found a duplicate, never loaded twice.
 */
public class LandingObjects {

    /** The inbox folder the objects are written in before they are renamed; the intake passes over it. */
    public static final String LANDING_FOLDER = ".nimbus-landing";
    private static final Logger LOG = LoggerFactory.getLogger(LandingObjects.class);
    /** bytes of one name in a file system */
    private static final int MAX_NAME_BYTES = 255;

    private final Path inbox;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public LandingObjects(Path inbox, S3Client s3, String bucket, String prefix) {
        this.inbox = inbox;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /**
     * Whether an object waits under the landing prefix, for the stage's health: S3 that does not answer is no work
     * seen (the upload's and the startup's checks tell of S3 itself).
     */
    public boolean waiting() {
        try {
            return !s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1)).contents().isEmpty();
        } catch (SdkException e) {
            LOG.debug("The landing prefix could not be listed: {}", e.getMessage());
            return false;
        }
    }

    /** Writes the object into the inbox under its name there; a folder marker (a key that names no file) is skipped. */
    public void land(@Header("CamelAwsS3Key") String key, @Header("CamelAwsS3LastModified") Instant modified,
            @Body InputStream content) throws IOException {
        String name = inboxName(key, prefix);
        if (name == null) {
            LOG.debug("{} names no file: nothing to land", FileNames.printable(key));
            return;
        }
        Path landing = inbox.resolve(LANDING_FOLDER);
        Files.createDirectories(landing);
        Path written = landing.resolve(FileNames.hash(key) + ".landing");
        Files.copy(content, written, StandardCopyOption.REPLACE_EXISTING);
        if (modified != null) {
            Files.setLastModifiedTime(written, FileTime.from(modified));
        }
        Path target = inbox.resolve(name);
        Files.createDirectories(target.getParent());
        Files.move(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Landed {} from S3 in the inbox as {}", FileNames.printable(key), FileNames.printable(name));
    }

    /**
     * The inbox-relative name of the object: its key after the prefix, with the segments a file system cannot hold
     * left out (empty, {@code .}, {@code ..}) or made short and harmless (over 255 bytes, a NUL); null when nothing
     * is left.
     */
    static String inboxName(String key, String prefix) {
        String rest = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        List<String> segments = new ArrayList<>();
        for (String segment : rest.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                continue;
            }
            boolean unfit = FileNames.utf8Length(segment) > MAX_NAME_BYTES || segment.indexOf('\0') >= 0;
            segments.add(unfit ? FileNames.bounded(segment) : segment);
        }
        if (segments.isEmpty() || rest.endsWith("/")) {
            return null;
        }
        return String.join("/", segments);
    }
}
