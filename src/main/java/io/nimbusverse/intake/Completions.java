package io.nimbusverse.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.cloud.BatchSignals;
import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the completion watcher needs: the COMPLETE answers of the batches that wait for one, the items a loader set
 * aside, the batches that waited too long, and a FAILED batch brought back to be loaded again.
 *
 * <p>Answers are looked up batch by batch, for the batches the ledger says wait (items UPLOADED): a batch completes
 * within one poll of its answer however many batches are in flight, and an answer is never taken for a batch this
 * pipeline does not wait for. An answer written by this process (the on-prem loader) is announced, and looked up at
 * the next check, without waiting for the next look at every waiting batch.
 */
public class Completions {

    private static final Logger LOG = LoggerFactory.getLogger(Completions.class);

    private final Ledger ledger;
    private final Batches batches;
    private final BatchSignals signals;
    private final ObjectMapper json;
    private final Duration timeout;
    private final Duration lookEvery;
    private final Clock clock;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private Instant nextLook = Instant.MIN;

    /** @param lookEvery how often every waiting batch's answer is looked for; announced ones at every check */
    public Completions(Ledger ledger, Batches batches, BatchSignals signals, ObjectMapper json, Duration timeout,
            Duration lookEvery, Clock clock) {
        this.ledger = ledger;
        this.batches = batches;
        this.signals = signals;
        this.json = json;
        this.timeout = timeout;
        this.lookEvery = lookEvery;
        this.clock = clock;
    }

    /** The on-prem loader wrote the batch's answer: the next check takes it. */
    public void announce(String batchId) {
        announced.add(batchId);
    }

    /**
     * The answers that arrived for the batches waiting for one: of every waiting batch once {@code lookEvery} has
     * passed since the last such look, and of the announced ones at each call.
     */
    public List<Complete> arrived() {
        Set<String> waiting = new LinkedHashSet<>(ledger.batchesWith(Set.of(ItemStatus.UPLOADED)));
        Instant now = clock.instant();
        Set<String> look = new LinkedHashSet<>();
        for (String batchId : List.copyOf(announced)) {
            announced.remove(batchId);
            if (waiting.contains(batchId)) {
                look.add(batchId);
            }
        }
        if (!now.isBefore(nextLook)) {
            look.addAll(waiting);
            nextLook = now.plus(lookEvery);
        }
        List<Complete> arrived = new ArrayList<>();
        for (String batchId : look) {
            signals.answer(batchId).map(text -> parse(batchId, text)).ifPresent(arrived::add);
        }
        return arrived;
    }

    /** An answer that cannot be read is an answer all the same: the batch failed, with that reason. */
    private Complete parse(String batchId, String text) {
        try {
            Complete complete = json.readValue(text, Complete.class);
            if (batchId.equals(complete.batchId()) && complete.status() != null) {
                return complete;
            }
            return unreadable(batchId, "it answers batch " + complete.batchId() + " with status " + complete.status());
        } catch (JsonProcessingException e) {
            return unreadable(batchId, e.getOriginalMessage());
        }
    }

    private static Complete unreadable(String batchId, String why) {
        LOG.error("The COMPLETE of batch {} cannot be read: {}", batchId, why);
        return new Complete(batchId, Complete.FAILED, Instant.now(), List.of(),
                List.of("the COMPLETE cannot be read: " + why));
    }

    public Signal completedSignal(Complete complete) {
        Signal signal = batches.signalOf(SignalType.COMPLETED, complete.batchId());
        signal.setStatus(complete.status());
        signal.setDetail(complete.succeeded() ? null : String.join("; ", complete.errors()));
        return signal;
    }

    /** Those of the batch's items the loader set aside, each with the reason it gave, to be quarantined. */
    public List<BatchItem> notLoaded(Complete complete, List<BatchItem> batchItems) {
        Map<String, Complete.NotLoaded> refused = complete.notLoaded().stream()
                .collect(Collectors.toMap(Complete.NotLoaded::key, Function.identity(), (a, b) -> a));
        List<BatchItem> items = new ArrayList<>();
        for (BatchItem item : batchItems) {
            Complete.NotLoaded why = refused.get(item.getKey());
            if (why != null && !item.isQuarantined()) {
                item.setQuarantineReason("not loaded into table " + why.dataset() + ": " + why.reason());
                // its copy goes to the quarantine folder of the instance that completes the batch
                items.add(batches.withFiles(item));
            }
        }
        return items;
    }

    /**
     * Brings a FAILED batch back and returns the signals that send it on its way again. A batch S3 refused goes back
     * to the upload: its items CONVERTED, and a CLOUD_UPLOAD to publish. A batch whose load failed gets its SIGNAL back
     * under signals/ for the loader and its items UPLOADED, so that its new answer is awaited (nothing to publish).
     * A batch that is not a failed one is left as it is.
     */
    public List<Signal> retry(String batchId) {
        List<LedgerEntry> items = ledger.batch(batchId);
        List<LedgerEntry> failed = items.stream().filter(e -> e.status() == ItemStatus.FAILED).toList();
        List<LedgerEntry> timedOut = items.stream().filter(e -> e.status() == ItemStatus.UPLOADED
                && e.detail().contains(BatchProgress.TIMED_OUT)).toList();
        if (failed.isEmpty() && !timedOut.isEmpty()) {
            return retryTimedOut(batchId, timedOut);
        }
        if (failed.isEmpty()) {
            LOG.warn("Batch {} has no FAILED or TIMED_OUT item: nothing to retry", batchId);
            return List.of();
        }
        if (failed.stream().allMatch(e -> e.detail().startsWith(BatchProgress.UPLOAD_FAILED))) {
            ledger.recordAll(failed.stream()
                    .map(e -> e.withStatus(ItemStatus.CONVERTED, "retry of a failed upload; before: " + e.detail()))
                    .toList());
            LOG.info("Batch {}: {} items sent to the upload again", batchId, failed.size());
            return List.of(batches.signalOf(SignalType.CLOUD_UPLOAD, batchId));
        }
        if (!signals.restore(batchId)) {
            LOG.warn("Batch {} has no SIGNAL in S3, neither in signals/ nor archived: it cannot be loaded again",
                    batchId);
            return List.of();
        }
        ledger.recordAll(failed.stream()
                .map(e -> e.withStatus(ItemStatus.UPLOADED, "retry of a failed load; before: " + e.detail()))
                .toList());
        LOG.info("Batch {}: {} items sent to the loader again", batchId, failed.size());
        return List.of();
    }

    /**
     * A batch that got no COMPLETE in time is handed to the loader again: its SIGNAL written anew (S3 notifies the
     * loader's Lambda of it again), an UPLOADED signal to publish (the trigger lambda invokes it again; the on-prem
     * loader is handed the manifest by the retry route), and its items' deadline counted from now.
     */
    private List<Signal> retryTimedOut(String batchId, List<LedgerEntry> timedOut) {
        if (!signals.rewrite(batchId)) {
            LOG.warn("Batch {} has no SIGNAL in S3: it cannot be handed to the loader again", batchId);
            return List.of();
        }
        ledger.recordAll(timedOut.stream().map(e -> e.withStatus(ItemStatus.UPLOADED,
                BatchProgress.withoutTimeout(e.detail()) + " " + BatchProgress.RETRIED)).toList());
        LOG.info("Batch {}: timed out, handed to the loader again", batchId);
        Signal uploaded = batches.signalOf(SignalType.UPLOADED, batchId);
        uploaded.setManifestKey(S3Keys.signal(batchId));
        return List.of(uploaded);
    }

    /** TIMED_OUT signals of the batches uploaded longer ago than the timeout, each batch once. */
    public List<Signal> overdue() {
        Instant deadline = Instant.now().minus(timeout);
        List<Signal> overdue = new ArrayList<>();
        for (String batchId : ledger.batchesWith(Set.of(ItemStatus.UPLOADED))) {
            List<LedgerEntry> waiting = ledger.batch(batchId).stream()
                    .filter(e -> e.status() == ItemStatus.UPLOADED)
                    .toList();
            boolean alerted = waiting.stream().anyMatch(e -> e.detail().contains(BatchProgress.TIMED_OUT));
            Instant uploaded = waiting.stream().map(LedgerEntry::updatedAt).max(Instant::compareTo).orElseThrow();
            if (!alerted && uploaded.isBefore(deadline)) {
                Signal signal = batches.signalOf(SignalType.TIMED_OUT, batchId);
                signal.setStatus("TIMED_OUT");
                signal.setDetail("no COMPLETE within " + timeout.toSeconds() + " s of the upload at " + uploaded);
                overdue.add(signal);
            }
        }
        return overdue;
    }
}
