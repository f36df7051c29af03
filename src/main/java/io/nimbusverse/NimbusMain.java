package io.nimbusverse;

import java.util.Arrays;

import io.nimbusverse.run.FatalErrors;
import io.nimbusverse.run.RunOutcome;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/**
 * Starts NimbusVerse: Camel Main with the beans of {@link NimbusConfiguration} and the YAML routes of routes/.
 * {@code --run-once} processes what is in the inbox, prints a summary and exits (1 when a batch failed, 3 when a
 * stage stalled). An Error in a stage ends the process with exit code 3 ({@link FatalErrors}); an application that
 * cannot start (a route or a setting is wrong) ends with exit code 2, rather than live on without its routes.
 */
public final class NimbusMain {

    /** The exit code of an application that could not start. */
    public static final int CANNOT_START = 2;

    private NimbusMain() {
    }

    public static void main(String[] args) throws Exception {
        FatalErrors.endProcessOnError();
        RunOutcome outcome = new RunOutcome();
        Main main = create(outcome);
        if (Arrays.asList(args).contains("--run-once")) {
            main.addOverrideProperty("nimbus.run-once", "true");
        }
        try {
            main.run(Arrays.stream(args).filter(a -> !a.equals("--run-once")).toArray(String[]::new));
        } catch (Exception e) {
            // the embedded servers' threads would keep the JVM alive without its routes
            LoggerFactory.getLogger(NimbusMain.class).error("NimbusVerse cannot start: {}", e.getMessage(), e);
            System.exit(CANNOT_START);
        }
        System.exit(outcome.exitCode());
    }

    public static Main create(RunOutcome outcome) {
        Main main = new Main();
        main.configure().addConfiguration(NimbusConfiguration.class);
        main.bind("runOutcome", outcome);
        return main;
    }
}
