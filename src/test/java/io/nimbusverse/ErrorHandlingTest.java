package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.convert.MalformedFileException;
import io.nimbusverse.intake.BatchProgress;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.observe.RepeatedFailures;
import io.nimbusverse.run.FatalErrors;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The routeConfiguration of routes/errors.yaml, on a route that fails the way the pipeline's routes can. */
class ErrorHandlingTest {

    private static final String ROUTE = """
            - route:
                id: flaky
                routeConfigurationId: nimbus-errors
                from:
                  uri: direct:flaky
                  steps:
                    - bean:
                        ref: flaky
                        method: call
            - route:
                id: quarantine-item
                from:
                  uri: direct:quarantine
                  steps:
                    - bean:
                        ref: flaky
                        method: "quarantined(${exception.message})"
            - route:
                id: mail
                from:
                  uri: direct:mail
                  steps:
                    - bean:
                        ref: flaky
                        method: "mailed(${header.NimbusMilestone}, ${header.NimbusFailure})"
            """;

    /** Fails with the given exception a number of times, then succeeds; remembers when it was called. */
    public static class Flaky {
        final List<Long> calls = new CopyOnWriteArrayList<>();
        final List<String> quarantined = new ArrayList<>();
        final List<String> mailed = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        Throwable failure;

        public String call() throws Throwable {
            calls.add(System.nanoTime());
            if (failures.getAndDecrement() > 0) {
                throw failure;
            }
            return "done";
        }

        public void quarantined(String reason) {
            quarantined.add(reason);
        }

        public void mailed(String milestone, String failure) {
            mailed.add(milestone + ": " + failure);
        }
    }

    private CamelContext context;
    private ProducerTemplate template;
    private final Flaky flaky = new Flaky();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RepeatedFailures failures = new RepeatedFailures(Duration.ofMinutes(1), Clock.systemUTC(), metrics);
    @TempDir
    Path dir;
    private Ledger ledger;

    @BeforeEach
    void start() throws Exception {
        ledger = new CsvLedger(dir.resolve("report.csv"), 1000);
        ledger.open();
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("nimbus.errors.maximum-redeliveries", "4");
        props.put("nimbus.errors.redelivery-delay-ms", "50");
        props.put("nimbus.errors.maximum-redelivery-delay-ms", "1000");
        context.getPropertiesComponent().setInitialProperties(props);
        context.getRegistry().bind("flaky", flaky);
        context.getRegistry().bind("fatalErrors", new FatalErrors(metrics));
        context.getRegistry().bind("repeatedFailures", failures);
        context.getRegistry().bind("batchProgress", new BatchProgress(ledger, null));
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveMandatoryResource(context, "file:routes/errors.yaml"),
                ResourceHelper.resolveMandatoryResource(context, "file:routes/failures.yaml"),
                ResourceHelper.fromString("flaky.yaml", ROUTE));
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() throws IOException {
        context.stop();
        ledger.close();
    }

    @Test
    void aFailureThatASettingMustMendIsNeitherRetriedNorQuarantinedAndIsToldOnce() {
        flaky.failures.set(100);
        for (int i = 0; i < 2; i++) {
            flaky.failure = S3Exception.builder().statusCode(404)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build();
            template.requestBody("direct:flaky", "x");
        }

        assertThat(flaky.calls).hasSize(2);
        assertThat(flaky.quarantined).isEmpty();
        // one alert a window, not one per failure
        await().atMost(Duration.ofSeconds(5)).until(() -> flaky.mailed.size() == 1);
        assertThat(flaky.mailed).containsExactly("ROUTE_FAILED: S3 the bucket does not exist (NoSuchBucket); look at "
                + "nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
        assertThat(failures.firstPermanent()).isEqualTo("flaky: S3 the bucket does not exist (NoSuchBucket); look at "
                + "nimbus.s3.bucket (NIMBUS_S3_BUCKET)");
        assertThat(metrics.counter("nimbus.failures", "where", "flaky", "kind", "permanent").count()).isEqualTo(2);
    }

    @Test
    void aTransientFailureIsRetriedWithExponentialBackoff() {
        flaky.failure = new IOException("disk busy");
        flaky.failures.set(3);

        assertThat(template.requestBody("direct:flaky", "x", String.class)).isEqualTo("done");

        assertThat(flaky.calls).hasSize(4);
        List<Long> gapsMillis = new ArrayList<>();
        for (int i = 1; i < flaky.calls.size(); i++) {
            gapsMillis.add((flaky.calls.get(i) - flaky.calls.get(i - 1)) / 1_000_000);
        }
        // 50, 100, 200 ms: each wait doubles the one before
        assertThat(gapsMillis.get(0)).isBetween(45L, 400L);
        assertThat(gapsMillis.get(1)).isGreaterThanOrEqualTo(gapsMillis.get(0) * 3 / 2);
        assertThat(gapsMillis.get(2)).isGreaterThanOrEqualTo(gapsMillis.get(1) * 3 / 2);
    }

    @Test
    void aTransientFailureThatLastsFailsTheExchangeSoThatItsInputIsTakenAgain() {
        flaky.failure = new IOException("S3 down");
        flaky.failures.set(100);

        assertThatThrownBy(() -> template.requestBody("direct:flaky", "x"))
                .isInstanceOf(CamelExecutionException.class).hasRootCauseMessage("S3 down");
        assertThat(flaky.calls).hasSize(5);
        assertThat(flaky.quarantined).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> flaky.mailed.size() == 1);
        assertThat(flaky.mailed).containsExactly("ROUTE_FAILED: S3 down");
    }

    @Test
    void aMalformedFileIsPermanentWhateverTheLibraryThrewUnderneath() {
        // PDFBox says a corrupt PDF with a plain IOException: it must not make the file look transient
        flaky.failure = new MalformedFileException("unreadable application/pdf",
                new IOException("Missing root object specification in trailer."));
        flaky.failures.set(100);

        template.requestBody("direct:flaky", "x");

        assertThat(flaky.calls).hasSize(1);
        assertThat(flaky.quarantined).containsExactly("unreadable application/pdf");
    }

    @Test
    void anErrorIsFatalNeitherRetriedNorQuarantined() {
        flaky.failure = new OutOfMemoryError("Java heap space");
        flaky.failures.set(100);

        assertThatThrownBy(() -> template.requestBody("direct:flaky", "x"))
                .isInstanceOf(CamelExecutionException.class).hasRootCauseInstanceOf(OutOfMemoryError.class);

        // the application ends its process here (FatalErrors.endProcessOnError: EnvironmentIT shows it)
        assertThat(flaky.calls).hasSize(1);
        assertThat(flaky.quarantined).isEmpty();
        assertThat(metrics.counter("nimbus.fatal.errors").count()).isEqualTo(1);
    }

    @Test
    void aMalformedFileIsQuarantinedAtOnceWithItsReason() {
        flaky.failure = new MalformedFileException("malformed CSV, line 3: expected 3 fields, found 2");
        flaky.failures.set(1);

        template.requestBody("direct:flaky", "x");

        assertThat(flaky.calls).hasSize(1);
        assertThat(flaky.quarantined).containsExactly("malformed CSV, line 3: expected 3 fields, found 2");
    }
}
