package io.nimbusverse.aws.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.nimbusverse.contract.LoaderContract;
import io.nimbusverse.contract.MariaDb;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The Glue job end to end through its main method, as Glue runs it: Spark in local mode, the batch's objects in a
 * local folder standing for the bucket, the login from a Secrets Manager stand-in, a real MariaDB server for RDS.
 * It passes the loader contract, the same test as the app's on-prem loader.
 */
class LoadBatchJobTest {

    private static final String SECRET_ID = "nimbus/rds";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path serverDir;
    private static MariaDb server;
    private static SecretsStandIn secrets;
    private static int databases;

    @TempDir
    Path bucketDir;
    private final LoaderContract contract = new LoaderContract(Path.of(System.getProperty("nimbus.contract.dir")));
    private String jdbcUrl;
    private MariaDbDataSource db;

    @BeforeAll
    static void startServers() throws Exception {
        server = MariaDb.start(serverDir);
        secrets = new SecretsStandIn(SECRET_ID, "{\"username\":\"root\",\"password\":\"\",\"engine\":\"mariadb\"}");
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("aws.region", "eu-west-1");
        System.setProperty("aws.accessKeyId", "test-key");
        System.setProperty("aws.secretAccessKey", "test-secret");
        System.setProperty("aws.endpointUrlSecretsManager", secrets.endpoint().toString());
    }

    @AfterAll
    static void stopServers() throws Exception {
        SparkSession.active().stop();
        secrets.close();
        server.close();
    }

    @BeforeEach
    void newDatabaseAndBucket() throws Exception {
        jdbcUrl = server.createDatabase("rds" + ++databases);
        db = new MariaDbDataSource(jdbcUrl);
        db.setUser("root");
        try (Stream<Path> files = Files.walk(contract.objects())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = bucketDir.resolve(contract.objects().relativize(file));
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
    }

    private String[] jobArguments() {
        return jobArguments(LoaderContract.BATCH_ID, LoaderContract.MANIFEST_KEY);
    }

    private String[] jobArguments(String batchId, String manifestKey) {
        // what Glue passes: its own arguments, the job's defaults, the Lambda's per-run arguments
        return new String[] {"--JOB_ID", "j_0123", "--JOB_RUN_ID", "jr_0123", "--job-bookmark-option",
            "job-bookmark-disable", "--TempDir", "s3://nimbus-glue-assets/temporary/",
            "--jdbc-url", jdbcUrl, "--jdbc-secret-id", SECRET_ID, "--region", "eu-west-1",
            "--objects-root", bucketDir.toUri().toString(),
            "--batch-id", batchId, "--bucket", "nimbus-data", "--manifest-key", manifestKey};
    }

    private String answer() throws Exception {
        return Files.readString(bucketDir.resolve(LoaderContract.COMPLETE_KEY));
    }

    @Test
    void theContractBatchLeavesTheExpectedRowsAndAnswer() throws Exception {
        LoadBatchJob.main(jobArguments());

        contract.assertTablesLoaded(db);
        contract.assertAnswered(answer());
        assertThat(violations("complete.schema.json", answer())).isEmpty();
        assertThat(secrets.reads()).as("the login read from Secrets Manager").isPositive();
        assertThat(secrets.refusals()).isEmpty();
    }

    @Test
    void theOrdersItemLoadedAgainInALaterBatchReplacesItsRows() throws Exception {
        LoadBatchJob.main(jobArguments());
        Files.writeString(bucketDir.resolve(LoaderContract.RELOAD_MANIFEST_KEY), contract.reloadManifest());

        LoadBatchJob.main(jobArguments(LoaderContract.RELOAD_BATCH_ID, LoaderContract.RELOAD_MANIFEST_KEY));

        contract.assertOrdersReplacedByTheReload(db);
    }

    @Test
    void aSecondRunOfTheSameBatchLoadsNothingMore() throws Exception {
        LoadBatchJob.main(jobArguments());
        String first = answer();
        Files.delete(bucketDir.resolve(LoaderContract.COMPLETE_KEY));

        LoadBatchJob.main(jobArguments());
        String second = answer();
        LoadBatchJob.main(jobArguments());

        contract.assertTablesLoaded(db);
        assertThat(second).as("the answer given again, not a new load").isEqualTo(first);
        assertThat(answer()).isEqualTo(first);
    }

    @Test
    void anItemItsTableCannotTakeIsSetAsideAndTheRestLoads() throws Exception {
        contract.makeOrdersConflict(db);

        LoadBatchJob.main(jobArguments());

        contract.assertOrdersSetAsideAndTheRestLoaded(db, answer());
        assertThat(violations("complete.schema.json", answer())).isEmpty();
    }

    @Test
    void aBatchThatCannotBeReadWhollyLeavesNoRowAndAnswersFailed() throws Exception {
        Files.writeString(bucketDir.resolve(LoaderContract.MANIFEST_KEY), contract.manifestWithAMissingObject());

        LoadBatchJob.main(jobArguments());

        contract.assertNothingLoaded(db);
        contract.assertAnsweredFailedForTheMissingObject(answer());
        assertThat(violations("complete.schema.json", answer())).isEmpty();
    }

    @Test
    void aManifestOfAnotherBatchIsRefused() {
        String[] arguments = jobArguments();
        arguments[arguments.length - 5] = "20261126T000000Z-abcdef";

        assertThatThrownBy(() -> LoadBatchJob.main(arguments)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is batch " + LoaderContract.BATCH_ID);
        assertThat(bucketDir.resolve(LoaderContract.COMPLETE_KEY)).doesNotExist();
    }

    private static List<String> violations(String schema, String document) throws Exception {
        try (InputStream in = LoadBatchJobTest.class.getResourceAsStream("/schemas/" + schema)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config)
                    .validate(JSON.readTree(document)).stream().map(Object::toString).toList();
        }
    }
}
