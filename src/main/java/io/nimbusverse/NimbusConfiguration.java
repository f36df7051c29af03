package io.nimbusverse;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.cloud.AwsClients;
import io.nimbusverse.cloud.BatchSignals;
import io.nimbusverse.cloud.S3SharedWork;
import io.nimbusverse.cloud.Uploads;
import io.nimbusverse.console.BatchBoard;
import io.nimbusverse.console.ConsoleActions;
import io.nimbusverse.console.ConsoleServer;
import io.nimbusverse.convert.CsvToParquet;
import io.nimbusverse.convert.DatasetSchemas;
import io.nimbusverse.convert.ItemConverter;
import io.nimbusverse.convert.Limits;
import io.nimbusverse.convert.MetadataExtractor;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.intake.BatchProgress;
import io.nimbusverse.intake.Batches;
import io.nimbusverse.intake.Completions;
import io.nimbusverse.intake.InboxFilter;
import io.nimbusverse.intake.InboxLeases;
import io.nimbusverse.intake.InboxVersions;
import io.nimbusverse.intake.JdbcInboxLeases;
import io.nimbusverse.intake.Intake;
import io.nimbusverse.intake.LandingObjects;
import io.nimbusverse.intake.Quarantine;
import io.nimbusverse.intake.SharedWork;
import io.nimbusverse.intake.WorkFolders;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.loader.ParquetTableLoader;
import io.nimbusverse.loader.S3BatchObjects;
import io.nimbusverse.local.EmbeddedStack;
import io.nimbusverse.local.SampleFeeder;
import io.nimbusverse.local.Welcome;
import io.nimbusverse.notify.MilestoneMails;
import io.nimbusverse.observe.BatchMetrics;
import io.nimbusverse.observe.InboxMetrics;
import io.nimbusverse.observe.ItemProgress;
import io.nimbusverse.observe.RepeatedFailures;
import io.nimbusverse.observe.SignalsBacklog;
import io.nimbusverse.observe.StageHealth.Stage;
import io.nimbusverse.observe.StageHealth;
import io.nimbusverse.observe.StageHealthCheck;
import io.nimbusverse.run.BatchSummaries;
import io.nimbusverse.run.FatalErrors;
import io.nimbusverse.run.InstanceId;
import io.nimbusverse.run.Leadership;
import io.nimbusverse.run.RunOnce;
import io.nimbusverse.run.RunOutcome;
import io.nimbusverse.run.SignalsTopic;
import io.nimbusverse.run.StartupProbes;
import io.nimbusverse.run.StateFolder;
import io.nimbusverse.sql.KameletRouteRemover;
import io.nimbusverse.sql.SqlChunkParquet;
import io.nimbusverse.sql.SqlChunks;
import io.nimbusverse.sql.SqlPollStrategy;
import io.nimbusverse.sql.SqlPositions;
import io.nimbusverse.sql.SqlRowMapperFactory;
import io.nimbusverse.sql.SqlSeeder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.LoggingLevel;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every bean of the application, wired from application.properties. The routes in routes/ call them by name; a
 * route reload leaves them in place, and with them the ledger and the work in flight.
 */
public class NimbusConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NimbusConfiguration.class);

    @PropertyInject("nimbus.data.dir")
    String dataDir;
    @PropertyInject("nimbus.inbox.dir")
    String inboxDir;
    @PropertyInject("nimbus.landing.enabled")
    boolean landingEnabled;
    @PropertyInject("nimbus.landing.bucket")
    String landingBucket;
    @PropertyInject("nimbus.landing.prefix")
    String landingPrefix;
    @PropertyInject("nimbus.work.dir")
    String workDir;
    @PropertyInject("nimbus.work.shared")
    boolean sharedWork;
    @PropertyInject("nimbus.quarantine.dir")
    String quarantineDir;
    @PropertyInject("nimbus.duplicates.dir")
    String duplicatesDir;
    @PropertyInject("nimbus.ledger.file")
    String ledgerFile;
    @PropertyInject("nimbus.ledger.compact-min-lines")
    int ledgerCompactMinLines;
    @PropertyInject("nimbus.ledger.store")
    String ledgerStore;
    @PropertyInject("nimbus.ledger.jdbc-url")
    String ledgerJdbcUrl;
    @PropertyInject("nimbus.ledger.jdbc-user")
    String ledgerJdbcUser;
    @PropertyInject("nimbus.ledger.jdbc-password")
    String ledgerJdbcPassword;
    @PropertyInject("nimbus.intake.shared-inbox")
    boolean sharedInbox;
    @PropertyInject("nimbus.intake.lease-ms")
    long inboxLeaseMs;
    @PropertyInject("nimbus.run-once.strict")
    boolean runOnceStrict;
    @PropertyInject("nimbus.mail.host")
    String mailHost;
    @PropertyInject("nimbus.mail.port")
    int mailPort;
    @PropertyInject("nimbus.kafka.brokers")
    String kafkaBrokers;
    @PropertyInject("nimbus.kafka.instance-id")
    String kafkaInstanceId;
    @PropertyInject("nimbus.signals.topic")
    String signalsTopic;
    @PropertyInject("nimbus.signals.partitions")
    int signalsPartitions;
    @PropertyInject("nimbus.signals.replication-factor")
    short signalsReplicationFactor;
    @PropertyInject("nimbus.cluster.dir")
    String clusterDir;
    @PropertyInject("nimbus.cluster.heartbeat-ms")
    long clusterHeartbeatMs;
    @PropertyInject("nimbus.cluster.missed-heartbeats")
    int clusterMissedHeartbeats;
    @PropertyInject("nimbus.startup.wait-ms")
    long startupWaitMs;
    @PropertyInject("nimbus.intake.ignore-names")
    String ignoredNames;
    @PropertyInject("nimbus.samples.dir")
    String samplesDir;

    @PropertyInject("nimbus.classify.structured")
    String structuredTypes;
    @PropertyInject("nimbus.classify.semi-structured")
    String semiStructuredTypes;

    @PropertyInject(value = DatasetRules.SETTING, defaultValue = "")
    String datasetRulesFile;
    @PropertyInject("nimbus.datasets.schemas-dir")
    String datasetSchemasDir;

    @PropertyInject("nimbus.convert.csv.sample-records")
    int csvSampleRecords;
    @PropertyInject("nimbus.convert.csv.null-values")
    String csvNullValues;
    @PropertyInject("nimbus.convert.parquet.compression")
    String parquetCompression;
    @PropertyInject("nimbus.convert.parquet.row-group-bytes")
    long parquetRowGroupBytes;
    @PropertyInject("nimbus.convert.parquet.page-bytes")
    int parquetPageBytes;

    @PropertyInject(Limits.MAX_RECORD_BYTES)
    int maxRecordBytes;
    @PropertyInject(Limits.MAX_COLUMNS)
    int maxColumns;
    @PropertyInject(Limits.MAX_NESTING_DEPTH)
    int maxNestingDepth;
    @PropertyInject(Limits.MAX_EXPANDED_BYTES)
    long maxExpandedBytes;

    @PropertyInject("nimbus.s3.bucket")
    String bucket;
    @PropertyInject(value = "nimbus.s3.endpoint", defaultValue = "")
    String s3Endpoint;
    @PropertyInject("nimbus.s3.region")
    String s3Region;
    @PropertyInject("nimbus.s3.credentials")
    String s3Credentials;
    @PropertyInject("nimbus.s3.path-style")
    boolean s3PathStyle;
    @PropertyInject("nimbus.s3.part-size-bytes")
    long s3PartSize;

    @PropertyInject("nimbus.loader.trigger")
    String loaderTrigger;
    @PropertyInject(value = "nimbus.loader.lambda-endpoint", defaultValue = "")
    String lambdaEndpoint;
    @PropertyInject("nimbus.loader.lambda-function")
    String lambdaFunction;
    @PropertyInject("nimbus.loader.jdbc-url")
    String jdbcUrl;
    @PropertyInject("nimbus.loader.jdbc-user")
    String jdbcUser;
    @PropertyInject("nimbus.loader.jdbc-password")
    String jdbcPassword;
    @PropertyInject("nimbus.loader.insert-batch-size")
    int insertBatchSize;
    @PropertyInject("nimbus.loader.shared-tables")
    String sharedTables;
    @PropertyInject("nimbus.loader.max-attempts")
    int loaderMaxAttempts;
    @PropertyInject("nimbus.s3.archive-prefix")
    String archivePrefix;

    @PropertyInject("nimbus.sql.enabled")
    boolean sqlEnabled;
    @PropertyInject("nimbus.sql.jdbc-url")
    String sqlJdbcUrl;
    @PropertyInject("nimbus.sql.jdbc-user")
    String sqlJdbcUser;
    @PropertyInject("nimbus.sql.jdbc-password")
    String sqlJdbcPassword;
    @PropertyInject("nimbus.sql.positions-dir")
    String sqlPositionsDir;
    @PropertyInject("nimbus.sql.seed-script")
    String sqlSeedScript;

    @PropertyInject("nimbus.alerts.no-successful-batch-seconds")
    long noSuccessAlertSeconds;
    @PropertyInject("nimbus.completion.timeout-ms")
    long completionTimeoutMs;
    @PropertyInject("nimbus.completion.poll-delay-ms")
    long completionPollDelayMs;
    @PropertyInject("nimbus.health.stall-timeout-ms")
    long stallTimeoutMs;

    @PropertyInject("nimbus.mail.subject-prefix")
    String mailSubjectPrefix;
    @PropertyInject("nimbus.mail.milestones")
    String mailMilestones;
    @PropertyInject("nimbus.mail.digest-milestones")
    String mailDigestMilestones;
    @PropertyInject("nimbus.mail.to")
    String mailTo;

    @PropertyInject("nimbus.embedded.enabled")
    boolean embedded;
    @PropertyInject("nimbus.embedded.kafka-port")
    int kafkaPort;
    @PropertyInject("nimbus.embedded.kafka-controller-port")
    int kafkaControllerPort;
    @PropertyInject("nimbus.embedded.s3-port")
    int s3Port;
    @PropertyInject("nimbus.embedded.smtp-port")
    int smtpPort;
    @PropertyInject("nimbus.embedded.imap-port")
    int imapPort;
    @PropertyInject("nimbus.http.port")
    int httpPort;
    @PropertyInject("nimbus.console.enabled")
    boolean consoleEnabled;
    @PropertyInject("nimbus.console.path")
    String consolePath;
    @PropertyInject(value = "nimbus.console.token", defaultValue = "")
    String consoleToken;
    @PropertyInject(value = "camel.management.host", defaultValue = "0.0.0.0")
    String managementHost;
    @PropertyInject("nimbus.errors.log-window-ms")
    long failureLogWindowMs;
    @PropertyInject("nimbus.health.progress-log-ms")
    long progressLogMs;

    /**
     * Binds every bean once, here, rather than with {@code @BindToRegistry} methods: Camel Main post-processes a
     * configuration class more than once, and a second ledger on the same file must never exist. The embedded
     * servers start first, so that the routes find their brokers.
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        String httpUrl = "http://127.0.0.1:" + httpPort;
        String consoleUrl = consoleEnabled ? httpUrl + consolePath + "/" : "off (nimbus.console.enabled)";
        String inbox = Path.of(inboxDir).toAbsolutePath().toString();
        String ledgerPlace = ledgerStore.equals("csv") ? ledgerFile
                : ledgerWhere() + " (export: " + httpUrl + consolePath + "/api/ledger.csv)";
        StateFolder.makePrivate(Path.of(dataDir));
        if (!embedded) {
            context.addStartupListener(Welcome.external(inbox, "s3://" + bucket
                    + (s3Endpoint.isBlank() ? "" : " at " + s3Endpoint), ledgerPlace, httpUrl, consoleUrl));
            bindBeans(context);
            return;
        }
        EmbeddedStack stack = new EmbeddedStack(Path.of(dataDir), kafkaPort, kafkaControllerPort, s3Port, bucket,
                smtpPort, imapPort, mailTo);
        stack.start();
        context.addService(stack, true, true);
        context.addStartupListener(Welcome.local(inbox, Path.of(dataDir, "s3", bucket).toAbsolutePath().toString(),
                ledgerPlace, imapPort, mailTo, httpUrl, consoleUrl, durable(jdbcUrl)));
        try {
            bindBeans(context);
        } catch (Exception e) {
            // a start that cannot go on leaves no server behind: the process may live on (a test's JVM), and a Kafka
            // broker whose folder is deleted under it halts its JVM
            stack.stop();
            throw e;
        }
    }

    /** The pipeline's beans, its metrics and its start-up probes. */
    private void bindBeans(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        registry.bind("jsonMapper", json);

        StartupProbes probes = new StartupProbes(Duration.ofMillis(startupWaitMs));
        // the same after a restart: the cluster lock, the inbox leases, the ledger's rows and Kafka know it by it
        String instanceId = InstanceId.of(kafkaInstanceId, Path.of(dataDir));
        Ledger ledger = ledger(registry, probes, instanceId);
        registry.bind("ledger", Ledger.class, ledger, "open", "close");

        // one registry for Camel's metrics and the pipeline's, bound by NimbusMain before Camel's metrics start
        PrometheusMeterRegistry metrics = Objects.requireNonNull(registry.lookupByNameAndType("metricsRegistry",
                PrometheusMeterRegistry.class), "metricsRegistry");
        registry.bind("batchMetrics", new BatchMetrics(metrics, ledger, Duration.ofSeconds(noSuccessAlertSeconds)));
        FileLockClusterService cluster = Leadership.fileLocks(Path.of(clusterDir), instanceId, clusterHeartbeatMs,
                clusterMissedHeartbeats);
        context.addService(cluster, true, true);
        ClusteredRoutePolicy oneInstance = Leadership.oneInstance(cluster);
        registry.bind("oneInstance", oneInstance);
        Leadership leadership = new Leadership(oneInstance, instanceId, metrics);
        registry.bind("leadership", leadership);
        InboxMetrics.register(metrics, Path.of(inboxDir));
        WorkFolders folders = new WorkFolders(Path.of(inboxDir), Path.of(workDir), Path.of(quarantineDir),
                Path.of(duplicatesDir));
        registry.bind("workFolders", WorkFolders.class, folders, "create", null);

        InboxFilter inboxFilter = new InboxFilter(ignoredNames);
        registry.bind("inboxFilter", inboxFilter);
        S3Client s3 = AwsClients.s3(s3Endpoint, s3Region, s3Credentials, s3PathStyle);
        registry.bind("s3Client", S3Client.class, s3, null, "close");
        LandingObjects landing = new LandingObjects(Path.of(inboxDir), s3, landingBucket, landingPrefix);
        registry.bind("landingObjects", landing);
        // the stages that run on one instance at a time are watched where they run; load and completion both wait
        // on uploaded batches
        BooleanSupplier uploadedBatchesHere = () -> leadership.leads()
                && ledger.anyBatchWith(Set.of(ItemStatus.UPLOADED));
        // with one ledger for a cluster, the batches it shows on their way are the cluster's
        SignalsBacklog backlog = ledgerStore.equals("csv") ? null
                : new SignalsBacklog(kafkaBrokers, signalsTopic, instanceId);
        if (backlog != null) {
            registry.bind("signalsBacklog", SignalsBacklog.class, backlog, null, "close");
        }
        StageHealth stages = new StageHealth(Duration.ofMillis(stallTimeoutMs), Clock.systemUTC())
                .watch(Stage.INTAKE, () -> InboxMetrics.untakenFileIn(Path.of(inboxDir), ledger,
                        inboxFilter::ignores), metrics)
                .watch(Stage.CONVERT, batchesWaitingHere(ledger, backlog, ItemStatus.CLAIMED,
                        SignalsBacklog.CONVERT_GROUP), metrics)
                .watch(Stage.UPLOAD, batchesWaitingHere(ledger, backlog, ItemStatus.CONVERTED,
                        SignalsBacklog.UPLOAD_GROUP), metrics)
                .watch(Stage.COMPLETION, uploadedBatchesHere, metrics);
        if (landingEnabled) {
            stages.watch(Stage.LANDING, () -> leadership.leads() && landing.waiting(), metrics);
        }
        if (loaderTrigger.equals("local")) {
            stages.watch(Stage.LOAD, uploadedBatchesHere, metrics);
        }
        registry.bind("stageHealth", stages);
        HealthCheckRegistry healthChecks = HealthCheckRegistry.get(context);
        for (Stage stage : stages.watched()) {
            healthChecks.register(new StageHealthCheck(stages, stage));
        }
        registry.bind("fatalErrors", new FatalErrors(metrics));
        RepeatedFailures failures = new RepeatedFailures(Duration.ofMillis(failureLogWindowMs), Clock.systemUTC(),
                metrics);
        registry.bind("repeatedFailures", failures);

        InboxLeases inboxLeases = inboxLeases(registry, instanceId);
        InboxVersions inboxVersions = new InboxVersions(folders.inbox(), Path.of(workDir, "changed"), ledger,
                inboxLeases, Duration.ofMillis(inboxLeaseMs));
        registry.bind("inboxVersions", InboxVersions.class, inboxVersions, "holdInFlight", null);
        registry.bind("intake", new Intake(folders, ledger, inboxVersions, metrics));
        Batches batches = new Batches(ledger, folders, json, inboxLeases,
                sharedWork ? new S3SharedWork(s3, bucket) : SharedWork.LOCAL);
        registry.bind("batches", batches);
        registry.bind("batchProgress", new BatchProgress(ledger, batches));
        registry.bind("quarantine", new Quarantine(folders, ledger, inboxVersions));

        MediaTypes mediaTypes = new MediaTypes(list(structuredTypes), list(semiStructuredTypes));
        Limits limits = new Limits(maxRecordBytes, maxColumns, maxNestingDepth, maxExpandedBytes);
        CsvToParquet csvToParquet = new CsvToParquet(csvSampleRecords, Set.copyOf(list(csvNullValues)),
                parquetCompression, parquetRowGroupBytes, parquetPageBytes, limits, new ItemProgress("convert",
                        stages.heartbeat(Stage.CONVERT), Duration.ofMillis(progressLogMs), Clock.systemUTC(), metrics));
        DatasetRules datasetRules = new DatasetRules(datasetRulesFile).open();
        registry.bind("datasetRules", datasetRules);
        registry.bind("itemConverter", new ItemConverter(mediaTypes, csvToParquet, new MetadataExtractor(limits),
                json, datasetRules, new DatasetSchemas(Path.of(datasetSchemasDir), json), limits,
                Path.of(quarantineDir)));

        probes.kafka(kafkaBrokers, new SignalsTopic(signalsTopic, signalsPartitions, signalsReplicationFactor));
        context.getComponent("kafka", KafkaComponent.class).getConfiguration()
                .setGroupInstanceId(instanceId);
        probes.smtp(mailHost, mailPort);
        probes.bucket(s3, bucket, "nimbus.s3.bucket", s3Endpoint);
        if (landingEnabled && !landingBucket.equals(bucket)) {
            probes.bucket(s3, landingBucket, "nimbus.landing.bucket", s3Endpoint);
        }
        registry.bind("uploads", new Uploads(s3PartSize));

        switch (loaderTrigger) {
            case "local" -> {
                HikariDataSource dataSource = pool("loader", jdbcUrl, jdbcUser, jdbcPassword);
                registry.bind("loaderDataSource", DataSource.class, dataSource, null, "close");
                probes.database("the loader's database", dataSource, "nimbus.loader.jdbc-url", jdbcUrl);
                registry.bind("tableLoader", new ParquetTableLoader(dataSource,
                        new S3BatchObjects(s3, bucket, Path.of(workDir, "loader")), json, insertBatchSize,
                        Set.copyOf(list(sharedTables)), archivePrefix, loaderMaxAttempts,
                        new ItemProgress("load", stages.heartbeat(Stage.LOAD), Duration.ofMillis(progressLogMs),
                                Clock.systemUTC(), metrics)));
            }
            case "lambda" -> {
                LambdaClient lambda = AwsClients.lambda(lambdaEndpoint, s3Region);
                registry.bind("lambdaClient", LambdaClient.class, lambda, null, "close");
                probes.lambda(lambda, lambdaFunction, lambdaEndpoint);
            }
            case "s3-event" -> {
                // S3 notifies the Lambda of the SIGNAL by itself (aws/template.yaml)
            }
            default -> throw new IllegalArgumentException(
                    "nimbus.loader.trigger must be local, s3-event or lambda, not " + loaderTrigger);
        }

        BatchSignals batchSignals = new BatchSignals(s3, bucket, archivePrefix);
        registry.bind("batchSignals", batchSignals);
        registry.bind("completions", new Completions(ledger, batches, batchSignals, json,
                Duration.ofMillis(completionTimeoutMs), Duration.ofMillis(completionPollDelayMs), Clock.systemUTC()));
        BatchSummaries summaries = new BatchSummaries(ledger);
        registry.bind("milestoneMails", new MilestoneMails(mailSubjectPrefix, Set.copyOf(list(mailMilestones)),
                Set.copyOf(list(mailDigestMilestones)), summaries, batches));
        registry.bind("sampleFeeder", new SampleFeeder(Path.of(samplesDir), Path.of(inboxDir), Path.of(dataDir)));

        HikariDataSource sourceDataSource = pool("source", sqlJdbcUrl, sqlJdbcUser, sqlJdbcPassword);
        registry.bind("sourceDataSource", DataSource.class, sourceDataSource, null, "close");
        if (sqlEnabled) {
            probes.database("the source database", sourceDataSource, "nimbus.sql.jdbc-url", sqlJdbcUrl);
        }
        if (sqlEnabled && embedded && !sqlSeedScript.isBlank()) {
            new SqlSeeder(sourceDataSource, Path.of(sqlSeedScript), Path.of(dataDir)).seedOnce();
        }
        SqlPositions sqlPositions = new SqlPositions(Path.of(sqlPositionsDir), sourceDataSource, ledger, json);
        registry.bind("sqlPositions", SqlPositions.class, sqlPositions, "open", null);
        registry.bind("sqlChunks", new SqlChunks(sourceDataSource, folders, ledger, json, sqlPositions));
        registry.bind("sqlChunkParquet", new SqlChunkParquet(parquetCompression, parquetRowGroupBytes,
                parquetPageBytes));
        SqlPollStrategy sqlPollStrategy = new SqlPollStrategy(ledger, sqlPositions);
        registry.bind("sqlPollStrategy", sqlPollStrategy);
        registry.bind("sqlRowMapperFactory", new SqlRowMapperFactory());
        registry.bind("sqlPollFailures", new LoggingExceptionHandler(context, SqlPollStrategy.class,
                LoggingLevel.DEBUG));
        context.getManagementStrategy().addEventNotifier(new KameletRouteRemover());

        if (consoleEnabled) {
            bindConsole(context, ledger, folders, s3, sqlPositions, json);
        }

        RunOutcome outcome = registry.lookupByNameAndType("runOutcome", RunOutcome.class);
        registry.bind("runOnce", new RunOnce(ledger, summaries, outcome == null ? new RunOutcome() : outcome,
                sqlPollStrategy::everyTableReadThrough, stages, failures::firstPermanent, runOnceStrict));
    }

    /**
     * The web console and its API, mounted on the management server once Camel has started it; the board follows the
     * ledger from the start, so nothing written meanwhile is missed.
     */
    private void bindConsole(CamelContext context, Ledger ledger, WorkFolders folders, S3Client s3,
            SqlPositions sqlPositions, ObjectMapper json) throws Exception {
        BatchBoard board = new BatchBoard(ledger);
        context.getRegistry().bind("batchBoard", BatchBoard.class, board, "open", null);
        ConsoleActions actions = new ConsoleActions(ledger, folders, board, s3, bucket,
                context.createProducerTemplate());
        ConsoleServer console = new ConsoleServer(consolePath, ConsoleServer.tokenFor(managementHost, consoleToken),
                board, actions, ledger, sqlPositions, s3, bucket, json);
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the management server is started with the context, before this is called
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                ManagementHttpServer server = started.hasService(ManagementHttpServer.class);
                if (server == null) {
                    LOG.warn("No console: the management server is off (camel.management.enabled)");
                    return;
                }
                console.mount(server.getRouter());
            }
        });
    }

    /**
     * Whether batches wait for a stage of this instance: the ledger has batches with items in the status, and, with
     * one ledger for a cluster ({@code backlog} not null), the stage's signals wait in the partitions this instance
     * holds (when Kafka does not answer, the ledger alone decides): an instance whose partitions are empty is not
     * stalled by another's backlog.
     */
    private static BooleanSupplier batchesWaitingHere(Ledger ledger, SignalsBacklog backlog, ItemStatus status,
            String groupId) {
        BooleanSupplier inTheLedger = () -> ledger.anyBatchWith(Set.of(status));
        return backlog == null ? inTheLedger
                : () -> inTheLedger.getAsBoolean() && backlog.waitingHere(groupId).orElse(true);
    }

    /** The ledger in the store nimbus.ledger.store names; a database store is asked whether it answers first. */
    private Ledger ledger(Registry registry, StartupProbes probes, String instanceId) {
        if (ledgerStore.equals("csv")) {
            return new CsvLedger(Path.of(ledgerFile), ledgerCompactMinLines);
        }
        HikariDataSource dataSource = pool("ledger", ledgerJdbcUrl, ledgerJdbcUser, ledgerJdbcPassword);
        registry.bind("ledgerDataSource", DataSource.class, dataSource, null, "close");
        probes.database("the ledger's database", dataSource, "nimbus.ledger.jdbc-url", ledgerJdbcUrl);
        return new JdbcLedger(dataSource, ledgerWhere(), instanceId);
    }

    /**
     * Who takes each file of the inbox: this instance alone, or, in an inbox that several instances read, the one
     * that holds the file's lease in the ledger's database (a store the instances share: the settings check says so).
     */
    private InboxLeases inboxLeases(Registry registry, String instanceId) {
        if (!sharedInbox) {
            return InboxLeases.ALONE;
        }
        JdbcInboxLeases leases = new JdbcInboxLeases(registry.lookupByNameAndType("ledgerDataSource",
                DataSource.class), ledgerWhere(), instanceId, Duration.ofMillis(inboxLeaseMs));
        registry.bind("inboxLeases", JdbcInboxLeases.class, leases, "open", "close");
        return leases;
    }

    /** The ledger's database as logs name it: its URL without parameters, which may hold credentials. */
    private String ledgerWhere() {
        return ledgerJdbcUrl.split("[?;]", 2)[0];
    }

    /** A pool that starts even while its database is down: its first use fails and is retried then. */
    private static HikariDataSource pool(String name, String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(durable(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        config.setPoolName(name);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /**
     * An H2 file database as the pipeline needs it. H2 writes a commit to its file up to a second later by default: a
     * process that ends abruptly (an Error, kill -9) loses loads it had committed and answered COMPLETE for, so
     * {@code WRITE_DELAY=0} writes each commit at once. A path relative to the working directory (the default one,
     * under {@code nimbus.data.dir}) is made explicit with {@code ./}, which H2 requires.
     */
    static String durable(String jdbcUrl) {
        String file = "jdbc:h2:file:";
        boolean h2File = jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:mem:")
                && !jdbcUrl.startsWith("jdbc:h2:tcp:") && !jdbcUrl.startsWith("jdbc:h2:ssl:");
        if (!h2File) {
            return jdbcUrl;
        }
        String url = jdbcUrl;
        String prefix = url.startsWith(file) ? file : "jdbc:h2:";
        String path = url.substring(prefix.length());
        if (!path.startsWith("/") && !path.startsWith("./") && !path.startsWith("../") && !path.startsWith("~")
                && !path.matches("^[A-Za-z]:.*")) {
            url = prefix + "./" + path;
        }
        return url.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }
}
