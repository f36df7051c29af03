package io.nimbusverse.run;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.signal.Complete;

/** A batch told in plain text from the ledger and the loader's answer: for e-mails and the run-once report. */
public class BatchSummaries {

    private static final List<String> CLASSES = List.of("structured", "semi-structured", "unstructured");

    private final Ledger ledger;

    private static final List<String> DATASET_WORDS = List.of("rule=", "table=", "renamed=", "badRows=");

    public BatchSummaries(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param answer the loader's COMPLETE, or null when there is none (timed out, still waiting)
     * @param outcome SUCCEEDED, FAILED, TIMED_OUT...
     */
    public String of(String batchId, Complete answer, String outcome) {
        List<LedgerEntry> entries = ledger.batch(batchId);
        StringBuilder text = new StringBuilder();
        text.append("Batch ").append(batchId).append(": ").append(outcome).append(", ").append(entries.size())
                .append(" items\n");
        text.append(String.format("  %-12s %10s %15s %12s%n", "status", CLASSES.get(0), CLASSES.get(1),
                CLASSES.get(2)));
        Map<ItemStatus, Map<String, Long>> counts = new TreeMap<>();
        for (LedgerEntry e : entries) {
            counts.computeIfAbsent(e.status(), s -> new TreeMap<>())
                    .merge(e.itemClass().isEmpty() ? "unknown" : e.itemClass(), 1L, Long::sum);
        }
        counts.forEach((status, byClass) -> text.append(String.format("  %-12s %10d %15d %12d%n", status,
                byClass.getOrDefault(CLASSES.get(0), 0L), byClass.getOrDefault(CLASSES.get(1), 0L),
                byClass.getOrDefault(CLASSES.get(2), 0L) + byClass.getOrDefault("unknown", 0L))));
        if (answer != null) {
            text.append("  rows loaded: ").append(answer.tables().isEmpty() ? "none" : answer.tables().stream()
                    .map(t -> t.table() + " " + t.rows())
                    .collect(Collectors.joining(", "))).append('\n');
            answer.errors().forEach(error -> text.append("  loader error: ").append(error).append('\n'));
        } else {
            entries.stream().filter(e -> e.status() == ItemStatus.FAILED).map(LedgerEntry::detail).distinct()
                    .forEach(reason -> text.append("  failed: ").append(reason).append('\n'));
        }
        text.append("  S3 objects:\n");
        for (LedgerEntry e : entries) {
            if (!e.s3Key().isEmpty()) {
                text.append("    ").append(e.name()).append(": ").append(e.s3Key());
                String parquet = parquetKeyOf(e.detail());
                // a chunk of table rows has no raw object: its S3 key is its Parquet
                if (parquet != null && !parquet.equals(e.s3Key())) {
                    text.append(" and ").append(parquet);
                }
                text.append('\n');
            }
        }
        // the dataset rules at work: the rule that took an item, its table, the columns renamed, the rows left out
        List<LedgerEntry> ruled = entries.stream().filter(e -> e.status() != ItemStatus.QUARANTINED
                && DATASET_WORDS.stream().anyMatch(e.detail()::contains)).toList();
        if (!ruled.isEmpty()) {
            text.append("  datasets:\n");
            ruled.forEach(e -> text.append("    ").append(e.name()).append(": ")
                    .append(e.detail().replaceAll(" ?(parquet|loaded)=\\S+", "")).append('\n'));
        }
        List<LedgerEntry> quarantined = entries.stream().filter(e -> e.status() == ItemStatus.QUARANTINED).toList();
        if (!quarantined.isEmpty()) {
            text.append("  quarantined:\n");
            quarantined.forEach(e -> text.append("    ").append(e.name()).append(": ").append(e.detail())
                    .append('\n'));
        }
        return text.toString();
    }

    /** The Parquet key recorded in an UPLOADED or DONE detail ({@code rows=3 parquet=parquet/...}). */
    static String parquetKeyOf(String detail) {
        int at = detail.indexOf("parquet=");
        if (at < 0) {
            return null;
        }
        int end = detail.indexOf(' ', at);
        return detail.substring(at + "parquet=".length(), end < 0 ? detail.length() : end);
    }
}
