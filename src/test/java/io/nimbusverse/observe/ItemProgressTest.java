package io.nimbusverse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.LogCapture;
import io.nimbusverse.ManualClock;
import org.junit.jupiter.api.Test;

class ItemProgressTest {

    private final ManualClock clock = new ManualClock(Instant.EPOCH);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final ItemProgress progress = new ItemProgress("load", heartbeats::incrementAndGet,
            Duration.ofSeconds(5), clock, metrics);

    @Test
    void aLongItemGetsALineEveryFewSecondsWithRowsPercentAndSpeedAndOneWhenItEnds() {
        try (LogCapture log = LogCapture.attach()) {
            progress.started("big.csv into big");
            for (int second = 1; second <= 12; second++) {
                clock.advance(Duration.ofSeconds(1));
                progress.advanced(second * 100_000L, second / 12.0);
                if (second == 6) {
                    assertThat(metrics.get("nimbus.item.rows").tag("stage", "load").gauge().value())
                            .isEqualTo(600_000);
                    assertThat(metrics.get("nimbus.item.progress.ratio").tag("stage", "load").gauge().value())
                            .isEqualTo(0.5);
                }
            }
            progress.finished();

            assertThat(log.lines().stream().filter(l -> l.contains("io.nimbusverse.progress")).toList())
                    .containsExactly(
                            "INFO io.nimbusverse.progress load: big.csv into big: 500,000 rows (42%), 100,000 rows/s",
                            "INFO io.nimbusverse.progress load: big.csv into big: 1,000,000 rows (83%), 100,000 rows/s",
                            "INFO io.nimbusverse.progress load: big.csv into big: 1,200,000 rows in 12 s, 100,000 "
                                    + "rows/s");
        }
        assertThat(heartbeats).hasValue(12);
        assertThat(metrics.get("nimbus.item.rows").tag("stage", "load").gauge().value()).isZero();
        assertThat(metrics.get("nimbus.item.progress.ratio").tag("stage", "load").gauge().value()).isZero();
    }

    @Test
    void aShortItemSaysNothing() {
        try (LogCapture log = LogCapture.attach()) {
            progress.started("small.csv into small");
            clock.advance(Duration.ofMillis(300));
            progress.advanced(1_000, 1.0);
            progress.finished();
            assertThat(log.lines()).noneMatch(l -> l.contains("io.nimbusverse.progress"));
        }
        assertThat(heartbeats).hasValue(1);
    }
}
