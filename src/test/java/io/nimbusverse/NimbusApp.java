package io.nimbusverse;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.run.RunOutcome;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The application on its embedded stack, in the test's JVM, with its state in a temporary folder and every server
 * on a free port. The routes are the project's own routes/ unless a test points elsewhere.
 */
public final class NimbusApp implements AutoCloseable {

    /** The memory settings the application is started with (jvm.options, at the project's root), as java takes them. */
    public static final String JVM_OPTIONS = "@" + Path.of("jvm.options").toAbsolutePath();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    public final Path dataDir;
    public int kafkaPort = freePort();
    public int kafkaControllerPort = freePort();
    public int s3Port = freePort();
    public int smtpPort = freePort();
    public int imapPort = freePort();
    public int httpPort = freePort();
    public final RunOutcome outcome = new RunOutcome();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Main main;
    private Thread runner;

    public NimbusApp(Path dataDir) {
        this.dataDir = dataDir;
        set("nimbus.data.dir", dataDir.toString());
        set("nimbus.loader.jdbc-url", jdbcUrl());
        set("nimbus.embedded.kafka-port", String.valueOf(kafkaPort));
        set("nimbus.embedded.kafka-controller-port", String.valueOf(kafkaControllerPort));
        set("nimbus.embedded.s3-port", String.valueOf(s3Port));
        set("nimbus.embedded.smtp-port", String.valueOf(smtpPort));
        set("nimbus.embedded.imap-port", String.valueOf(imapPort));
        set("nimbus.http.port", String.valueOf(httpPort));
        set("camel.main.routes-reload-enabled", "false");
        set("nimbus.samples.feed", "false");
        // the MySQL source is off unless a test turns it on
        set("nimbus.sql.enabled", "false");
        set("nimbus.sql.jdbc-url", "jdbc:h2:file:" + dataDir.resolve("h2/source").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE");
        // quick turns, so that a test waits seconds, not minutes
        set("nimbus.intake.poll-delay-ms", "300");
        set("nimbus.intake.read-lock-check-interval-ms", "500");
        set("nimbus.intake.batch-idle-ms", "1500");
        set("nimbus.loader.poll-delay-ms", "500");
        set("nimbus.completion.poll-delay-ms", "500");
        set("nimbus.completion.check-interval-ms", "500");
        set("nimbus.errors.redelivery-delay-ms", "100");
        set("nimbus.errors.maximum-redelivery-delay-ms", "1000");
        // one mail per milestone, at once (MailIT sets digests up itself)
        set("nimbus.mail.digest-milestones", "");
    }

    /** The ports of another run: a restart on the same data folder finds its servers where they were. */
    public NimbusApp samePortsAs(NimbusApp other) {
        kafkaPort = other.kafkaPort;
        kafkaControllerPort = other.kafkaControllerPort;
        s3Port = other.s3Port;
        smtpPort = other.smtpPort;
        imapPort = other.imapPort;
        httpPort = other.httpPort;
        set("nimbus.embedded.kafka-port", String.valueOf(kafkaPort));
        set("nimbus.embedded.kafka-controller-port", String.valueOf(kafkaControllerPort));
        set("nimbus.embedded.s3-port", String.valueOf(s3Port));
        set("nimbus.embedded.smtp-port", String.valueOf(smtpPort));
        set("nimbus.embedded.imap-port", String.valueOf(imapPort));
        return set("nimbus.http.port", String.valueOf(httpPort));
    }

    /**
     * Runs on a copy of the project's routes in the data folder, reloaded when edited, so that a test can change
     * them; returns the copy's folder.
     */
    public Path ownRoutes() throws IOException {
        Path routes = dataDir.resolve("routes");
        Files.createDirectories(routes);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        set("camel.main.routes-include-pattern", "file:" + routes.toAbsolutePath() + "/*.yaml");
        set("camel.main.routes-reload-enabled", "true");
        set("camel.main.routes-reload-directory", routes.toAbsolutePath().toString());
        return routes;
    }

    /** Reads the tables of {@code tablesYaml} (in place of routes/sql-tables.yaml) from the database at the URL. */
    public NimbusApp readTables(String jdbcUrl, String user, String tablesYaml) throws IOException {
        Files.writeString(ownRoutes().resolve("sql-tables.yaml"), tablesYaml);
        set("nimbus.sql.enabled", "true");
        set("nimbus.sql.jdbc-url", jdbcUrl);
        set("nimbus.sql.jdbc-user", user);
        set("nimbus.sql.seed-script", "");
        return set("nimbus.sql.poll-delay-ms", "200");
    }

    public String get(String key) {
        return properties.get(key);
    }

    public NimbusApp set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public String jdbcUrl() {
        return "jdbc:h2:file:" + dataDir.resolve("h2/nimbus").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
    }

    public Path inbox() {
        return dataDir.resolve("inbox");
    }

    /** Starts the application and returns once its routes run. */
    public NimbusApp start() throws Exception {
        main = create();
        main.start();
        return this;
    }

    /** Runs the application as {@code main} does, on a thread of its own, until it stops by itself. */
    public NimbusApp runInBackground() {
        main = create();
        runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "nimbus-main");
        runner.start();
        return this;
    }

    public boolean isRunning() {
        return runner != null && runner.isAlive();
    }

    private Main create() {
        Main created = NimbusMain.create(outcome);
        properties.forEach(created::addOverrideProperty);
        return created;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Ledger ledger() {
        return context().getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    public S3Client s3() {
        return context().getRegistry().lookupByNameAndType("s3Client", S3Client.class);
    }

    @Override
    public void close() throws Exception {
        if (main != null) {
            main.stop();
            main.shutdown();
        }
        if (runner != null) {
            runner.join(60_000);
        }
    }

    /**
     * The application as users start it, in a JVM of its own with the memory settings of jvm.options and its own
     * logging (Camel at INFO), in run-once mode: configured through the environment, whose servers get free ports
     * and route reloading is off.
     */
    public static ProcessBuilder runOnceInItsOwnJvm(String... jvmOptions) {
        return inItsOwnJvm(List.of("--run-once"), jvmOptions);
    }

    /** The same, with its state in {@code state}, without the samples and the SQL intake. */
    public static ProcessBuilder runOnceInItsOwnJvm(Path state, String... jvmOptions) {
        ProcessBuilder process = runOnceInItsOwnJvm(jvmOptions);
        process.environment().put("NIMBUS_DATA_DIR", state.toString());
        process.environment().put("NIMBUS_SAMPLES_FEED", "false");
        process.environment().put("NIMBUS_SQL_ENABLED", "false");
        return process;
    }

    /** How a run in a JVM of its own ended: its exit code, all it printed, and how long it took. */
    public record Finished(int exitCode, String output, long seconds) {
    }

    /** Starts the process and waits for its end, at most two minutes. */
    public static Finished runToTheEnd(ProcessBuilder process) throws Exception {
        long start = System.nanoTime();
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!running.waitFor(2, TimeUnit.MINUTES)) {
            running.destroyForcibly();
            throw new AssertionError("the run did not end within two minutes:\n" + output);
        }
        return new Finished(running.exitValue(), output, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** The same, running until it is stopped (or killed). */
    public static ProcessBuilder runningInItsOwnJvm(String... jvmOptions) {
        return inItsOwnJvm(List.of(), jvmOptions);
    }

    private static ProcessBuilder inItsOwnJvm(List<String> arguments, String... jvmOptions) {
        // C1 alone: short-lived JVMs on two cores spend much of a run compiling (README, small files; ClusterIT 218 s
        // on C2, 125 s on C1)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), JVM_OPTIONS, "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-Dlog4j2.configurationFile=log4j2.properties", "-cp",
                System.getProperty("java.class.path"), NimbusMain.class.getName()));
        command.addAll(arguments);
        ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
        for (String port : List.of("NIMBUS_EMBEDDED_KAFKA_PORT", "NIMBUS_EMBEDDED_KAFKA_CONTROLLER_PORT",
                "NIMBUS_EMBEDDED_S3_PORT", "NIMBUS_EMBEDDED_SMTP_PORT", "NIMBUS_EMBEDDED_IMAP_PORT",
                "NIMBUS_HTTP_PORT")) {
            process.environment().put(port, String.valueOf(freePort()));
        }
        process.environment().put("CAMEL_MAIN_ROUTESRELOADENABLED", "false");
        return process;
    }

    /**
     * A port free now and never handed out before in this JVM: the system may give a port just closed again, and two
     * servers of one application on one port fail to start (Kafka's broker and controller did).
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
