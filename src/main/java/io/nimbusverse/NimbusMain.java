package io.nimbusverse;

import java.util.Arrays;

import io.nimbusverse.run.FatalErrors;
import io.nimbusverse.run.RunOutcome;
import org.apache.camel.main.Main;

/**
 * Starts NimbusVerse: Camel Main with the beans of {@link NimbusConfiguration} and the YAML routes of routes/.
 * {@code --run-once} processes what is in the inbox, prints a summary and exits (1 when a batch failed, 3 when a
 * stage stalled). An Error in a stage ends the process with exit code 3 ({@link FatalErrors}).
 */
public final class NimbusMain {

    private NimbusMain() {
    }

    public static void main(String[] args) throws Exception {
        FatalErrors.endProcessOnError();
        RunOutcome outcome = new RunOutcome();
        Main main = create(outcome);
        if (Arrays.asList(args).contains("--run-once")) {
            main.addOverrideProperty("nimbus.run-once", "true");
        }
        main.run(Arrays.stream(args).filter(a -> !a.equals("--run-once")).toArray(String[]::new));
        System.exit(outcome.exitCode());
    }

    public static Main create(RunOutcome outcome) {
        Main main = new Main();
        main.configure().addConfiguration(NimbusConfiguration.class);
        main.bind("runOutcome", outcome);
        return main;
    }
}
