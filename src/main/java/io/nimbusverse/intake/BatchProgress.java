package io.nimbusverse.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Optional;

import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.run.PermanentFailures;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;

/**
 * Writes to the ledger what each stage did to a batch, and tells a stage whether a batch has gone through it
 * already. A stage does its (idempotent) work, sends the next signal, and only then records its status: after a
 * crash a stage may run twice, never zero times, and the second run of a stage finds the status and skips.
 */
public class BatchProgress {

    /** Detail of the items of a batch that got no COMPLETE in time. */
    public static final String TIMED_OUT = "TIMED_OUT: no COMPLETE before the deadline";
    /** Detail of the items of a timed-out batch handed to the loader again (the console's or the CLI's retry). */
    public static final String RETRIED = "retried after TIMED_OUT";
    /** Start of the detail of the items of a batch that S3 refused for good (a setting to fix, then a retry). */
    public static final String UPLOAD_FAILED = "upload failed: ";

    private final Ledger ledger;
    private final Batches batches;

    /** renames written in an item's ledger detail; the metadata JSON has them all */
    private static final int RENAMES_SHOWN = 3;

    public BatchProgress(Ledger ledger, Batches batches) {
        this.ledger = ledger;
        this.batches = batches;
    }

    /** Whether every item of the batch that is not quarantined has reached {@code status}. */
    public boolean reached(Signal signal, String status) {
        ItemStatus target = ItemStatus.valueOf(status);
        return ledger.batch(signal.getBatchId()).stream().allMatch(e -> e.status().reached(target));
    }

    public void converted(Signal signal) {
        List<LedgerEntry> changed = new ArrayList<>();
        for (BatchItem item : batches.liveItems(signal.getBatchId())) {
            entry(item).ifPresent(e -> changed.add(e.withClassification(item.getMediaType(), item.getItemClass())
                    .withStatus(ItemStatus.CONVERTED, detailOf(item))));
        }
        ledger.recordAll(changed);
    }

    /** The items of a batch are in S3: each with its keys, as the upload stage planned them. */
    public void uploaded(List<BatchItem> items) {
        List<LedgerEntry> changed = new ArrayList<>();
        for (BatchItem item : items) {
            String detail = detailOf(item);
            String s3Key = item.getRawKey() != null ? item.getRawKey() : item.getParquet().keys().get(0);
            entry(item).filter(e -> e.status() == ItemStatus.CONVERTED)
                    .ifPresent(e -> changed.add(e.withS3Key(s3Key).withStatus(ItemStatus.UPLOADED, detail)));
        }
        ledger.recordAll(changed);
    }

    /**
     * What the ledger says of a converted item, and the run summary shows: its rows, the rule that took it, the table
     * when it is not the dataset's name, the columns renamed (the first few), the rows left out, its Parquet key.
     */
    static String detailOf(BatchItem item) {
        StringBuilder detail = new StringBuilder();
        if (item.getRule() != null) {
            detail.append("rule=").append(item.getRule());
        }
        ParquetPart parquet = item.getParquet();
        if (parquet != null) {
            detail.append(detail.isEmpty() ? "" : " ").append("rows=").append(parquet.rows());
            if (!parquet.tableName().equals(parquet.dataset())) {
                detail.append(" table=").append(parquet.tableName());
            }
        }
        if (item.getBadRows() > 0) {
            detail.append(" badRows=").append(item.getBadRows());
        }
        if (item.getRenamed() != null && !item.getRenamed().isEmpty()) {
            detail.append(" renamed=").append(item.getRenamed().entrySet().stream().limit(RENAMES_SHOWN)
                    .map(e -> e.getKey() + "->" + e.getValue()).collect(Collectors.joining("|")));
            if (item.getRenamed().size() > RENAMES_SHOWN) {
                detail.append("|+").append(item.getRenamed().size() - RENAMES_SHOWN).append(" more");
            }
        }
        if (parquet != null && !parquet.keys().isEmpty()) {
            detail.append(" parquet=").append(parquet.keys().get(0));
            if (parquet.keys().size() > 1) {
                detail.append(" parts=").append(parquet.keys().size());
            }
        }
        return detail.toString();
    }

    /**
     * S3 refused the batch for a reason that trying again cannot mend: its items waiting for the upload are FAILED
     * with that reason (a retry sends them to the upload again).
     */
    public void uploadFailed(Signal signal, Throwable failure) {
        String reason = PermanentFailures.reasonOf(failure);
        ledger.recordAll(ledger.batch(signal.getBatchId()).stream()
                .filter(e -> e.status() == ItemStatus.CONVERTED)
                .map(e -> e.withStatus(ItemStatus.FAILED, UPLOAD_FAILED + reason))
                .toList());
    }

    /** The loader answered: DONE with when it loaded the batch, or FAILED with its errors. */
    public void completed(Complete complete) {
        ItemStatus status = complete.succeeded() ? ItemStatus.DONE : ItemStatus.FAILED;
        ledger.recordAll(ledger.batch(complete.batchId()).stream()
                .filter(e -> e.status() == ItemStatus.UPLOADED)
                .map(e -> e.withStatus(status, complete.succeeded()
                        ? (withoutTimeout(e.detail()) + " loaded=" + complete.finishedAt()).trim()
                        : String.join("; ", complete.errors())))
                .toList());
    }

    /** The detail without the marks of a timeout and of its retry. */
    public static String withoutTimeout(String detail) {
        return detail.replace(TIMED_OUT, "").replace(RETRIED, "").replaceAll(" {2,}", " ").trim();
    }

    public void timedOut(Signal signal) {
        ledger.recordAll(ledger.batch(signal.getBatchId()).stream()
                .filter(e -> e.status() == ItemStatus.UPLOADED)
                .map(e -> e.withStatus(ItemStatus.UPLOADED, (e.detail() + " " + TIMED_OUT).trim()))
                .toList());
    }

    private Optional<LedgerEntry> entry(BatchItem item) {
        return ledger.find(item.getKey());
    }
}
