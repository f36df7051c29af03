package io.nimbusverse.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each stage makes progress on the work that waits for it. A stage whose thread died, or that is stuck (a
 * read that never ends, a retry that never succeeds), has work waiting and makes no progress: once that lasts
 * {@code nimbus.health.stall-timeout-ms} the stage is stalled. Its health check ({@link StageHealthCheck}) turns
 * {@code /observe/health} DOWN, {@code nimbus_stage_stalled{stage}} is 1 (alert NimbusStageStalled), the log says
 * so once, and a run-once run ends with exit code 3. Stages report progress as they work, down to the rows of a
 * long conversion or load, so a large item is not mistaken for a stuck one.
 */
public class StageHealth {

    /** The stages watched; what "work waits for one" means is given with {@link #watch}. */
    public enum Stage {
        INTAKE, LANDING, CONVERT, UPLOAD, LOAD, COMPLETION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StageHealth.class);

    private final Duration stallTimeout;
    private final Clock clock;
    private final Map<Stage, Watch> watches = new EnumMap<>(Stage.class);

    /** What is known of one stage: when it last progressed, since when work waits, whether it is stalled. */
    private static final class Watch {
        final BooleanSupplier waiting;
        volatile long lastProgress;
        volatile long waitingSince = -1;
        volatile boolean stalled;

        Watch(BooleanSupplier waiting, long now) {
            this.waiting = waiting;
            this.lastProgress = now;
        }
    }

    public StageHealth(Duration stallTimeout, Clock clock) {
        this.stallTimeout = stallTimeout;
        this.clock = clock;
    }

    /** Watches a stage: {@code waiting} tells whether work waits for it now. */
    public StageHealth watch(Stage stage, BooleanSupplier waiting, MeterRegistry metrics) {
        Watch watch = new Watch(waiting, clock.millis());
        watches.put(stage, watch);
        Gauge.builder("nimbus.stage.stalled", () -> watch.stalled ? 1 : 0)
                .description("1 while the stage has work waiting and made no progress for nimbus.health.stall-timeout-ms")
                .tag("stage", stage.label())
                .register(metrics);
        Gauge.builder("nimbus.stage.last.progress.timestamp.seconds", () -> watch.lastProgress / 1000.0)
                .description("When the stage last made progress (Unix time)")
                .tag("stage", stage.label())
                .register(metrics);
        return this;
    }

    /** The stage did some of its work: an item, an object, a poll, a few thousand rows. */
    public void progress(String stage) {
        Watch watch = watches.get(Stage.valueOf(stage.toUpperCase(Locale.ROOT)));
        if (watch != null) {
            watch.lastProgress = clock.millis();
        }
    }

    /** A heartbeat of one stage, for code that reports progress without knowing the stages. */
    public Runnable heartbeat(Stage stage) {
        return () -> progress(stage.name());
    }

    /**
     * Looks at every stage: called on a timer, so that a stage's wait is known from its start. Returns the reasons of
     * the stages that became stalled by this look.
     */
    public synchronized List<String> evaluate() {
        long now = clock.millis();
        List<String> newlyStalled = new ArrayList<>();
        watches.forEach((stage, watch) -> {
            boolean waiting = watch.waiting.getAsBoolean();
            if (!waiting) {
                watch.waitingSince = -1;
            } else if (watch.waitingSince < 0) {
                watch.waitingSince = now;
            }
            boolean stalled = waiting && now - Math.max(watch.lastProgress, watch.waitingSince)
                    > stallTimeout.toMillis();
            if (stalled && !watch.stalled) {
                String reason = reason(stage, watch, now);
                LOG.error("{}", reason);
                newlyStalled.add(reason);
            } else if (!stalled && watch.stalled) {
                LOG.info("Stage {} makes progress again", stage.label());
            }
            watch.stalled = stalled;
        });
        return newlyStalled;
    }

    /** Why the stage is stalled, or empty when it is not. */
    public Optional<String> stalled(Stage stage) {
        Watch watch = watches.get(stage);
        return watch == null || !watch.stalled ? Optional.empty() : Optional.of(reason(stage, watch, clock.millis()));
    }

    /** The reasons of every stalled stage. */
    public List<String> stalled() {
        return watches.keySet().stream().map(this::stalled).flatMap(Optional::stream).toList();
    }

    public List<Stage> watched() {
        return List.copyOf(watches.keySet());
    }

    private String reason(Stage stage, Watch watch, long now) {
        return "Stage " + stage.label() + " has had work waiting for " + (now - watch.waitingSince) / 1000
                + " s and made no progress for " + (now - watch.lastProgress) / 1000
                + " s (nimbus.health.stall-timeout-ms is " + stallTimeout.toMillis() + "): its thread died or is stuck";
    }
}
