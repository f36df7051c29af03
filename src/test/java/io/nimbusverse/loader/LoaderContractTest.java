package io.nimbusverse.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.contract.LoaderContract;
import io.nimbusverse.signal.Complete;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-prem loader passes the loader contract (the same test batch and expectations as aws/glue's job). */
class LoaderContractTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final LoaderContract contract = new LoaderContract();

    @TempDir
    Path dir;
    private InMemoryS3 s3;
    private JdbcDataSource db;
    private ParquetTableLoader loader;

    @BeforeEach
    void start() throws Exception {
        s3 = new InMemoryS3("bucket");
        s3.putTree("bucket", contract.objects());
        db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:contract" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        loader = new ParquetTableLoader(db, new S3BatchObjects(s3.client(), "bucket", dir), JSON, 1000);
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
    }

    @Test
    void theContractBatchLeavesTheExpectedRowsAndAnswer() throws Exception {
        Complete complete = loader.load(contract.manifest());

        contract.assertTablesLoaded(db);
        contract.assertAnswered(JSON.writeValueAsString(complete));
    }

    @Test
    void theOrdersItemLoadedAgainInALaterBatchReplacesItsRows() throws Exception {
        loader.load(contract.manifest());

        Complete reload = loader.load(contract.reloadManifest());

        assertThat(reload.succeeded()).isTrue();
        contract.assertOrdersReplacedByTheReload(db);
    }

    @Test
    void theContractBatchLoadedTwiceLeavesTheSameRows() throws Exception {
        Complete first = loader.load(contract.manifest());
        Complete again = loader.load(contract.manifest());

        assertThat(again).isEqualTo(first);
        contract.assertTablesLoaded(db);
    }

    @Test
    void anItemItsTableCannotTakeIsSetAsideAndTheRestLoads() throws Exception {
        contract.makeOrdersConflict(db);

        Complete complete = loader.load(contract.manifest());

        contract.assertOrdersSetAsideAndTheRestLoaded(db, JSON.writeValueAsString(complete));
    }

    @Test
    void aBatchThatCannotBeReadWhollyLeavesNoRowAndAnswersFailed() throws Exception {
        Complete complete = loader.load(contract.manifestWithAMissingObject());

        contract.assertNothingLoaded(db);
        contract.assertAnsweredFailedForTheMissingObject(JSON.writeValueAsString(complete));
    }
}
