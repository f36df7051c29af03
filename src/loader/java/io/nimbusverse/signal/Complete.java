package io.nimbusverse.signal;

import java.time.Instant;
import java.util.List;

/**
 * The COMPLETE object a loader writes when it is done with a batch. Its JSON Schema is
 * {@code schemas/complete.schema.json}.
 *
 * @param status SUCCEEDED or FAILED
 * @param errors what went wrong, when FAILED
 */
public record Complete(String batchId, String status, Instant finishedAt, List<Table> tables, List<String> errors) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    /** Rows of a dataset now in its table. */
    public record Table(String dataset, String table, long rows) {
    }

    public boolean succeeded() {
        return SUCCEEDED.equals(status);
    }
}
