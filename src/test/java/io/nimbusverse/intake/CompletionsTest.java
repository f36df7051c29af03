package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionsTest {

    private static final String BATCH = "20261125T100000Z-abcdef";

    @TempDir
    Path dir;
    private Ledger ledger;
    private BatchProgress progress;

    @BeforeEach
    void open() throws Exception {
        ledger = new Ledger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        progress = new BatchProgress(ledger);
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
    }

    private Completions completions(Duration timeout) {
        WorkFolders folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("q"),
                dir.resolve("d"));
        return new Completions(ledger, new Batches(ledger, folders, new ObjectMapper()), timeout);
    }

    private void item(String key, ItemStatus status) {
        ledger.claim(LedgerEntry.claimed(key, "file", key + ".csv", 1));
        ledger.record(ledger.find(key).orElseThrow().withBatch(BATCH).withStatus(status, ""));
    }

    private static Complete answer(String status) {
        return new Complete(BATCH, status, Instant.now(), List.of(), status.equals("FAILED") ? List.of("boom")
                : List.of());
    }

    @Test
    void anAnswerIsAwaitedEarlyAnsweredOrUnknown() {
        Completions completions = completions(Duration.ofMinutes(10));
        assertThat(completions.stateOf(answer("SUCCEEDED"))).isEqualTo("UNKNOWN");
        item("a", ItemStatus.CONVERTED);
        assertThat(completions.stateOf(answer("SUCCEEDED"))).isEqualTo("EARLY");
        ledger.record(ledger.find("a").orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
        assertThat(completions.stateOf(answer("SUCCEEDED"))).isEqualTo("AWAITED");
        progress.completed(answer("SUCCEEDED"));
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.DONE);
        assertThat(completions.stateOf(answer("SUCCEEDED"))).isEqualTo("ANSWERED");
    }

    @Test
    void aFailedAnswerMarksTheItemsFailedWithTheErrors() {
        item("a", ItemStatus.UPLOADED);
        item("b", ItemStatus.QUARANTINED);
        progress.completed(answer("FAILED"));
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.FAILED);
        assertThat(ledger.find("a").orElseThrow().detail()).isEqualTo("boom");
        assertThat(ledger.find("b").orElseThrow().status()).isEqualTo(ItemStatus.QUARANTINED);
    }

    @Test
    void aBatchWaitingPastItsDeadlineTimesOutOnce() throws Exception {
        item("a", ItemStatus.UPLOADED);
        Completions patient = completions(Duration.ofMinutes(10));
        assertThat(patient.overdue()).isEmpty();

        Completions impatient = completions(Duration.ZERO);
        Thread.sleep(5);
        List<Signal> overdue = impatient.overdue();
        assertThat(overdue).hasSize(1);
        assertThat(overdue.get(0).getType()).isEqualTo(SignalType.TIMED_OUT);
        assertThat(overdue.get(0).getBatchId()).isEqualTo(BATCH);
        progress.timedOut(overdue.get(0));
        assertThat(impatient.overdue()).isEmpty();
        assertThat(ledger.find("a").orElseThrow().detail()).contains(BatchProgress.TIMED_OUT);
    }
}
