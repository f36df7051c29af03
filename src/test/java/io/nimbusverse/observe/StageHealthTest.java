package io.nimbusverse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.ManualClock;
import io.nimbusverse.observe.StageHealth.Stage;
import org.junit.jupiter.api.Test;

class StageHealthTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final AtomicBoolean waiting = new AtomicBoolean();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final StageHealth health = new StageHealth(Duration.ofMinutes(10), clock)
            .watch(Stage.CONVERT, waiting::get, metrics);

    private double stalledGauge() {
        return metrics.get("nimbus.stage.stalled").tag("stage", "convert").gauge().value();
    }

    @Test
    void aStageWithNothingWaitingIsNeverStalledHoweverLongItIsQuiet() {
        clock.advance(Duration.ofHours(5));
        assertThat(health.evaluate()).isEmpty();
        assertThat(health.stalled(Stage.CONVERT)).isEmpty();
        assertThat(stalledGauge()).isZero();
    }

    @Test
    void workWaitingWithoutProgressStallsTheStageOnceAndProgressEndsIt() {
        clock.advance(Duration.ofHours(5));
        waiting.set(true);
        // the wait is counted from when the work was first seen waiting, not from the last progress hours ago
        assertThat(health.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(9));
        assertThat(health.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(2));

        assertThat(health.evaluate()).singleElement().asString()
                .contains("Stage convert", "work waiting for 660 s", "nimbus.health.stall-timeout-ms");
        assertThat(health.evaluate()).as("said once").isEmpty();
        assertThat(health.stalled(Stage.CONVERT)).isPresent();
        assertThat(stalledGauge()).isEqualTo(1);

        health.progress("convert");
        health.evaluate();
        assertThat(health.stalled(Stage.CONVERT)).isEmpty();
        assertThat(stalledGauge()).isZero();
    }

    @Test
    void aLongItemThatReportsProgressIsNotStalled() {
        waiting.set(true);
        for (int minute = 0; minute < 60; minute++) {
            clock.advance(Duration.ofMinutes(1));
            health.heartbeat(Stage.CONVERT).run();
            assertThat(health.evaluate()).isEmpty();
        }
        assertThat(metrics.get("nimbus.stage.last.progress.timestamp.seconds").tag("stage", "convert").gauge()
                .value()).isEqualTo(clock.instant().getEpochSecond());
    }
}
