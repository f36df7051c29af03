package io.nimbusverse.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nimbusverse.intake.Batches;
import io.nimbusverse.run.BatchSummaries;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.Complete;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.sql.SqlChunk;
import io.nimbusverse.sql.SqlPollStrategy;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * What a milestone e-mail says, as a model for its templates (templates/mail: FreeMarker, HTML and plain text):
 * batch converted, uploaded, completed (with its summary), timed out; item or table rows quarantined; table that
 * cannot be read; route failed; stage stalled. Which milestones send mail, and which are gathered into digests, is configured.
 */
public class MilestoneMails {

    public static final String HEADER = "NimbusMilestone";
    /** Every milestone the routes announce. */
    public static final Set<String> MILESTONES = Set.of("BATCH_CONVERTED", "BATCH_UPLOADED", "BATCH_COMPLETED",
            "BATCH_TIMED_OUT", "ITEM_QUARANTINED", "ROWS_QUARANTINED", "SOURCE_FAILED", "ROUTE_FAILED",
            "STAGE_STALLED");
    /** Set on a failed exchange for ROUTE_FAILED: the route and the error. */
    public static final String FAILED_ROUTE = "NimbusFailedRoute";
    public static final String FAILURE = "NimbusFailure";
    private static final int LISTED_ITEMS = 50;

    /** A rendered mail's content: what the templates show. */
    public record Model(String milestone, String subject, String headline, String lead, String batchId,
            List<Map<String, String>> items, String summary, List<Model> entries) {

        /** The template pair that renders it: "milestone" for one, "digest" for many. */
        public String template() {
            return entries.isEmpty() ? "milestone" : "digest";
        }
    }

    private final String subjectPrefix;
    private final Set<String> milestones;
    private final Set<String> digested;
    private final BatchSummaries summaries;
    private final Batches batches;

    public MilestoneMails(String subjectPrefix, Set<String> milestones, Set<String> digested,
            BatchSummaries summaries, Batches batches) {
        this.subjectPrefix = subjectPrefix.isBlank() ? "" : subjectPrefix.trim() + " ";
        this.milestones = milestones;
        this.digested = digested;
        this.summaries = summaries;
        this.batches = batches;
    }

    /** Whether this milestone sends mail at all (nimbus.mail.milestones). */
    public boolean wanted(@Header(HEADER) String milestone) {
        return milestones.contains(milestone);
    }

    /** Whether this milestone's mails are gathered into one per window (nimbus.mail.digest-milestones). */
    public boolean digested(@Header(HEADER) String milestone) {
        return digested.contains(milestone);
    }

    public Model model(@Header(HEADER) String milestone, @Body Object body,
            @ExchangeProperty("complete") Complete complete, @Header(FAILED_ROUTE) String failedRoute,
            @Header(FAILURE) String failure) {
        return switch (milestone) {
            case "BATCH_CONVERTED" -> {
                Signal s = (Signal) body;
                List<BatchItem> items = batches.items(s.getBatchId());
                long quarantined = items.stream().filter(BatchItem::isQuarantined).count();
                yield model(milestone, "Batch " + s.getBatchId() + " converted: " + (items.size() - quarantined)
                        + " items, " + quarantined + " quarantined", "Batch " + s.getBatchId()
                        + " is converted and on its way to S3.", s.getBatchId(), rows(items), null);
            }
            case "BATCH_UPLOADED" -> {
                Signal s = (Signal) body;
                List<BatchItem> items = batches.liveItems(s.getBatchId());
                yield model(milestone, "Batch " + s.getBatchId() + " uploaded: " + items.size() + " items",
                        "Batch " + s.getBatchId() + " is in S3 with its manifest " + s.getManifestKey()
                                + "; the loader has it now.", s.getBatchId(), rows(items), null);
            }
            case "BATCH_COMPLETED" -> {
                Signal s = (Signal) body;
                yield model(milestone, "Batch " + s.getBatchId() + " completed: " + s.getStatus(),
                        "The loader answered batch " + s.getBatchId() + ": " + s.getStatus() + ".", s.getBatchId(),
                        null, summaries.of(s.getBatchId(), complete, s.getStatus()));
            }
            case "BATCH_TIMED_OUT" -> {
                Signal s = (Signal) body;
                yield model(milestone, "Batch " + s.getBatchId() + " timed out waiting for its loader",
                        "The loader did not answer batch " + s.getBatchId() + " in time: " + s.getDetail()
                                + ". Its data is in S3; a COMPLETE arriving later still completes it.",
                        s.getBatchId(), null, summaries.of(s.getBatchId(), null, "TIMED_OUT"));
            }
            case "ITEM_QUARANTINED" -> {
                BatchItem item = (BatchItem) body;
                yield model(milestone, "Quarantined: " + item.getName(), item.getName()
                        + " was quarantined and left out of its batch: " + item.getQuarantineReason(), null,
                        List.of(row(item.getName(), "sha256 " + item.getSha256() + ", " + item.getSize()
                                + " bytes, " + item.getMediaType())), null);
            }
            case "ROWS_QUARANTINED" -> {
                SqlChunk chunk = (SqlChunk) body;
                List<Map<String, String>> rows = chunk.getBadRows().stream()
                        .map(r -> row("key " + r.key(), r.reason())).toList();
                yield model(milestone, "Quarantined: " + chunk.getBadRows().size() + " rows of " + chunk.getTable(),
                        chunk.getBadRows().size() + " rows of " + chunk.getTable() + " were left out of "
                                + chunk.getKey() + " and kept in the quarantine folder.", null, rows, null);
            }
            case "SOURCE_FAILED" -> {
                SqlPollStrategy.SourceFailure source = (SqlPollStrategy.SourceFailure) body;
                yield model(milestone, "Table " + source.table() + " cannot be read", "Table " + source.table()
                        + " cannot be read: " + source.error() + ". The other tables keep flowing; this one is "
                        + "polled again until it reads.", null, null, null);
            }
            case "STAGE_STALLED" -> model(milestone, "A stage is stalled", body + ". /observe/health is DOWN "
                    + "until it makes progress again; the log says what it last did.", null, null, null);
            case "ROUTE_FAILED" -> model(milestone, "Route " + failedRoute + " failed", "Route " + failedRoute
                    + " gave up after its retries: " + failure + ". Its input is taken again later: nothing is lost.",
                    null, null, null);
            default -> throw new IllegalArgumentException("no e-mail for milestone " + milestone);
        };
    }

    /** One mail for the mails of a milestone gathered over a window. */
    public Model digest(@Body List<Model> gathered) {
        String milestone = gathered.get(0).milestone();
        String what = milestone.toLowerCase().replace('_', ' ');
        String headline = gathered.size() + " x " + what;
        return new Model(milestone, subjectPrefix + headline, headline, gathered.size() + " " + what
                + " mails, gathered into one:", null, List.of(), null, List.copyOf(gathered));
    }

    private Model model(String milestone, String headline, String lead, String batchId,
            List<Map<String, String>> items, String summary) {
        return new Model(milestone, subjectPrefix + headline, headline, lead, batchId, items, summary, List.of());
    }

    /** A row per item, the first {@value #LISTED_ITEMS}: a batch of thousands gets a readable mail. */
    private static List<Map<String, String>> rows(List<BatchItem> items) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (BatchItem item : items.subList(0, Math.min(items.size(), LISTED_ITEMS))) {
            rows.add(row(item.getName(), item.isQuarantined() ? "QUARANTINED: " + item.getQuarantineReason()
                    : item.getItemClass() + ", " + item.getMediaType() + (item.getParquet() == null ? ""
                            : ", " + item.getParquet().rows() + " rows to table " + item.getParquet().tableName())));
        }
        if (items.size() > LISTED_ITEMS) {
            rows.add(row("...", "and " + (items.size() - LISTED_ITEMS) + " more items"));
        }
        return rows;
    }

    private static Map<String, String> row(String name, String what) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("what", what);
        return row;
    }
}
