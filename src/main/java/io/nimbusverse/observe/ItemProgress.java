package io.nimbusverse.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nimbusverse.loader.RowProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far a stage is in the item it works on: an item that takes longer than {@code logEvery} gets a line at each such
 * interval with its rows, rows per second and percent, and one when it ends; the same is exported as
 * {@code nimbus_item_progress_ratio{stage}} and {@code nimbus_item_rows{stage}}. Each report is also the stage's
 * heartbeat, so a long item is never taken for a stall.
 */
public class ItemProgress implements RowProgress {

    private static final Logger LOG = LoggerFactory.getLogger("io.nimbusverse.progress");

    private final String stage;
    private final Runnable heartbeat;
    private final Clock clock;
    private final long logEveryMillis;
    private volatile String item;
    private volatile long startedAt;
    private volatile long nextLogAt;
    private volatile boolean logged;
    private volatile long rows;
    private volatile double fraction;

    public ItemProgress(String stage, Runnable heartbeat, Duration logEvery, Clock clock, MeterRegistry metrics) {
        this.stage = stage;
        this.heartbeat = heartbeat;
        this.clock = clock;
        this.logEveryMillis = logEvery.toMillis();
        Gauge.builder("nimbus.item.progress.ratio", this, p -> p.fraction)
                .description("How much of the item the stage works on is done, from 0 to 1 (0 when none)")
                .tag("stage", stage).register(metrics);
        Gauge.builder("nimbus.item.rows", this, p -> p.rows)
                .description("Rows done of the item the stage works on (0 when none)")
                .tag("stage", stage).register(metrics);
    }

    @Override
    public void started(String item) {
        this.item = item;
        startedAt = clock.millis();
        nextLogAt = startedAt + logEveryMillis;
        logged = false;
        rows = 0;
        fraction = 0;
    }

    @Override
    public void advanced(long rows, double fraction) {
        this.rows = rows;
        this.fraction = Math.max(0, Math.min(1, fraction));
        heartbeat.run();
        long now = clock.millis();
        if (now >= nextLogAt) {
            nextLogAt = now + logEveryMillis;
            logged = true;
            LOG.info("{}: {}: {} rows ({}%), {} rows/s", stage, item, String.format(Locale.ROOT, "%,d", rows),
                    Math.round(this.fraction * 100), perSecond(rows, now));
        }
    }

    @Override
    public void finished() {
        if (logged) {
            long now = clock.millis();
            LOG.info("{}: {}: {} rows in {} s, {} rows/s", stage, item, String.format(Locale.ROOT, "%,d", rows),
                    (now - startedAt) / 1000, perSecond(rows, now));
        }
        item = null;
        rows = 0;
        fraction = 0;
    }

    private String perSecond(long rows, long now) {
        return String.format(Locale.ROOT, "%,d", rows * 1000 / Math.max(1, now - startedAt));
    }
}
