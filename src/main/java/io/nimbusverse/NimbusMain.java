package io.nimbusverse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

import io.nimbusverse.observe.BatchMetrics;
import io.nimbusverse.run.FatalErrors;
import io.nimbusverse.run.PermanentFailures;
import io.nimbusverse.run.RunOutcome;
import io.nimbusverse.run.Settings;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts NimbusVerse: Camel Main with the beans of {@link NimbusConfiguration} and the YAML routes of routes/.
 * {@code --run-once} processes what is in the inbox, prints a summary and exits (1 when a batch failed, or with
 * {@code --strict} when an item was quarantined; 3 when a stage stalled). An Error in a stage ends the process with exit code 3 ({@link FatalErrors}); an application that
 * cannot start (a route or a setting is wrong) ends with exit code 2, rather than live on without its routes.
 */
public final class NimbusMain {

    /** The exit code of an application that could not start. */
    public static final int CANNOT_START = 2;

    private NimbusMain() {
    }

    public static void main(String[] args) throws Exception {
        FatalErrors.endProcessOnError();
        LoggerFactory.getLogger(NimbusMain.class).info("NimbusVerse {}: files and MySQL tables into S3 as Parquet and "
                + "into a database. Starting...", version());
        RunOutcome outcome = new RunOutcome();
        Main main = create(outcome);
        if (Arrays.asList(args).contains("--run-once")) {
            main.addOverrideProperty("nimbus.run-once", "true");
        }
        if (Arrays.asList(args).contains("--strict")) {
            main.addOverrideProperty("nimbus.run-once.strict", "true");
        }
        try {
            main.run(Arrays.stream(args).filter(a -> !a.equals("--run-once") && !a.equals("--strict"))
                    .toArray(String[]::new));
        } catch (Exception e) {
            // the embedded servers' threads would keep the JVM alive without its routes
            Logger log = LoggerFactory.getLogger(NimbusMain.class);
            String permanent = PermanentFailures.reasonOf(e);
            String outsideWorld = permanent != null ? permanent : PermanentFailures.whereToLook("startup", e);
            if (invalidSettingIn(e).isPresent()) {
                log.error("NimbusVerse cannot start:\n{}", invalidSettingIn(e).get().getMessage());
            } else if (!outsideWorld.isEmpty()) {
                // a service that does not answer or refuses: its message and the setting say it, not a stack trace
                log.error("NimbusVerse cannot start: {} ({})", e.getMessage(), outsideWorld.replaceFirst("^; ", ""));
                log.debug("NimbusVerse cannot start", e);
            } else {
                log.error("NimbusVerse cannot start: {}", e.getMessage(), e);
            }
            System.exit(CANNOT_START);
        }
        // the run's summary is the last thing printed, after Camel's shutdown
        if (!outcome.summary().isEmpty()) {
            System.out.println(outcome.summary());
        }
        System.exit(outcome.exitCode());
    }

    public static Main create(RunOutcome outcome) {
        Main main = new Main();
        main.configure().addConfiguration(NimbusConfiguration.class);
        main.bind("runOutcome", outcome);
        main.bind("metricsRegistry", BatchMetrics.newRegistry());
        // before any bean or server is made: a setting that cannot work ends the start with what to fix
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport started) {
                PropertiesComponent properties = started.getCamelContext().getPropertiesComponent();
                Settings.check(properties::resolveProperty);
            }
        });
        return main;
    }

    /** The version of the build, from nimbusverse.properties (filled in by Maven). */
    static String version() {
        Properties build = new Properties();
        try (InputStream in = NimbusMain.class.getResourceAsStream("/nimbusverse.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            return "(version unknown)";
        }
        return build.getProperty("version", "(version unknown)");
    }

    private static Optional<Settings.InvalidSettingException> invalidSettingIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Settings.InvalidSettingException invalid) {
                return Optional.of(invalid);
            }
        }
        return Optional.empty();
    }
}
