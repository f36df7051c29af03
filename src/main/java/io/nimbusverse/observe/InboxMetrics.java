package io.nimbusverse.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.ledger.Ledger;

/**
 * How many files wait in the inbox, counted at each scrape: with nothing ingested, a stalled inbox. Also whether a
 * file waits that intake has not taken yet, for the intake stage's health.
 */
public final class InboxMetrics {

    private InboxMetrics() {
    }

    public static void register(MeterRegistry registry, Path inbox) {
        Gauge.builder("nimbus.inbox.files", () -> filesIn(inbox))
                .description("Files waiting in the inbox")
                .register(registry);
    }

    private static long filesIn(Path inbox) {
        try (Stream<String> files = filesUnder(inbox, name -> false)) {
            return files.count();
        }
    }

    /**
     * Whether the inbox (sub-folders too) holds a file that intake has not taken: not a name intake passes over
     * (hidden, temporary, or in a folder of such a name), and no item in flight has its name (a taken file stays in
     * the inbox until its data is in S3).
     */
    public static boolean untakenFileIn(Path inbox, Ledger ledger, Predicate<String> passedOver) {
        Set<String> inFlight = ledger.namesInFlight();
        try (Stream<String> files = filesUnder(inbox, passedOver)) {
            return files.anyMatch(name -> !inFlight.contains(name));
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                // a file left the inbox while it was listed: files are coming and going, one is there to take
                return true;
            }
            throw e;
        }
    }

    /** The inbox's files as intake names them (relative, {@code /} between folders), but the passed-over ones. */
    private static Stream<String> filesUnder(Path inbox, Predicate<String> passedOver) {
        if (!Files.isDirectory(inbox)) {
            return Stream.empty();
        }
        try {
            return Files.walk(inbox).filter(Files::isRegularFile)
                    .map(f -> inbox.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(name -> Arrays.stream(name.split("/")).noneMatch(passedOver));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
