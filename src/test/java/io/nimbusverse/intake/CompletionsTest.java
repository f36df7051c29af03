package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.ManualClock;
import io.nimbusverse.cloud.BatchSignals;
import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.loader.InMemoryS3;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class CompletionsTest {

    private static final String BATCH = "20261125T100000Z-abcdef";
    private static final String BUCKET = "bucket";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TempDir
    Path dir;
    private Ledger ledger;
    private BatchProgress progress;
    private Batches batches;
    private InMemoryS3 s3;
    private BatchSignals signals;

    @BeforeEach
    void open() throws Exception {
        ledger = new CsvLedger(dir.resolve("ledger.csv"), 1000);
        ledger.open();
        WorkFolders folders = new WorkFolders(dir.resolve("inbox"), dir.resolve("work"), dir.resolve("q"),
                dir.resolve("d"));
        batches = new Batches(ledger, folders, JSON, InboxLeases.ALONE, SharedWork.LOCAL);
        progress = new BatchProgress(ledger, batches);
        s3 = new InMemoryS3(BUCKET);
        signals = new BatchSignals(s3.client(), BUCKET, "archive/");
    }

    @AfterEach
    void close() throws Exception {
        ledger.close();
        s3.close();
    }

    private Completions completions(Duration timeout) {
        return new Completions(ledger, batches, signals, JSON, timeout, Duration.ZERO, Clock.systemUTC());
    }

    private void item(String key, ItemStatus status) {
        ledger.claim(LedgerEntry.claimed(key, "file", key + ".csv", 1));
        ledger.record(ledger.find(key).orElseThrow().withBatch(BATCH).withStatus(status, ""));
    }

    private static Complete answer(String status) {
        return new Complete(BATCH, status, Instant.now(), List.of(), status.equals("FAILED") ? List.of("boom")
                : List.of());
    }

    private void put(String key, String text) {
        S3Client client = s3.client();
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(text));
    }

    private boolean exists(String key) {
        return s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(key)).contents().stream()
                .anyMatch(o -> o.key().equals(key));
    }

    @Test
    void onlyTheAnswersOfBatchesThatWaitAreTakenWhereverTheyAre() throws Exception {
        Completions completions = completions(Duration.ofMinutes(10));
        put(S3Keys.complete(BATCH), JSON.writeValueAsString(answer("SUCCEEDED")));
        put(S3Keys.complete("20261125T100000Z-000000"), JSON.writeValueAsString(answer("SUCCEEDED")));
        item("a", ItemStatus.CONVERTED);
        assertThat(completions.arrived()).isEmpty();

        ledger.record(ledger.find("a").orElseThrow().withStatus(ItemStatus.UPLOADED, ""));
        assertThat(completions.arrived()).extracting(Complete::batchId).containsExactly(BATCH);

        // archived before the ledger was written (a crash between the two): the answer is found in the archive
        put(S3Keys.signal(BATCH), "{}");
        signals.archive(BATCH);
        assertThat(exists(S3Keys.complete(BATCH))).isFalse();
        assertThat(exists("archive/" + S3Keys.signal(BATCH))).isTrue();
        assertThat(completions.arrived()).extracting(Complete::batchId).containsExactly(BATCH);
        signals.archive(BATCH);

        progress.completed(completions.arrived().get(0));
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.DONE);
        assertThat(completions.arrived()).isEmpty();
    }

    @Test
    void anAnnouncedAnswerIsTakenAtTheNextCheckAndTheOthersAtTheNextLookAtEveryBatch() throws Exception {
        String other = "20261125T100000Z-000000";
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        Completions completions = new Completions(ledger, batches, signals, JSON, Duration.ofMinutes(10),
                Duration.ofSeconds(2), clock);
        item("a", ItemStatus.UPLOADED);
        ledger.claim(LedgerEntry.claimed("b", "file", "b.csv", 1));
        ledger.record(ledger.find("b").orElseThrow().withBatch(other).withStatus(ItemStatus.UPLOADED, ""));
        // the first check looks at every waiting batch: no answer yet
        assertThat(completions.arrived()).isEmpty();

        put(S3Keys.complete(BATCH), JSON.writeValueAsString(answer("SUCCEEDED")));
        put(S3Keys.complete(other), JSON.writeValueAsString(answer("SUCCEEDED")).replace(BATCH, other));
        assertThat(completions.arrived()).as("no look is due, nothing announced").isEmpty();
        completions.announce(BATCH);
        completions.announce("20261125T100000Z-notwaiting");
        assertThat(completions.arrived()).extracting(Complete::batchId).containsExactly(BATCH);
        assertThat(completions.arrived()).as("an announcement is taken once").isEmpty();

        clock.advance(Duration.ofSeconds(2));
        assertThat(completions.arrived()).extracting(Complete::batchId).containsExactlyInAnyOrder(BATCH, other);
    }

    @Test
    void anUnreadableAnswerFailsItsBatchWithTheReason() {
        item("a", ItemStatus.UPLOADED);
        put(S3Keys.complete(BATCH), "{not json");
        Complete complete = completions(Duration.ofMinutes(10)).arrived().get(0);
        assertThat(complete.status()).isEqualTo(Complete.FAILED);
        assertThat(complete.errors()).singleElement().asString().startsWith("the COMPLETE cannot be read");
    }

    @Test
    void theItemsTheLoaderSetAsideAreNamedWithItsReason() {
        item("a", ItemStatus.UPLOADED);
        item("b", ItemStatus.UPLOADED);
        Complete partly = new Complete(BATCH, Complete.SUCCEEDED, Instant.now(), List.of(), List.of(),
                List.of(new Complete.NotLoaded("b", "b.csv", "b", "column id holds integer values")));
        List<BatchItem> aside = completions(Duration.ofMinutes(10)).notLoaded(partly, batches.items(BATCH));
        assertThat(aside).extracting(BatchItem::getKey).containsExactly("b");
        assertThat(aside.get(0).getQuarantineReason())
                .isEqualTo("not loaded into table b: column id holds integer values");
    }

    @Test
    void aFailedAnswerMarksTheItemsFailedAndAFailedBatchCanBeRetried() {
        item("a", ItemStatus.UPLOADED);
        item("b", ItemStatus.QUARANTINED);
        progress.completed(answer("FAILED"));
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.FAILED);
        assertThat(ledger.find("a").orElseThrow().detail()).isEqualTo("boom");
        assertThat(ledger.find("b").orElseThrow().status()).isEqualTo(ItemStatus.QUARANTINED);

        Completions completions = completions(Duration.ofMinutes(10));
        // nothing to load again without its SIGNAL
        assertThat(completions.retry(BATCH)).isEmpty();
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.FAILED);
        put("archive/" + S3Keys.signal(BATCH), "{}");
        put("archive/" + S3Keys.complete(BATCH), "{}");

        // the loader takes it from signals/: no signal to publish
        assertThat(completions.retry(BATCH)).isEmpty();

        assertThat(exists(S3Keys.signal(BATCH))).isTrue();
        assertThat(exists("archive/" + S3Keys.complete(BATCH))).isFalse();
        assertThat(ledger.find("a").orElseThrow().status()).isEqualTo(ItemStatus.UPLOADED);
        assertThat(ledger.find("b").orElseThrow().status()).isEqualTo(ItemStatus.QUARANTINED);
        assertThat(completions.retry("20261125T100000Z-000000")).isEmpty();
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
