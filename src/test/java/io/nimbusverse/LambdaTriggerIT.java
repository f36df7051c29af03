package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.loader.ParquetTableLoader;
import io.nimbusverse.loader.S3BatchObjects;
import io.nimbusverse.signal.Complete;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Trigger {@code lambda}: the app hands each uploaded batch to the loader's Lambda through camel-aws2-lambda. A real
 * HTTP server stands in for the Lambda API (it has no local server): it checks each Invoke request, then does what
 * the Lambda and its Glue job do, with the same loader, into a database of its own, and writes the COMPLETE.
 */
class LambdaTriggerIT {

    private static final Pattern INVOKE_PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TempDir
    Path dir;
    private HttpServer lambdaApi;
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final List<String> invokedBatches = Collections.synchronizedList(new ArrayList<>());
    private JdbcDataSource rds;
    private NimbusApp app;
    private final AtomicInteger dryRuns = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        rds = new JdbcDataSource();
        rds.setURL("jdbc:h2:mem:rds" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        lambdaApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lambdaApi.createContext("/", this::invoke);
        lambdaApi.start();
        // the app's Lambda client signs with the default credentials chain, here its system properties
        System.setProperty("aws.accessKeyId", "test-key");
        System.setProperty("aws.secretAccessKey", "test-secret");
        app = new NimbusApp(dir)
                .set("nimbus.loader.trigger", "lambda")
                .set("nimbus.loader.lambda-endpoint", "http://127.0.0.1:" + lambdaApi.getAddress().getPort());
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        lambdaApi.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void anUploadedBatchIsHandedToTheLambdaOnceAndCompletes() throws Exception {
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        app.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> app.ledger().count(e -> e.status() == ItemStatus.DONE) == 1);

        assertThat(refusals).isEmpty();
        assertThat(dryRuns).as("the start-up probe").hasValue(1);
        assertThat(invokedBatches).hasSize(1);
        assertThat(app.context().getRoute("load-signals")).as("the on-prem loader").isNull();
        try (Connection c = rds.getConnection(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*), sum(quantity) FROM orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5);
            assertThat(rs.getLong(2)).isEqualTo(17);
        }
    }

    @Test
    void aFunctionThatDoesNotExistEndsTheStartNamingItsSetting() throws IOException {
        app.set("nimbus.loader.lambda-function", "nimbus-misnamed");

        assertThatThrownBy(app::start).hasStackTraceContaining("the loader's Lambda at nimbus-misnamed at http://127.0.0.1:"
                + lambdaApi.getAddress().getPort() + " (nimbus.loader.lambda-function, environment variable "
                + "NIMBUS_LOADER_LAMBDA_FUNCTION): no such function");
        assertThat(refusals).isEmpty();
        // the start that failed left no embedded server behind: their ports are free again
        for (int port : new int[] {app.kafkaPort, app.s3Port, app.smtpPort}) {
            try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(free.getLocalPort()).isEqualTo(port);
            }
        }
    }

    /** The Lambda API's Invoke, checked as the service would, answered as aws/lambda's handler answers. */
    private void invoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("DryRun".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
                dryRun(exchange);
                return;
            }
            String problem = problemWith(exchange, body);
            if (problem != null) {
                refusals.add(problem);
                reply(exchange, 400, "{\"Type\":\"User\",\"message\":\"" + problem.replace('"', '\'') + "\"}");
                return;
            }
            JsonNode request = JSON.readTree(body);
            String manifestKey = request.get("manifestKey").asText();
            S3Client s3 = app.s3();
            String manifest = s3.getObjectAsBytes(b -> b.bucket("nimbus-data").key(manifestKey)).asUtf8String();
            String batchId = JSON.readTree(manifest).get("batchId").asText();
            invokedBatches.add(batchId);
            Complete complete = new ParquetTableLoader(rds, new S3BatchObjects(s3, "nimbus-data", dir.resolve("glue")),
                    JSON, 1000).load(manifest);
            s3.putObject(b -> b.bucket("nimbus-data").key("signals/" + batchId + ".COMPLETE"),
                    RequestBody.fromBytes(JSON.writeValueAsBytes(complete)));
            reply(exchange, 200, "{\"outcomes\":[{\"batchId\":\"" + batchId
                    + "\",\"status\":\"STARTED\",\"jobRunId\":\"jr_1\",\"errors\":[]}]}");
        } catch (Exception e) {
            refusals.add("the stand-in failed: " + e);
            reply(exchange, 500, "{\"message\":\"stand-in failure\"}");
        }
    }

    /** The start-up probe: a DryRun Invoke (it needs no other permission than Invoke), of a function that exists. */
    private void dryRun(HttpExchange exchange) throws IOException {
        Matcher path = INVOKE_PATH.matcher(exchange.getRequestURI().getPath());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!exchange.getRequestMethod().equals("POST") || !path.matches() || authorization == null
                || !authorization.contains("/lambda/aws4_request")) {
            refusals.add("a dry run not as the Lambda API takes it: " + exchange.getRequestURI());
            reply(exchange, 400, "{\"message\":\"bad request\"}");
        } else if (path.group(1).equals("nimbus-signal")) {
            dryRuns.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
            reply(exchange, 404, "{\"Type\":\"User\",\"Message\":\"Function not found: " + path.group(1) + "\"}");
        }
    }

    private String problemWith(HttpExchange exchange, byte[] body) {
        Matcher path = INVOKE_PATH.matcher(exchange.getRequestURI().getPath());
        if (!exchange.getRequestMethod().equals("POST") || !path.matches()) {
            return "unexpected " + exchange.getRequestMethod() + " " + exchange.getRequestURI();
        }
        if (!path.group(1).equals("nimbus-signal")) {
            return "unknown function " + path.group(1);
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=test-key/")
                || !authorization.contains("/lambda/aws4_request")) {
            return "not signed for lambda: " + authorization;
        }
        String invocationType = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
        if (invocationType != null && !invocationType.equals("RequestResponse")) {
            return "unexpected invocation type " + invocationType;
        }
        try {
            JsonNode request = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            if (!"nimbus-data".equals(request.path("bucket").asText())
                    || !request.path("manifestKey").asText().matches("signals/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}\\.SIGNAL")
                    || request.size() != 2) {
                return "not a manifest location {bucket, manifestKey}: " + request;
            }
        } catch (IOException e) {
            return "payload is not JSON";
        }
        return null;
    }

    private static void reply(HttpExchange exchange, int status, String answer) throws IOException {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
