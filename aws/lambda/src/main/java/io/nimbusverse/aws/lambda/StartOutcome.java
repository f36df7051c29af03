package io.nimbusverse.aws.lambda;

import java.util.List;

/** What one manifest location came to: the handler's answer, one per location. */
public record StartOutcome(String batchId, Status status, String jobRunId, List<String> errors) {

    public enum Status {
        /** a Glue job run was started for the batch */
        STARTED,
        /** a run for the batch is waiting, running or succeeded already: no second load */
        ALREADY_STARTED,
        /** the batch has its COMPLETE answer already */
        ALREADY_ANSWERED,
        /** the manifest is gone (the batch finished and was archived): nothing to do */
        MANIFEST_GONE,
        /** the manifest breaks the contract: answered FAILED with the reasons, no load */
        REJECTED
    }

    static StartOutcome of(String batchId, Status status) {
        return new StartOutcome(batchId, status, null, List.of());
    }
}
