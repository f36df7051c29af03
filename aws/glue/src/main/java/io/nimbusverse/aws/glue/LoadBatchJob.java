package io.nimbusverse.aws.glue;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.loader.ParquetTableLoader;
import io.nimbusverse.signal.Complete;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The Glue job (Glue 5.0, entered through aws/glue/load_batch.scala): loads the batch named by its arguments into
 * the database with the loader the on-prem route uses (src/loader/java), then writes the batch's COMPLETE answer
 * next to its SIGNAL. Arguments: --batch-id, --bucket, --manifest-key (from the Lambda); --jdbc-url,
 * --jdbc-secret-id, --region (default arguments of the job, aws/template.yaml); optional --objects-root (default
 * s3://&lt;bucket&gt;/) and --insert-batch-size (default 1000).
 */
public final class LoadBatchJob {

    /** The arguments of each run, given by the signal Lambda (aws/lambda). */
    public static final List<String> RUN_ARGUMENTS = List.of("--batch-id", "--bucket", "--manifest-key");
    /** The job's own default arguments, from aws/template.yaml. */
    public static final List<String> DEFAULT_ARGUMENTS = List.of("--jdbc-url", "--jdbc-secret-id", "--region");

    private static final Logger LOG = LoggerFactory.getLogger(LoadBatchJob.class);

    private LoadBatchJob() {
    }

    public static void main(String[] args) throws Exception {
        JobArguments arguments = JobArguments.parse(args);
        Configuration hadoop = SparkSession.builder().appName("nimbus-load-batch").getOrCreate()
                .sparkContext().hadoopConfiguration();
        SecretsManagerClientBuilder secretsClient = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create());
        String region = arguments.optional("--region", "");
        if (!region.isEmpty()) {
            secretsClient.region(Region.of(region));
        }
        try (SecretsManagerClient secrets = secretsClient.build()) {
            run(arguments, hadoop, secrets);
        }
    }

    /** The answer written, or null when the batch had been loaded and answered before. */
    static Complete run(JobArguments arguments, Configuration hadoop, SecretsManagerClient secrets)
            throws IOException, SQLException {
        String batchId = arguments.required("--batch-id");
        String bucket = arguments.required("--bucket");
        String manifestKey = arguments.required("--manifest-key");
        HadoopBatchObjects objects = new HadoopBatchObjects(
                arguments.optional("--objects-root", "s3://" + bucket + "/"), hadoop);
        ObjectMapper json = json();

        String manifest = objects.read(manifestKey);
        String manifestBatch = json.readTree(manifest).path("batchId").asText();
        if (!batchId.equals(manifestBatch)) {
            throw new IllegalArgumentException("manifest " + manifestKey + " is batch " + manifestBatch
                    + ", not " + batchId);
        }
        DatabaseLogin login = DatabaseLogin.fromSecret(secrets, arguments.required("--jdbc-secret-id"), json);
        MariaDbDataSource database = new MariaDbDataSource(arguments.required("--jdbc-url"));
        database.setUser(login.username());
        database.setPassword(login.password());
        ParquetTableLoader loader = new ParquetTableLoader(database, objects, json,
                Integer.parseInt(arguments.optional("--insert-batch-size", "1000")));

        Complete complete = loader.load(manifest);
        if (complete == null) {
            LOG.info("Batch {} was loaded and answered before: nothing to do", batchId);
            return null;
        }
        objects.write(S3Keys.complete(batchId), json.writeValueAsBytes(complete));
        LOG.info("Batch {} answered {}: {}", batchId, complete.status(),
                complete.succeeded() ? complete.tables() : complete.errors());
        return complete;
    }

    /** Instants as ISO-8601 text, as the contract's schemas have them (Spark's Jackson has no java.time module). */
    static ObjectMapper json() {
        SimpleModule instants = new SimpleModule("instants")
                .addSerializer(Instant.class, new JsonSerializer<>() {
                    @Override
                    public void serialize(Instant value, JsonGenerator out, SerializerProvider provider)
                            throws IOException {
                        out.writeString(value.toString());
                    }
                })
                .addDeserializer(Instant.class, new JsonDeserializer<>() {
                    @Override
                    public Instant deserialize(JsonParser in, DeserializationContext context) throws IOException {
                        return Instant.parse(in.getValueAsString());
                    }
                });
        return new ObjectMapper().registerModule(instants);
    }
}
