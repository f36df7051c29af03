package io.nimbusverse.aws.lambda;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Starts the Glue load of one batch, once: a batch that has its COMPLETE answer, or a Glue run that is waiting,
 * running or succeeded, is not started again (S3 delivers an event at least once, and the app may invoke as well).
 * A manifest that breaks the contract is answered FAILED with the reasons instead of being loaded.
 */
public class LoadStarter {

    /** Job argument names, read back by the Glue job (aws/glue) and listed in aws/template.yaml. */
    public static final String ARG_BATCH_ID = "--batch-id";
    public static final String ARG_BUCKET = "--bucket";
    public static final String ARG_MANIFEST_KEY = "--manifest-key";

    private static final Logger LOG = LoggerFactory.getLogger(LoadStarter.class);
    private static final Set<JobRunState> STARTED_ALREADY = EnumSet.of(JobRunState.STARTING, JobRunState.RUNNING,
            JobRunState.STOPPING, JobRunState.WAITING, JobRunState.SUCCEEDED);

    private final S3Client s3;
    private final GlueClient glue;
    private final String jobName;
    private final ManifestValidator validator;
    private final ObjectMapper json;

    public LoadStarter(S3Client s3, GlueClient glue, String jobName, ManifestValidator validator, ObjectMapper json) {
        this.s3 = s3;
        this.glue = glue;
        this.jobName = jobName;
        this.validator = validator;
        this.json = json;
    }

    public StartOutcome start(ManifestLocation location) {
        String batchId = location.batchId();
        if (exists(location.bucket(), location.completeKey())) {
            LOG.info("Batch {} is answered already: no load started", batchId);
            return StartOutcome.of(batchId, StartOutcome.Status.ALREADY_ANSWERED);
        }
        String manifest;
        try {
            manifest = s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key())).asUtf8String();
        } catch (NoSuchKeyException e) {
            LOG.info("Manifest s3://{}/{} is gone (the batch is finished and archived): nothing to start",
                    location.bucket(), location.key());
            return StartOutcome.of(batchId, StartOutcome.Status.MANIFEST_GONE);
        }
        List<String> violations = validator.violations(manifest, batchId);
        if (!violations.isEmpty()) {
            LOG.error("Manifest s3://{}/{} breaks the contract, answered FAILED: {}", location.bucket(),
                    location.key(), violations);
            answerFailed(location, violations);
            return new StartOutcome(batchId, StartOutcome.Status.REJECTED, null, violations);
        }
        Optional<JobRun> earlier = runOf(batchId);
        if (earlier.isPresent()) {
            LOG.info("Batch {} has Glue run {} ({}) already: no second load", batchId, earlier.get().id(),
                    earlier.get().jobRunState());
            return new StartOutcome(batchId, StartOutcome.Status.ALREADY_STARTED, earlier.get().id(), List.of());
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put(ARG_BATCH_ID, batchId);
        arguments.put(ARG_BUCKET, location.bucket());
        arguments.put(ARG_MANIFEST_KEY, location.key());
        String runId = glue.startJobRun(b -> b.jobName(jobName).arguments(arguments)).jobRunId();
        LOG.info("Batch {}: Glue job {} run {} started", batchId, jobName, runId);
        return new StartOutcome(batchId, StartOutcome.Status.STARTED, runId, List.of());
    }

    /** The job's run for this batch that is under way or succeeded; failed, stopped or timed-out runs may be redone. */
    private Optional<JobRun> runOf(String batchId) {
        return glue.getJobRunsPaginator(b -> b.jobName(jobName)).jobRuns().stream()
                .filter(run -> batchId.equals(run.arguments().get(ARG_BATCH_ID)))
                .filter(run -> STARTED_ALREADY.contains(run.jobRunState()))
                .findFirst();
    }

    private boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void answerFailed(ManifestLocation location, List<String> errors) {
        Map<String, Object> complete = new LinkedHashMap<>();
        complete.put("batchId", location.batchId());
        complete.put("status", "FAILED");
        complete.put("finishedAt", Instant.now().toString());
        complete.put("tables", List.of());
        complete.put("errors", errors);
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(location.completeKey()).contentType("application/json"),
                    RequestBody.fromString(json.writeValueAsString(complete)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
