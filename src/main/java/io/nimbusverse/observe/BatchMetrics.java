package io.nimbusverse.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nimbusverse.intake.Batches;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.signal.Complete;

/**
 * The metrics of batches and of the ledger, beside the counters the routes keep (micrometer: endpoints): how long a
 * batch takes from its creation to its COMPLETE (a histogram), when the last one succeeded, how many are in flight,
 * which wait for their COMPLETE and for how long, and the ledger's entries by status.
 */
public class BatchMetrics {


    private final MeterRegistry registry;
    private final Ledger ledger;
    private final AtomicLong lastSuccess = new AtomicLong();
    private final MultiGauge awaiting;
    private final Counter timeouts;

    /**
     * @param noSuccessAlert how long without a successful batch makes the alert NimbusNoSuccessfulBatch fire
     *                       (prometheus/rules): exported so that it is configured with the application
     */
    public BatchMetrics(MeterRegistry registry, Ledger ledger, Duration noSuccessAlert) {
        this.registry = registry;
        this.ledger = ledger;
        Gauge.builder("nimbus.alert.no.successful.batch.seconds", noSuccessAlert::toSeconds)
                .description("After this long without a successful batch, NimbusNoSuccessfulBatch fires")
                .register(registry);
        timeouts = Counter.builder("nimbus.completion.timeouts")
                .description("Batches that got no COMPLETE before nimbus.completion.timeout-ms")
                .register(registry);
        Gauge.builder("nimbus.batches.in.flight", () -> ledger.batchesWith(ItemStatus.IN_FLIGHT).size())
                .description("Batches with items not yet done, failed or quarantined")
                .register(registry);
        for (ItemStatus status : ItemStatus.values()) {
            if (status != ItemStatus.REMOVED) {
                Gauge.builder("nimbus.ledger.entries", () -> ledger.countByStatus().getOrDefault(status, 0L))
                        .description("Ledger entries by their latest status")
                        .tag("status", status.name())
                        .register(registry);
            }
        }
        Gauge.builder("nimbus.last.successful.batch.timestamp.seconds", lastSuccess, AtomicLong::get)
                .description("When the last batch completed SUCCEEDED (Unix time), 0 before the first")
                .register(registry);
        awaiting = MultiGauge.builder("nimbus.batch.awaiting.completion.seconds")
                .description("Batches uploaded and waiting for their COMPLETE, by how long since their creation")
                .register(registry);
    }

    /** Records a batch answered by the loader. */
    public void completed(Complete complete) {
        Timer.builder("nimbus.batch.duration")
                .description("From a batch's creation to its COMPLETE answer")
                .tag("status", complete.status())
                .register(registry)
                .record(Duration.between(Batches.createdAt(complete.batchId()), Instant.now()));
        if (complete.succeeded()) {
            lastSuccess.set(Instant.now().getEpochSecond());
        }
    }

    /** Counts a batch that got no COMPLETE in time. */
    public void timedOut() {
        timeouts.increment();
    }

    /** Brings the list of batches waiting for their COMPLETE up to date (called on the deadline check's timer). */
    public void refreshAwaiting() {
        List<MultiGauge.Row<?>> rows = ledger.batchesWith(Set.of(ItemStatus.UPLOADED)).stream()
                .<MultiGauge.Row<?>>map(batchId -> MultiGauge.Row.of(Tags.of("batch_id", batchId),
                        () -> Duration.between(Batches.createdAt(batchId), Instant.now()).toSeconds()))
                .toList();
        awaiting.register(rows, true);
    }

    /**
     * Histogram buckets for the pipeline's timers, so that percentiles can be graphed (histogram_quantile) from a
     * dozen series each: conversions take milliseconds to minutes, batches seconds to hours.
     */
    /**
     * The registry of Camel's metrics and the pipeline's, its filters set before any meter is registered (a filter
     * added later does not apply to the meters before it, and Micrometer warns): Camel's micrometer endpoints tag every
     * meter camelContext, our families keep Prometheus' snake_case; the histograms get their buckets.
     */
    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(MeterFilter.renameTag("nimbus", "camelContext", "camel_context"));
        registry.config().meterFilter(histogramBuckets());
        return registry;
    }

    static MeterFilter histogramBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                double[] seconds = switch (id.getName()) {
                    case "nimbus.conversion.duration" -> new double[] {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
                        120, 300};
                    case "nimbus.batch.duration" -> new double[] {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200};
                    default -> null;
                };
                if (seconds == null) {
                    return config;
                }
                double[] nanos = Arrays.stream(seconds).map(s -> s * 1e9).toArray();
                return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
            }
        };
    }

}
