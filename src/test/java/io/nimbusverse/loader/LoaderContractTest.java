package io.nimbusverse.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.NimbusApp;
import io.nimbusverse.cloud.S3Clients;
import io.nimbusverse.contract.LoaderContract;
import io.nimbusverse.signal.Complete;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.h2.jdbcx.JdbcDataSource;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The on-prem loader passes the loader contract (the same test batch and expectations as aws/glue's job). */
class LoaderContractTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final LoaderContract contract = new LoaderContract();

    @TempDir
    Path dir;
    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private S3Client s3;
    private JdbcDataSource db;
    private ParquetTableLoader loader;

    @BeforeEach
    void start() throws Exception {
        int port = NimbusApp.freePort();
        blobs = ContextBuilder.newBuilder("transient").credentials("id", "secret").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "bucket");
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).awsAuthentication(AuthenticationType.NONE, null,
                null).endpoint(URI.create("http://127.0.0.1:" + port)).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.onSpinWait();
        }
        s3 = S3Clients.create("http://127.0.0.1:" + port, "us-east-1", "anonymous", true);
        try (Stream<Path> files = Files.walk(contract.objects())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = contract.objects().relativize(file).toString().replace('\\', '/');
                s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromFile(file));
            }
        }
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:contract" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        loader = new ParquetTableLoader(db, new S3BatchObjects(s3, "bucket", dir), JSON, 1000);
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
        proxy.stop();
        blobs.close();
    }

    @Test
    void theContractBatchLeavesTheExpectedRowsAndAnswer() throws Exception {
        Complete complete = loader.load(contract.manifest());

        contract.assertTablesLoaded(db);
        contract.assertAnswered(JSON.writeValueAsString(complete));
    }

    @Test
    void theContractBatchLoadedTwiceLeavesTheSameRows() throws Exception {
        Complete first = loader.load(contract.manifest());
        Complete again = loader.load(contract.manifest());

        assertThat(again).isEqualTo(first);
        contract.assertTablesLoaded(db);
    }
}
