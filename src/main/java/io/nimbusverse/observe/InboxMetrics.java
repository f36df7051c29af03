package io.nimbusverse.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** How many files wait in the inbox, counted at each scrape: with nothing ingested, a stalled inbox. */
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
}
