package io.nimbusverse.aws.standin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for an AWS API of the JSON 1.1 protocol (Glue, Secrets Manager: services with no
 * local server). Every request is checked as the service would check it: POST /, a known X-Amz-Target, the JSON 1.1
 * content type, a SigV4 signature for the service, a JSON body that the subclass accepts. A refused request is
 * answered 400 and kept in {@link #refusals()}, for the test to assert there were none.
 */
public abstract class AwsJsonApiStandIn implements AutoCloseable {

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String signingName;
    private final Set<String> targets;
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param signingName the service's name in signatures (glue, secretsmanager)
     * @param targets the X-Amz-Target values served (AWSGlue.StartJobRun...)
     */
    protected AwsJsonApiStandIn(String signingName, Set<String> targets) throws IOException {
        this.signingName = signingName;
        this.targets = targets;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** What is wrong with the request for the service, or null when it is acceptable. */
    protected abstract String problemWith(String target, JsonNode request);

    /** The answer to an accepted request. */
    protected abstract ObjectNode answer(String target, JsonNode request);

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = null;
            String problem = problemWithHttp(exchange, target);
            if (problem == null) {
                try {
                    request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                    problem = problemWith(target, request);
                } catch (IOException e) {
                    problem = "body is not JSON: " + e.getMessage();
                }
            }
            if (problem != null) {
                refusals.add(problem);
                reply(exchange, 400, JSON.createObjectNode().put("__type", "InvalidInputException")
                        .put("Message", problem));
                return;
            }
            reply(exchange, 200, answer(target, request));
        }
    }

    private String problemWithHttp(HttpExchange exchange, String target) {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/")) {
            return "unexpected " + exchange.getRequestMethod() + " " + exchange.getRequestURI();
        }
        if (!targets.contains(target)) {
            return "unexpected target " + target;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
            return "unexpected content type " + contentType;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")
                || !authorization.contains("/" + signingName + "/aws4_request")) {
            return "not signed for " + signingName + ": " + authorization;
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
