package io.nimbusverse.aws.lambda;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Lambda entry point. Takes either an S3 ObjectCreated event for {@code signals/*.SIGNAL} or a direct invocation
 * {@code {"bucket": ..., "manifestKey": "signals/<batchId>.SIGNAL"}} (what the app sends through camel-aws2-lambda),
 * and answers {@code {"outcomes": [...]}}, one per manifest. Configuration: {@code NIMBUS_GLUE_JOB} names the Glue
 * job; region, credentials and endpoints come from the SDK's own environment (AWS_REGION, AWS_ENDPOINT_URL_S3...).
 */
public class SignalHandler implements RequestStreamHandler {

    public static final String GLUE_JOB_VARIABLE = "NIMBUS_GLUE_JOB";
    private static final Logger LOG = LoggerFactory.getLogger(SignalHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadStarter starter;

    /** Used by the Lambda runtime: clients made once per execution environment. */
    public SignalHandler() {
        this(new LoadStarter(S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                GlueClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                requiredVariable(GLUE_JOB_VARIABLE), new ManifestValidator(JSON), JSON));
    }

    public SignalHandler(LoadStarter starter) {
        this.starter = starter;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        List<StartOutcome> outcomes = locationsOf(event).stream().map(starter::start).toList();
        JSON.writeValue(output, Map.of("outcomes", outcomes));
    }

    static List<ManifestLocation> locationsOf(byte[] event) throws IOException {
        JsonNode tree = JSON.readTree(event);
        if (tree.has("Records")) {
            S3Event s3Event = LambdaEventSerializers.serializerFor(S3Event.class, SignalHandler.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(event));
            return s3Event.getRecords().stream()
                    .filter(r -> r.getEventName() != null && r.getEventName().startsWith("ObjectCreated"))
                    .filter(r -> {
                        boolean signal = ManifestLocation.isSignal(r.getS3().getObject().getUrlDecodedKey());
                        if (!signal) {
                            LOG.warn("Event for {} passed over: not a SIGNAL manifest",
                                    r.getS3().getObject().getUrlDecodedKey());
                        }
                        return signal;
                    })
                    .map(r -> new ManifestLocation(r.getS3().getBucket().getName(),
                            r.getS3().getObject().getUrlDecodedKey()))
                    .toList();
        }
        if (tree.hasNonNull("manifestKey")) {
            return List.of(new ManifestLocation(tree.path("bucket").asText(null), tree.get("manifestKey").asText()));
        }
        throw new IllegalArgumentException(
                "neither an S3 event (Records) nor an invocation naming its manifest (bucket, manifestKey): " + tree);
    }

    private static String requiredVariable(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
