package io.nimbusverse.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/** The starter against a real S3 server (S3Proxy) and a checking Glue stand-in, with the contract batch. */
class LoadStarterTest {

    static final String BUCKET = "nimbus-data";
    static final String JOB = "nimbus-load-batch";
    static final Path CONTRACT = Path.of(System.getProperty("nimbus.contract.dir", "../../contract"));
    static final String BATCH = "20261125T203744Z-768c9c";
    static final ManifestLocation LOCATION = new ManifestLocation(BUCKET, "signals/" + BATCH + ".SIGNAL");

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Server s3;
    private GlueStandIn glueApi;
    private GlueClient glue;
    private LoadStarter starter;

    @BeforeEach
    void start() throws Exception {
        s3 = new S3Server(BUCKET);
        s3.putTree(BUCKET, CONTRACT.resolve("s3"));
        glueApi = new GlueStandIn(JOB);
        glue = GlueClient.builder().endpointOverride(glueApi.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(S3Server.CREDENTIALS))
                .httpClient(UrlConnectionHttpClient.create()).build();
        starter = new LoadStarter(s3.client(), glue, JOB, new ManifestValidator(JSON), JSON);
    }

    @AfterEach
    void stop() throws Exception {
        glue.close();
        glueApi.close();
        s3.close();
    }

    @Test
    void aValidManifestStartsOneRunWithTheBatchArguments() {
        StartOutcome outcome = starter.start(LOCATION);

        assertThat(outcome.status()).isEqualTo(StartOutcome.Status.STARTED);
        assertThat(outcome.jobRunId()).isEqualTo("jr_1");
        assertThat(glueApi.refusals()).isEmpty();
        JsonNode arguments = glueApi.runs().get(0).get("Arguments");
        assertThat(arguments.get("--batch-id").asText()).isEqualTo(BATCH);
        assertThat(arguments.get("--bucket").asText()).isEqualTo(BUCKET);
        assertThat(arguments.get("--manifest-key").asText()).isEqualTo("signals/" + BATCH + ".SIGNAL");
    }

    @Test
    void aSecondEventForTheSameBatchStartsNoSecondLoad() {
        starter.start(LOCATION);
        StartOutcome again = starter.start(LOCATION);
        glueApi.newestRunIs("SUCCEEDED");
        StartOutcome afterSuccess = starter.start(LOCATION);

        assertThat(again.status()).isEqualTo(StartOutcome.Status.ALREADY_STARTED);
        assertThat(again.jobRunId()).isEqualTo("jr_1");
        assertThat(afterSuccess.status()).isEqualTo(StartOutcome.Status.ALREADY_STARTED);
        assertThat(glueApi.starts()).isEqualTo(1);
        assertThat(glueApi.refusals()).isEmpty();
    }

    @Test
    void aFailedRunMayBeRetriedByTheNextEvent() {
        starter.start(LOCATION);
        glueApi.newestRunIs("FAILED");

        StartOutcome retry = starter.start(LOCATION);

        assertThat(retry.status()).isEqualTo(StartOutcome.Status.STARTED);
        assertThat(retry.jobRunId()).isEqualTo("jr_2");
        assertThat(glueApi.starts()).isEqualTo(2);
    }

    @Test
    void anAnsweredBatchIsNotStarted() {
        s3.client().putObject(b -> b.bucket(BUCKET).key(LOCATION.completeKey()),
                RequestBody.fromString("{\"batchId\":\"" + BATCH + "\"}"));

        StartOutcome outcome = starter.start(LOCATION);

        assertThat(outcome.status()).isEqualTo(StartOutcome.Status.ALREADY_ANSWERED);
        assertThat(glueApi.starts()).isZero();
    }

    @Test
    void aManifestThatIsGoneStartsNothing() {
        s3.client().deleteObject(b -> b.bucket(BUCKET).key(LOCATION.key()));

        assertThat(starter.start(LOCATION).status()).isEqualTo(StartOutcome.Status.MANIFEST_GONE);
        assertThat(glueApi.starts()).isZero();
    }

    @Test
    void aManifestBreakingTheContractIsAnsweredFailedWithItsReasons() throws Exception {
        String manifest = Files.readString(CONTRACT.resolve("s3").resolve(LOCATION.key()));
        String broken = manifest.replaceFirst("\"sha256\": \"[0-9a-f]+\",", "")
                .replace("\"dataset\": \"orders\"", "\"dataset\": \"Orders!\"");
        s3.client().putObject(b -> b.bucket(BUCKET).key(LOCATION.key()), RequestBody.fromString(broken));

        StartOutcome outcome = starter.start(LOCATION);

        assertThat(outcome.status()).isEqualTo(StartOutcome.Status.REJECTED);
        assertThat(outcome.errors()).hasSize(2)
                .anySatisfy(e -> assertThat(e).contains("sha256"))
                .anySatisfy(e -> assertThat(e).contains("dataset"));
        assertThat(glueApi.starts()).isZero();
        JsonNode complete = JSON.readTree(s3.client().getObjectAsBytes(
                b -> b.bucket(BUCKET).key(LOCATION.completeKey())).asByteArray());
        assertThat(complete.get("batchId").asText()).isEqualTo(BATCH);
        assertThat(complete.get("status").asText()).isEqualTo("FAILED");
        assertThat(JSON.convertValue(complete.get("errors"), List.class)).isEqualTo(outcome.errors());
        assertThat(ContractSchemas.violations("complete.schema.json", complete)).isEmpty();
    }

    @Test
    void aManifestUnderAnotherBatchsKeyIsRejected() throws Exception {
        String manifest = Files.readString(CONTRACT.resolve("s3").resolve(LOCATION.key()));
        String other = "20261126T000000Z-abcdef";
        s3.client().putObject(b -> b.bucket(BUCKET).key("signals/" + other + ".SIGNAL"),
                RequestBody.fromString(manifest));

        StartOutcome outcome = starter.start(new ManifestLocation(BUCKET, "signals/" + other + ".SIGNAL"));

        assertThat(outcome.status()).isEqualTo(StartOutcome.Status.REJECTED);
        assertThat(outcome.errors()).singleElement().asString().contains("differs from the batch of its key");
    }
}
