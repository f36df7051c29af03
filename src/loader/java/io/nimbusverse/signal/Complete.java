package io.nimbusverse.signal;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The COMPLETE object a loader writes when it is done with a batch. Its JSON Schema is
 * {@code schemas/complete.schema.json}.
 *
 * @param status    SUCCEEDED (the batch was loaded; items in {@code notLoaded} were set aside) or FAILED (nothing
 *                  was loaded)
 * @param errors    what went wrong, when FAILED
 * @param notLoaded the items of a SUCCEEDED batch that could not go into their table, each with its reason
 */
public record Complete(String batchId, String status, Instant finishedAt, List<Table> tables, List<String> errors,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<NotLoaded> notLoaded) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public Complete {
        notLoaded = notLoaded == null ? List.of() : List.copyOf(notLoaded);
    }

    public Complete(String batchId, String status, Instant finishedAt, List<Table> tables, List<String> errors) {
        this(batchId, status, finishedAt, tables, errors, List.of());
    }

    /** Rows of a dataset now in its table. */
    public record Table(String dataset, String table, long rows) {
    }

    /** An item of the manifest whose rows are not in its table, and why. */
    public record NotLoaded(String key, String name, String dataset, String reason) {
    }

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
