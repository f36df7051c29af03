package io.nimbusverse.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's board over a ledger of 100,000 items in 1,000 batches, as a long-running pipeline leaves it (claimed,
 * converted, uploaded, DONE; one item in a thousand quarantined, one still waiting for its load): pages of batches
 * newest first, a batch with its items and timeline, the quarantine newest first, the search by a part of a name or
 * a SHA-256, and rows written after it opened.
 */
class BatchBoardTest {

    private static final int ITEMS = 100_000;
    private static final DateTimeFormatter BATCH_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    static Path dir;
    static Ledger ledger;
    static BatchBoard board;

    /** One ledger for the tests that only read; the test that writes has one of its own. */
    @BeforeAll
    static void open() throws Exception {
        ledger = open(dir.resolve("report.csv"), ITEMS);
        board = new BatchBoard(ledger);
        board.open();
        await().atMost(Duration.ofSeconds(60)).until(() -> !board.isLoading());
    }

    @AfterAll
    static void close() throws Exception {
        ledger.close();
    }

    private static Ledger open(Path file, int items) throws Exception {
        writeLedger(file, items);
        Ledger opened = new CsvLedger(file, 10_000_000);
        opened.open();
        return opened;
    }

    static String key(int n) {
        return String.format("%064x", n);
    }

    static String batch(int n) {
        return BATCH_TIME.format(START.plusSeconds(n / 100 * 60L)) + String.format("-%06x", n / 100);
    }

    /** Four rows per item, as the stages write them; item 500 of every thousand quarantined, item 999 uploaded. */
    private static void writeLedger(Path file, int items) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("key,source,name,size,media_type,class,status,batch_id,claimed_at,updated_at,s3_key,detail\n");
            for (int n = 0; n < items; n++) {
                Instant claimed = START.plusSeconds(n / 100 * 60L).plusMillis(n % 100);
                String head = key(n) + ",file,sales/orders-" + n + ".csv," + (1000 + n) + ",";
                out.write(head + ",,CLAIMED," + batch(n) + "," + claimed + "," + claimed + ",,\n");
                if (n % 1000 == 500) {
                    out.write(head + "text/csv,structured,QUARANTINED," + batch(n) + "," + claimed + ","
                            + claimed.plusSeconds(1) + ",,malformed CSV (kept as data/quarantine/orders-" + n
                            + ".csv)\n");
                    continue;
                }
                String detail = "rows=" + (n % 7) + " parquet=parquet/orders/ingest_date=2026-11-30/" + batch(n)
                        + "-1.parquet";
                out.write(head + "text/csv,structured,CONVERTED," + batch(n) + "," + claimed + ","
                        + claimed.plusSeconds(2) + ",," + detail + "\n");
                String raw = "raw/structured/2026/11/30/" + key(n) + "/orders-" + n + ".csv";
                out.write(head + "text/csv,structured,UPLOADED," + batch(n) + "," + claimed + ","
                        + claimed.plusSeconds(3) + "," + raw + "," + detail + "\n");
                if (n % 1000 != 999) {
                    out.write(head + "text/csv,structured,DONE," + batch(n) + "," + claimed + ","
                            + claimed.plusSeconds(5) + "," + raw + "," + detail + " loaded="
                            + claimed.plusSeconds(4) + "\n");
                }
            }
        }
    }

    @Test
    void batchesComeNewestFirstAPageAtATimeEachWithItsCountsRowsAndTimeline() {
        BatchBoard.BatchPage first = board.batches(25, null);

        assertThat(first.total()).isEqualTo(1000);
        assertThat(first.batches()).hasSize(25);
        assertThat(first.batches().get(0).batchId()).isEqualTo(batch(ITEMS - 1));
        BatchBoard.BatchSummary newest = first.batches().get(0);
        assertThat(newest.status()).as("its item 999 waits for the loader").isEqualTo("UPLOADED");
        assertThat(newest.items()).isEqualTo(100);
        assertThat(newest.byStatus()).containsEntry("DONE", 99).containsEntry("UPLOADED", 1);
        assertThat(newest.byClass()).containsEntry("structured", 100);
        assertThat(newest.timeline()).extracting(BatchBoard.Step::name).containsExactlyElementsOf(BatchBoard.STEPS);
        Instant claimed = START.plusSeconds((ITEMS - 1) / 100 * 60L);
        assertThat(newest.timeline()).extracting(BatchBoard.Step::at).containsExactly(claimed,
                claimed.plusSeconds(2), claimed.plusSeconds(3), claimed.plusSeconds(4), claimed.plusSeconds(5));

        BatchBoard.BatchPage second = board.batches(25, first.next());
        assertThat(second.batches().get(0).batchId()).isEqualTo(batch(ITEMS - 2501));
        BatchBoard.BatchSummary quarantining = second.batches().stream()
                .filter(b -> b.batchId().equals(batch(95_500))).findFirst().orElseThrow();
        assertThat(quarantining.status()).isEqualTo("COMPLETED");
        assertThat(quarantining.byStatus()).containsEntry("DONE", 99).containsEntry("QUARANTINED", 1);
        long rows = 0;
        for (int n = 95_500; n < 95_600; n++) {
            rows += n % 1000 == 500 ? 0 : n % 7;
        }
        assertThat(quarantining.rows()).isEqualTo(rows);

        List<String> every = new ArrayList<>();
        for (String before = null; ; ) {
            BatchBoard.BatchPage page = board.batches(200, before);
            page.batches().forEach(b -> every.add(b.batchId()));
            if (page.next() == null) {
                break;
            }
            before = page.next();
        }
        assertThat(every).hasSize(1000).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void aBatchShowsEachItemWithItsTableRowsS3KeyAndTheActionsItTakes() {
        BatchBoard.BatchDetail detail = board.batch(batch(500)).orElseThrow();

        assertThat(detail.items()).hasSize(100);
        BatchBoard.ItemView done = detail.items().stream().filter(i -> i.key().equals(key(501))).findFirst()
                .orElseThrow();
        assertThat(done.status()).isEqualTo("DONE");
        assertThat(done.table()).isEqualTo("orders");
        assertThat(done.rows()).isEqualTo(501 % 7);
        assertThat(done.s3Key()).isEqualTo("raw/structured/2026/11/30/" + key(501) + "/orders-501.csv");
        assertThat(done.actions()).containsExactly("reload");
        BatchBoard.ItemView quarantined = detail.items().stream().filter(i -> i.key().equals(key(500))).findFirst()
                .orElseThrow();
        assertThat(quarantined.detail()).startsWith("malformed CSV");
        assertThat(quarantined.actions()).containsExactly("replay");
        assertThat(board.batch("20991231T000000Z-000000")).isEmpty();
    }

    @Test
    void theQuarantineListsItsItemsNewestFirstWithTheirReasons() {
        BatchBoard.QuarantinePage first = board.quarantined(30, null);

        assertThat(first.total()).isEqualTo(100);
        assertThat(first.items()).hasSize(30).extracting(BatchBoard.ItemView::name)
                .startsWith("sales/orders-99500.csv", "sales/orders-98500.csv");
        BatchBoard.QuarantinePage rest = board.quarantined(100, first.next());
        assertThat(rest.items()).hasSize(70).last().extracting(BatchBoard.ItemView::name)
                .isEqualTo("sales/orders-500.csv");
    }

    @Test
    void theSearchFindsItemsByAPartOfTheirNameAnyCaseOrByTheirSha256() {
        assertThat(board.search("ORDERS-99999.CSV", 10)).extracting(BatchBoard.ItemView::key)
                .containsExactly(key(99999));
        assertThat(board.search("orders-1234", 50)).extracting(BatchBoard.ItemView::name)
                .as("newest first").startsWith("sales/orders-12349.csv")
                .contains("sales/orders-1234.csv").hasSize(11);
        assertThat(board.search(key(4242), 10)).extracting(BatchBoard.ItemView::name)
                .containsExactly("sales/orders-4242.csv");
        assertThat(board.search("no such file", 10)).isEmpty();
        assertThat(board.search("   ", 10)).isEmpty();
    }

    @Test
    void rowsWrittenWhileAndAfterTheBoardOpensShowInOrder(@TempDir Path own) throws Exception {
        Ledger ledger = open(own.resolve("report.csv"), ITEMS);
        try {
            BatchBoard board = new BatchBoard(ledger);
            board.open();
            // written while the board reads the history: held, and applied after it
            LedgerEntry early = ledger.find(key(ITEMS - 2)).orElseThrow();
            ledger.record(early.withStatus(ItemStatus.QUARANTINED, "not loaded into table orders: a constraint"));
            await().atMost(Duration.ofSeconds(60)).until(() -> !board.isLoading());
            assertThat(board.quarantined(1, null).items()).extracting(BatchBoard.ItemView::key)
                    .containsExactly(key(ITEMS - 2));
            rowsWrittenAfterOpeningShowAtOnce(ledger, board);
        } finally {
            ledger.close();
        }
    }

    private static void rowsWrittenAfterOpeningShowAtOnce(Ledger ledger, BatchBoard board) {
        LedgerEntry waiting = ledger.find(key(ITEMS - 1)).orElseThrow();
        ledger.record(waiting.withStatus(ItemStatus.DONE, waiting.detail() + " loaded=" + Instant.now()));
        assertThat(board.batches(1, null).batches().get(0).status()).isEqualTo("COMPLETED");

        LedgerEntry quarantined = ledger.find(key(99500)).orElseThrow();
        ledger.record(quarantined.withStatus(ItemStatus.REQUEUED, "replay requested; " + quarantined.detail()));
        assertThat(board.quarantined(200, null).total()).isEqualTo(100);
        ledger.claim(LedgerEntry.claimed(key(99500), "file", "sales/orders-99500.csv", 10));
        ledger.record(ledger.find(key(99500)).orElseThrow().withBatch("20261201T120000Z-abcdef"));

        assertThat(board.batches(1, null).batches().get(0).batchId()).isEqualTo("20261201T120000Z-abcdef");
        BatchBoard.BatchDetail first = board.batch(batch(99500)).orElseThrow();
        assertThat(first.items()).hasSize(99).noneMatch(i -> i.key().equals(key(99500)));
        assertThat(first.movedOn()).singleElement().extracting(BatchBoard.ItemView::batchId)
                .isEqualTo("20261201T120000Z-abcdef");
        assertThat(first.summary().movedOn()).isOne();
        assertThat(board.search("orders-99500", 5)).extracting(BatchBoard.ItemView::batchId)
                .containsExactly("20261201T120000Z-abcdef");
    }
}
