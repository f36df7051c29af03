package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.intake.InboxLeases;
import io.nimbusverse.intake.InboxVersions;
import io.nimbusverse.intake.Intake;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.BatchItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users do with an inbox, through the running pipeline, counting files and rows exactly: a file dropped again
 * under its name while the first is on its way, a writer that pauses, hidden and temporary names, the same bytes
 * dropped again, a crash between a claim and its batch, names with line breaks and backslashes, and 1,500 files at
 * once.
 */
class HabitsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static String rows(int from, int to) {
        StringBuilder csv = new StringBuilder("id,amount\n");
        for (int id = from; id <= to; id++) {
            csv.append(id).append(',').append(id * 10).append('\n');
        }
        return csv.toString();
    }

    private static long count(NimbusApp app, String sql) {
        return SqlTables.count(app.jdbcUrl(), "sa", sql);
    }

    private static List<String> namesIn(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long status(NimbusApp app, ItemStatus status) {
        return app.ledger().count(e -> e.status() == status);
    }

    @Test
    void aFileDroppedAgainUnderItsNameWhileTheFirstIsOnItsWayIsKeptAndQuarantinedAsAConflict() throws Exception {
        try (NimbusApp app = new NimbusApp(dir).start()) {
            Path orders = app.inbox().resolve("redrop.csv");
            Files.writeString(orders, rows(1, 30));
            await().atMost(PATIENCE).until(() -> app.ledger().count(e -> e.name().equals("redrop.csv")) == 1);
            // the second version, under the same name, before the first is released from the inbox
            Files.writeString(orders.resolveSibling("redrop.tmp"), rows(101, 140));
            Files.move(orders.resolveSibling("redrop.tmp"), orders, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);

            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DONE) == 1
                    && status(app, ItemStatus.QUARANTINED) == 1 && namesIn(app.inbox()).isEmpty());

            // the first version loaded once; the second neither lost nor loaded beside it
            assertThat(count(app, "SELECT count(*) FROM redrop")).isEqualTo(30);
            assertThat(count(app, "SELECT max(id) FROM redrop")).isEqualTo(30);
            Path kept = app.dataDir.resolve("quarantine/redrop.csv");
            assertThat(kept).hasContent(rows(101, 140));
            assertThat(kept.resolveSibling("redrop.csv.reason.txt")).content()
                    .containsAnyOf("was replaced while its earlier version", "changed in the inbox after its version");
        }
    }

    @Test
    void aWriterThatPausesLongerThanTheQuietTimeNeverHasTwoVersionsLoaded() throws Exception {
        try (NimbusApp app = new NimbusApp(dir).start()) {
            Path file = app.inbox().resolve("paused.csv");
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int part = 0; part < 3; part++) {
                    out.write(rows(part * 10 + 1, part * 10 + 10).substring(part == 0 ? 0 : "id,amount\n".length())
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (part < 2) {
                        // longer than the quiet time (500 ms in the tests): the first part is taken
                        int taken = part + 1;
                        // the second version goes to quarantine (moved: this stream goes on writing into it)
                        boolean moved = part == 1;
                        await().atMost(PATIENCE).until(() -> app.ledger().count(e -> e.name().equals("paused.csv"))
                                >= taken && (!moved || !Files.exists(file)));
                    }
                }
            }
            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DONE) == 1
                    && status(app, ItemStatus.QUARANTINED) >= 1 && namesIn(app.inbox()).isEmpty()
                    && app.ledger().inFlight().isEmpty());

            // the first version taken (10 rows) is the one loaded; the later versions went to quarantine whole
            assertThat(count(app, "SELECT count(*) FROM paused")).isEqualTo(10);
            assertThat(count(app, "SELECT count(DISTINCT id) FROM paused")).isEqualTo(10);
            assertThat(app.dataDir.resolve("quarantine/paused.csv")).hasContent(rows(1, 30));

            // the documented way to write slowly: a temporary name, renamed when done: taken once, whole
            Path slow = app.inbox().resolve("slow.csv.part");
            try (OutputStream out = Files.newOutputStream(slow)) {
                out.write(rows(1, 15).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(1_500);
                out.write(rows(16, 30).substring("id,amount\n".length()).getBytes(StandardCharsets.US_ASCII));
            }
            Files.move(slow, app.inbox().resolve("slow.csv"), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DONE) == 2);
            assertThat(count(app, "SELECT count(*) FROM slow")).isEqualTo(30);
        }
    }

    @Test
    void hiddenAndTemporaryNamesWaitLoggedOnceAndTheSameBytesDroppedAgainAreADuplicate() throws Exception {
        try (LogCapture log = LogCapture.attach(); NimbusApp app = new NimbusApp(dir).start()) {
            Files.writeString(app.inbox().resolve(".hidden.csv"), rows(1, 2));
            Files.writeString(app.inbox().resolve("download.csv.crdownload"), rows(3, 4));
            Files.writeString(app.inbox().resolve("~lock.csv"), rows(5, 6));
            // a folder of a hidden name is passed over with all it holds (an upload tool's staging folder)
            Files.createDirectories(app.inbox().resolve(".staging"));
            Files.writeString(app.inbox().resolve(".staging/inside.csv"), rows(9, 10));
            Path plain = Files.writeString(app.inbox().resolve("plain.csv"), rows(7, 8));
            FileTime modified = Files.getLastModifiedTime(plain);
            Path copy = dir.resolve("plain-copy.csv");
            Files.copy(plain, copy, StandardCopyOption.COPY_ATTRIBUTES);

            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DONE) == 1
                    && !Files.exists(app.inbox().resolve("plain.csv")));
            assertThat(namesIn(app.inbox())).containsExactly(".hidden.csv", ".staging", "download.csv.crdownload",
                    "~lock.csv");
            assertThat(app.ledger().size()).isEqualTo(1);
            for (String passed : List.of(".hidden.csv", "download.csv.crdownload", "~lock.csv", ".staging")) {
                assertThat(log.lines()).filteredOn(l -> l.contains("Inbox entry " + passed + " is passed over"))
                        .as(passed).hasSize(1);
            }

            // the same bytes, name and time again after the first was released: read again, a duplicate
            Files.copy(copy, plain, StandardCopyOption.COPY_ATTRIBUTES);
            assertThat(Files.getLastModifiedTime(plain).toMillis()).isEqualTo(modified.toMillis());
            // the ledger records the duplicate before moving it (a crash in between leaves it in the inbox)
            Path duplicate = app.dataDir.resolve("duplicates/plain.csv");
            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DUPLICATE) == 1 && Files.exists(duplicate));
            assertThat(duplicate).hasContent(rows(7, 8));
            assertThat(count(app, "SELECT count(*) FROM plain")).isEqualTo(2);

            // renamed when done: taken
            Files.move(app.inbox().resolve("download.csv.crdownload"), app.inbox().resolve("download.csv"));
            await().atMost(PATIENCE).until(() -> status(app, ItemStatus.DONE) == 2);
            assertThat(count(app, "SELECT count(*) FROM download")).isEqualTo(2);
        }
    }

    /**
     * The state a crash leaves: files claimed in the ledger and copied to the work folder, never batched; one of them
     * deleted from the inbox meanwhile, two with a line break and a backslash in their names. The next run batches
     * them all from their staged copies, once each, and ends.
     */
    @Test
    void claimsLeftByACrashAreBatchedFromTheirCopiesWhateverTheInboxAndTheirNames() throws Exception {
        NimbusApp app = new NimbusApp(dir).set("nimbus.run-once", "true");
        Path inbox = app.inbox();
        Files.createDirectories(inbox);
        Ledger ledger = new CsvLedger(dir.resolve("ledger/report.csv"), 100_000);
        ledger.open();
        WorkFolders folders = new WorkFolders(inbox, dir.resolve("work"), dir.resolve("quarantine"),
                dir.resolve("duplicates"));
        folders.create();
        MeterRegistry metrics = new SimpleMeterRegistry();
        Intake intake = new Intake(folders, ledger, new InboxVersions(dir.resolve("inbox"), dir.resolve("work/changed"),
                ledger, InboxLeases.ALONE, Duration.ofSeconds(30)), metrics);
        List<String> names = List.of("deleted.csv", "two\nlines.csv", "back\\slash.csv");
        for (int i = 0; i < names.size(); i++) {
            Path file = Files.writeString(inbox.resolve(names.get(i)), rows(i * 10 + 1, i * 10 + 5));
            BatchItem item = intake.stage(file.toString(), names.get(i), "file");
            ledger.claim(LedgerEntry.claimed(item.getKey(), "file", item.getName(), item.getSize()));
            intake.keep(item);
        }
        ledger.close();
        Files.delete(inbox.resolve("deleted.csv"));

        app.runInBackground();
        await().atMost(PATIENCE).until(() -> !app.isRunning());
        app.close();
        assertThat(app.outcome.exitCode()).isZero();

        Ledger after = new CsvLedger(dir.resolve("ledger/report.csv"), 100_000);
        after.open();
        try {
            assertThat(after.entries()).extracting(LedgerEntry::name).containsExactlyInAnyOrderElementsOf(names);
            assertThat(after.entries()).allMatch(e -> e.status() == ItemStatus.DONE);
        } finally {
            after.close();
        }
        assertThat(count(app, "SELECT count(*) FROM deleted")).isEqualTo(5);
        assertThat(SqlTables.count(app.jdbcUrl(), "sa", "SELECT count(*) FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_name NOT LIKE 'nimbus%'")).isEqualTo(3);
        assertThat(namesIn(inbox)).isEmpty();
    }

    @Test
    void fifteenHundredFilesAtOnceAreEachReadOnceAndLoadedOnce() throws Exception {
        int files = Integer.getInteger("habits.files", 1_500);
        NimbusApp app = new NimbusApp(dir).set("nimbus.intake.batch-size", "500");
        Files.createDirectories(app.inbox());
        for (int i = 0; i < files; i++) {
            Files.writeString(app.inbox().resolve(String.format("many-%04d.json", i)),
                    "{\"n\": " + i + "}\n");
        }
        try (NimbusApp running = app.start()) {
            await().atMost(Duration.ofMinutes(4)).until(() -> status(app, ItemStatus.DONE) == files);
            await().atMost(PATIENCE).until(() -> namesIn(app.inbox()).isEmpty());
            double read = app.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class)
                    .counter("nimbus.intake.files.read").count();
            assertThat(read).isEqualTo(files);
            assertThat(status(app, ItemStatus.DUPLICATE)).isZero();
        }
    }
}
