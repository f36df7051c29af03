package io.nimbusverse.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;

/** What the completion watcher needs: which COMPLETE answers are awaited, and which batches waited too long. */
public class Completions {

    private final Ledger ledger;
    private final Batches batches;
    private final Duration timeout;

    public Completions(Ledger ledger, Batches batches, Duration timeout) {
        this.ledger = ledger;
        this.batches = batches;
        this.timeout = timeout;
    }

    /**
     * What a COMPLETE answer is to this pipeline: AWAITED while items of its batch wait in UPLOADED; EARLY while
     * the upload stage has not recorded the batch yet (the answer stays for the next poll); ANSWERED once it has
     * been handled; UNKNOWN for a batch this ledger never saw (left alone).
     */
    public String stateOf(Complete complete) {
        List<LedgerEntry> entries = ledger.batch(complete.batchId());
        if (entries.isEmpty()) {
            return "UNKNOWN";
        }
        if (entries.stream().anyMatch(e -> e.status() == ItemStatus.UPLOADED)) {
            return "AWAITED";
        }
        return entries.stream().allMatch(e -> e.status().isFinal()) ? "ANSWERED" : "EARLY";
    }

    public Signal completedSignal(Complete complete) {
        Signal signal = batches.signalOf(SignalType.COMPLETED, complete.batchId());
        signal.setStatus(complete.status());
        signal.setDetail(complete.succeeded() ? null : String.join("; ", complete.errors()));
        return signal;
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
