package io.nimbusverse.notify;

import java.util.stream.Collectors;

import io.nimbusverse.run.BatchSummaries;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.sql.SqlChunk;
import io.nimbusverse.sql.SqlPollStrategy;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/** Subject and text of the milestone e-mails: batch converted, batch completed, item quarantined, batch timed out. */
public class MilestoneMails {

    public static final String HEADER = "NimbusMilestone";

    private final String subjectPrefix;
    private final BatchSummaries summaries;

    public MilestoneMails(String subjectPrefix, BatchSummaries summaries) {
        this.subjectPrefix = subjectPrefix.isBlank() ? "" : subjectPrefix.trim() + " ";
        this.summaries = summaries;
    }

    public String subject(@Header(HEADER) String milestone, @Body Object body) {
        return subjectPrefix + switch (milestone) {
            case "BATCH_CONVERTED" -> {
                Signal s = (Signal) body;
                yield "Batch " + s.getBatchId() + " converted: " + s.getLiveItems().size() + " items, "
                        + (s.getItems().size() - s.getLiveItems().size()) + " quarantined";
            }
            case "BATCH_COMPLETED" -> {
                Signal s = (Signal) body;
                yield "Batch " + s.getBatchId() + " completed: " + s.getStatus();
            }
            case "BATCH_TIMED_OUT" -> "Batch " + ((Signal) body).getBatchId() + " timed out waiting for its loader";
            case "ITEM_QUARANTINED" -> "Quarantined: " + ((BatchItem) body).getName();
            case "ROWS_QUARANTINED" -> {
                SqlChunk chunk = (SqlChunk) body;
                yield "Quarantined: " + chunk.getBadRows().size() + " rows of " + chunk.getTable();
            }
            case "SOURCE_FAILED" -> "Table " + ((SqlPollStrategy.SourceFailure) body).table() + " cannot be read";
            default -> throw new IllegalArgumentException("no e-mail for milestone " + milestone);
        };
    }

    public String text(@Header(HEADER) String milestone, @Body Object body,
            @ExchangeProperty("complete") Complete complete) {
        return switch (milestone) {
            case "BATCH_CONVERTED" -> {
                Signal s = (Signal) body;
                yield "Batch " + s.getBatchId() + " is converted and on its way to S3.\n\n" + s.getItems().stream()
                        .map(MilestoneMails::line).collect(Collectors.joining("\n")) + "\n";
            }
            case "BATCH_COMPLETED" -> {
                Signal s = (Signal) body;
                yield summaries.of(s.getBatchId(), complete, s.getStatus());
            }
            case "BATCH_TIMED_OUT" -> {
                Signal s = (Signal) body;
                yield "The loader did not answer batch " + s.getBatchId() + " in time: " + s.getDetail()
                        + ".\nIts data is in S3; a COMPLETE arriving later still completes it.\n\n"
                        + summaries.of(s.getBatchId(), null, "TIMED_OUT");
            }
            case "ROWS_QUARANTINED" -> {
                SqlChunk chunk = (SqlChunk) body;
                yield chunk.getBadRows().size() + " rows of " + chunk.getTable() + " were left out of " + chunk.getKey()
                        + " and kept in the quarantine folder:\n\n" + chunk.getBadRows().stream()
                                .map(r -> "  key " + r.key() + ": " + r.reason())
                                .collect(Collectors.joining("\n")) + "\n";
            }
            case "SOURCE_FAILED" -> {
                SqlPollStrategy.SourceFailure failure = (SqlPollStrategy.SourceFailure) body;
                yield "Table " + failure.table() + " cannot be read: " + failure.error()
                        + "\n\nThe other tables keep flowing; this one is polled again until it reads.\n";
            }
            case "ITEM_QUARANTINED" -> {
                BatchItem item = (BatchItem) body;
                yield item.getName() + " was quarantined and left out of its batch.\n\nreason: "
                        + item.getQuarantineReason() + "\nsha256: " + item.getSha256() + "\nsize: " + item.getSize()
                        + " bytes\nmedia type: " + item.getMediaType() + "\n";
            }
            default -> throw new IllegalArgumentException("no e-mail for milestone " + milestone);
        };
    }

    private static String line(BatchItem item) {
        String what = item.isQuarantined() ? "QUARANTINED: " + item.getQuarantineReason()
                : item.getItemClass() + ", " + item.getMediaType()
                        + (item.getParquet() == null ? "" : ", " + item.getParquet().rows() + " rows to table "
                                + item.getParquet().dataset());
        return "  " + item.getName() + " - " + what;
    }
}
