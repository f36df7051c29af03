package io.nimbusverse.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On the first run, copies the demo files of samples/ into the inbox, so the pipeline has something to show. */
public class SampleFeeder {

    private static final Logger LOG = LoggerFactory.getLogger(SampleFeeder.class);

    private final Path samples;
    private final Path inbox;
    private final Path marker;

    public SampleFeeder(Path samples, Path inbox, Path dataDir) {
        this.samples = samples;
        this.inbox = inbox;
        this.marker = dataDir.resolve(".samples-fed");
    }

    /** Copies the samples once per data folder; returns how many files were copied. */
    public int feedOnce() throws IOException {
        if (Files.exists(marker) || !Files.isDirectory(samples)) {
            return 0;
        }
        Files.createDirectories(inbox);
        int copied = 0;
        try (Stream<Path> files = Files.list(samples)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                // copy under a hidden name, then rename: the inbox never shows a half-written sample
                Path hidden = inbox.resolve("." + file.getFileName() + ".copying");
                Files.copy(file, hidden, StandardCopyOption.REPLACE_EXISTING);
                Files.move(hidden, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                copied++;
            }
        }
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "samples copied into " + inbox + "\n");
        LOG.info("First run: copied {} sample files from {} into the inbox {}", copied, samples, inbox);
        return copied;
    }
}
