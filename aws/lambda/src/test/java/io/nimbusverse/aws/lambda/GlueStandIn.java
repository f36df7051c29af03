package io.nimbusverse.aws.lambda;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nimbusverse.aws.standin.AwsJsonApiStandIn;

/**
 * Glue's API for the Lambda's tests: StartJobRun (checked for the job's name and exactly its three arguments) and
 * GetJobRuns, over the runs it started, which a test can move on to another state.
 */
final class GlueStandIn extends AwsJsonApiStandIn {

    static final List<String> REQUIRED_ARGUMENTS = List.of("--batch-id", "--bucket", "--manifest-key");
    private static final String START = "AWSGlue.StartJobRun";
    private static final String LIST = "AWSGlue.GetJobRuns";

    private final String jobName;
    private final List<ObjectNode> runs = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger starts = new AtomicInteger();

    GlueStandIn(String jobName) throws IOException {
        super("glue", Set.of(START, LIST));
        this.jobName = jobName;
    }

    int starts() {
        return starts.get();
    }

    /** The runs started so far, newest first (as GetJobRuns lists them). */
    List<ObjectNode> runs() {
        return List.copyOf(runs);
    }

    /** Sets the state of the newest run, as Glue would when the run moves on. */
    void newestRunIs(String state) {
        runs.get(0).put("JobRunState", state);
    }

    @Override
    protected String problemWith(String target, JsonNode request) {
        if (!jobName.equals(request.path("JobName").asText())) {
            return "unknown job " + request.path("JobName");
        }
        if (target.equals(START)) {
            JsonNode arguments = request.path("Arguments");
            for (String name : REQUIRED_ARGUMENTS) {
                if (arguments.path(name).asText("").isBlank()) {
                    return "StartJobRun without argument " + name + ": " + request;
                }
            }
            Map<String, Object> extra = JSON.convertValue(arguments, Map.class);
            extra.keySet().removeAll(REQUIRED_ARGUMENTS);
            if (!extra.isEmpty()) {
                return "StartJobRun with unknown arguments " + extra.keySet();
            }
        }
        return null;
    }

    @Override
    protected ObjectNode answer(String target, JsonNode request) {
        if (target.equals(START)) {
            String id = "jr_" + starts.incrementAndGet();
            ObjectNode run = JSON.createObjectNode().put("Id", id).put("JobName", jobName)
                    .put("JobRunState", "RUNNING");
            run.set("Arguments", request.get("Arguments"));
            runs.add(0, run);
            return JSON.createObjectNode().put("JobRunId", id);
        }
        ObjectNode answer = JSON.createObjectNode();
        runs.forEach(answer.putArray("JobRuns")::add);
        return answer;
    }
}
