package io.nimbusverse.aws.lambda;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the Glue API (it has no local server): it checks every request as Glue would
 * (signed for glue, JSON 1.1, a known target, the job's name, the job's arguments), keeps the runs it started, and
 * answers StartJobRun and GetJobRuns. A request it refuses is answered 400 and kept in {@link #refusals()}.
 */
final class GlueStandIn implements AutoCloseable {

    static final List<String> REQUIRED_ARGUMENTS = List.of("--batch-id", "--bucket", "--manifest-key");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String jobName;
    private final List<ObjectNode> runs = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger starts = new AtomicInteger();

    GlueStandIn(String jobName) throws IOException {
        this.jobName = jobName;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int starts() {
        return starts.get();
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** The runs started so far, newest first (as GetJobRuns lists them). */
    List<ObjectNode> runs() {
        return List.copyOf(runs);
    }

    /** Sets the state of the newest run, as Glue would when the run moves on. */
    void newestRunIs(String state) {
        runs.get(0).put("JobRunState", state);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String problem = problemWith(exchange, body);
            if (problem != null) {
                refusals.add(problem);
                reply(exchange, 400, JSON.createObjectNode().put("__type", "InvalidInputException")
                        .put("Message", problem));
                return;
            }
            JsonNode request = JSON.readTree(body);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target.equals("AWSGlue.StartJobRun")) {
                String id = "jr_" + starts.incrementAndGet();
                ObjectNode run = JSON.createObjectNode().put("Id", id).put("JobName", jobName)
                        .put("JobRunState", "RUNNING");
                run.set("Arguments", request.get("Arguments"));
                runs.add(0, run);
                reply(exchange, 200, JSON.createObjectNode().put("JobRunId", id));
            } else {
                ObjectNode answer = JSON.createObjectNode();
                ArrayNode list = answer.putArray("JobRuns");
                runs.forEach(list::add);
                reply(exchange, 200, answer);
            }
        }
    }

    private String problemWith(HttpExchange exchange, byte[] body) {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/")) {
            return "unexpected " + exchange.getRequestMethod() + " " + exchange.getRequestURI();
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"AWSGlue.StartJobRun".equals(target) && !"AWSGlue.GetJobRuns".equals(target)) {
            return "unexpected target " + target;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
            return "unexpected content type " + contentType;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")
                || !authorization.contains("/glue/aws4_request")) {
            return "not signed for glue: " + authorization;
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return "body is not JSON: " + new String(body, StandardCharsets.UTF_8);
        }
        if (!jobName.equals(request.path("JobName").asText())) {
            return "unknown job " + request.path("JobName");
        }
        if (target.equals("AWSGlue.StartJobRun")) {
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

    private static void reply(HttpExchange exchange, int status, JsonNode answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
