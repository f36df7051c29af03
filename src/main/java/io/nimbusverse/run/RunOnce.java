package io.nimbusverse.run;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.nimbusverse.intake.BatchProgress;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.observe.StageHealth;
import io.nimbusverse.signal.Complete;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-once mode: once the inbox and every table have been read through and every batch has ended (completed,
 * failed or timed out), prints a summary of each batch and stops the application with exit code 0, or 1 when a
 * batch failed or timed out.
 */
public class RunOnce implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(RunOnce.class);
    /** The exit code of a run that stopped because a stage stalled (as for a fatal error: the run did not finish). */
    public static final int STALLED_EXIT_CODE = FatalErrors.EXIT_CODE;
    /** The exit code of a run stopped by a failure that a setting must mend, as for one found at start. */
    public static final int MISCONFIGURED_EXIT_CODE = 2;

    private final Ledger ledger;
    private final BatchSummaries summaries;
    private final RunOutcome outcome;
    private final BooleanSupplier tablesReadThrough;
    private final StageHealth stages;
    private final Supplier<String> permanentFailure;
    private final boolean strict;
    private final Map<String, Complete> answers = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private volatile boolean inboxDrained;
    private volatile boolean quietOnce;
    private volatile boolean finished;

    /**
     * @param permanentFailure the first failure of the run that trying again cannot mend, or null
     * @param strict a quarantined item fails the run too ({@code --strict})
     */
    public RunOnce(Ledger ledger, BatchSummaries summaries, RunOutcome outcome, BooleanSupplier tablesReadThrough,
            StageHealth stages, Supplier<String> permanentFailure, boolean strict) {
        this.ledger = ledger;
        this.summaries = summaries;
        this.outcome = outcome;
        this.tablesReadThrough = tablesReadThrough;
        this.stages = stages;
        this.permanentFailure = permanentFailure;
        this.strict = strict;
    }

    /** The file consumer found nothing new in the inbox. */
    public void inboxDrained() {
        inboxDrained = true;
    }

    /** A loader answered a batch. */
    public void answered(Complete complete) {
        answers.put(complete.batchId(), complete);
    }

    /**
     * Called on a timer: stops the application once all is done (twice in a row, so that nothing is between), or
     * at once when a stage is stalled or a setting must be mended (a bucket gone, access denied): nothing would end
     * the run then. What was not done is taken up again by the next start.
     */
    public synchronized void check() {
        if (finished) {
            return;
        }
        List<String> stalled = stages.stalled();
        if (!stalled.isEmpty()) {
            finished = true;
            String text = "\n=== NimbusVerse run stopped: a stage makes no progress ===\n"
                    + String.join("\n", stalled) + "\nexit code " + STALLED_EXIT_CODE;
            outcome.finish(STALLED_EXIT_CODE, text);
            stop();
            return;
        }
        String permanent = permanentFailure.get();
        if (permanent != null) {
            finished = true;
            outcome.finish(MISCONFIGURED_EXIT_CODE, summary(outcomes()) + "The run cannot go on: " + permanent
                    + "\nexit code " + MISCONFIGURED_EXIT_CODE);
            stop();
            return;
        }
        if (!inboxDrained || !tablesReadThrough.getAsBoolean()) {
            return;
        }
        boolean quiet = ledger.inFlight().stream().noneMatch(e -> e.status() == ItemStatus.CLAIMED && !e.hasBatch())
                && ledger.batchesWith(ItemStatus.IN_FLIGHT).stream().allMatch(this::ended);
        if (!quiet) {
            quietOnce = false;
            return;
        }
        if (!quietOnce) {
            quietOnce = true;
            return;
        }
        finished = true;
        report();
        stop();
    }

    private void stop() {
        Thread stopper = new Thread(() -> {
            try {
                camelContext.stop();
            } catch (RuntimeException e) {
                LOG.error("Stopping after the run failed", e);
            }
        }, "run-once-stop");
        stopper.start();
    }

    /** A batch has ended when no item waits on a stage any more, or its wait for COMPLETE timed out. */
    private boolean ended(String batchId) {
        return ledger.batch(batchId).stream()
                .filter(e -> ItemStatus.IN_FLIGHT.contains(e.status()))
                .allMatch(e -> e.status() == ItemStatus.UPLOADED && e.detail().contains(BatchProgress.TIMED_OUT));
    }

    private void report() {
        Map<String, String> outcomes = outcomes();
        StringBuilder text = new StringBuilder(summary(outcomes));
        boolean bad = outcomes.values().stream().anyMatch(r -> !r.equals(Complete.SUCCEEDED));
        long quarantined = ledger.touchedSinceOpen().stream().filter(e -> e.status() == ItemStatus.QUARANTINED)
                .count();
        boolean strictlyBad = strict && quarantined > 0;
        text.append(bad ? "Some batches failed or timed out: exit code 1"
                : strictlyBad ? quarantined + " item(s) quarantined, and the run is strict: exit code 1"
                : "Every batch completed: exit code 0");
        outcome.finish(bad || strictlyBad ? 1 : 0, text.toString());
        LOG.info("Run finished: {}", outcomes.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
    }

    /** Each batch of the run with its outcome, by batch id. */
    private Map<String, String> outcomes() {
        Map<String, String> outcomes = new TreeMap<>();
        for (LedgerEntry e : ledger.touchedSinceOpen()) {
            if (e.hasBatch()) {
                outcomes.put(e.batchId(), outcomeOf(e.batchId()));
            }
        }
        return outcomes;
    }

    /** The summary of each batch of the run and the duplicates skipped, as far as the run went. */
    private String summary(Map<String, String> outcomes) {
        StringBuilder text = new StringBuilder("\n=== NimbusVerse run summary: ").append(outcomes.size())
                .append(" batch(es) ===\n");
        outcomes.forEach((batchId, result) -> text.append(summaries.of(batchId, answers.get(batchId), result)));
        List<LedgerEntry> duplicates = ledger.touchedSinceOpen().stream()
                .filter(e -> e.status() == ItemStatus.DUPLICATE).toList();
        if (!duplicates.isEmpty()) {
            text.append("Duplicates skipped: ").append(duplicates.size()).append('\n');
            duplicates.forEach(d -> text.append("  ").append(d.name()).append(": ").append(d.detail()).append('\n'));
        }
        return text.toString();
    }

    private String outcomeOf(String batchId) {
        List<LedgerEntry> entries = ledger.batch(batchId);
        if (entries.stream().anyMatch(e -> e.status() == ItemStatus.FAILED)) {
            return Complete.FAILED;
        }
        if (entries.stream().anyMatch(e -> e.detail().contains(BatchProgress.TIMED_OUT))) {
            return "TIMED_OUT";
        }
        if (entries.stream().anyMatch(e -> ItemStatus.IN_FLIGHT.contains(e.status()))) {
            return "NOT FINISHED";
        }
        return Complete.SUCCEEDED;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
