package io.nimbusverse.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the inbox holds a file that intake has not taken: not a name intake passes over (hidden, temporary),
     * and no item in flight has its name (a taken file stays in the inbox until its data is in S3).
     */
    public static boolean untakenFileIn(Path inbox, Ledger ledger, Predicate<String> passedOver) {
        if (!Files.isDirectory(inbox)) {
            return false;
        }
        Set<String> inFlight = ledger.namesInFlight();
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .anyMatch(name -> !passedOver.test(name) && !inFlight.contains(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
