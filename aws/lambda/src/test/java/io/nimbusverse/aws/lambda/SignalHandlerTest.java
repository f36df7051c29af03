package io.nimbusverse.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/** The handler's two ways in (an S3 event, a direct invocation), end to end against S3Proxy and the Glue stand-in. */
class SignalHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anS3EventDeliveredTwiceStartsOneLoadAndPassesOverOtherObjects() throws Exception {
        byte[] event;
        try (InputStream in = SignalHandlerTest.class.getResourceAsStream("/s3-event.json")) {
            event = in.readAllBytes();
        }
        try (S3Server s3 = new S3Server(LoadStarterTest.BUCKET);
                GlueStandIn glueApi = new GlueStandIn(LoadStarterTest.JOB)) {
            s3.putTree(LoadStarterTest.BUCKET, LoadStarterTest.CONTRACT.resolve("s3"));

            JsonNode answer = handle(s3, glueApi, event);

            assertThat(answer.get("outcomes")).hasSize(2);
            assertThat(answer.get("outcomes").findValuesAsText("status")).containsExactly("STARTED", "ALREADY_STARTED");
            assertThat(answer.get("outcomes").findValuesAsText("batchId")).containsOnly(LoadStarterTest.BATCH);
            assertThat(glueApi.starts()).isEqualTo(1);
            assertThat(glueApi.refusals()).isEmpty();
        }
    }

    @Test
    void aDirectInvocationNamesItsManifest() throws Exception {
        byte[] invocation = ("{\"bucket\":\"nimbus-data\",\"manifestKey\":\"signals/" + LoadStarterTest.BATCH
                + ".SIGNAL\"}").getBytes(StandardCharsets.UTF_8);
        try (S3Server s3 = new S3Server(LoadStarterTest.BUCKET);
                GlueStandIn glueApi = new GlueStandIn(LoadStarterTest.JOB)) {
            s3.putTree(LoadStarterTest.BUCKET, LoadStarterTest.CONTRACT.resolve("s3"));

            JsonNode answer = handle(s3, glueApi, invocation);

            assertThat(answer.get("outcomes").findValuesAsText("status")).containsExactly("STARTED");
            assertThat(glueApi.runs().get(0).path("Arguments").path("--manifest-key").asText())
                    .isEqualTo("signals/" + LoadStarterTest.BATCH + ".SIGNAL");
        }
    }

    @Test
    void keysOfS3EventsAreUrlDecoded() throws Exception {
        String event = new String(SignalHandlerTest.class.getResourceAsStream("/s3-event.json").readAllBytes(),
                StandardCharsets.UTF_8);

        List<ManifestLocation> locations = SignalHandler.locationsOf(
                event.replace("signals/notes+of+the+day.txt", "signals%2F20261125T203744Z-abcdef.SIGNAL")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(locations).extracting(ManifestLocation::batchId)
                .containsExactly(LoadStarterTest.BATCH, LoadStarterTest.BATCH, "20261125T203744Z-abcdef");
    }

    @Test
    void anythingElseIsAClearError() {
        assertThatThrownBy(() -> SignalHandler.locationsOf("{\"hello\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket, manifestKey");
        assertThatThrownBy(() -> SignalHandler.locationsOf(
                "{\"bucket\":\"b\",\"manifestKey\":\"parquet/x.parquet\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a SIGNAL manifest key");
        assertThatThrownBy(() -> SignalHandler.locationsOf(
                "{\"manifestKey\":\"signals/20261125T203744Z-768c9c.SIGNAL\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bucket");
    }

    private static JsonNode handle(S3Server s3, GlueStandIn glueApi, byte[] input) throws Exception {
        try (GlueClient glue = GlueClient.builder().endpointOverride(glueApi.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(S3Server.CREDENTIALS))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            SignalHandler handler = new SignalHandler(new LoadStarter(s3.client(), glue, LoadStarterTest.JOB,
                    new ManifestValidator(JSON), JSON));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(input), out, null);
            return JSON.readTree(out.toByteArray());
        }
    }
}
