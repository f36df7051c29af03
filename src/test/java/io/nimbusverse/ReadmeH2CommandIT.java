package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command to look into the loaded tables works as written: after a run in a folder whose state is
 * {@code ./data}, the H2 Shell command of README.md, run by a shell in that folder, prints the orders.
 */
class ReadmeH2CommandIT {

    private static final Pattern COMMAND = Pattern.compile("`(java -cp ~/\\.m2/[^`]*org\\.h2\\.tools\\.Shell[^`]*)`");

    @Test
    void theReadmesH2CommandPrintsTheLoadedRows(@TempDir Path dir) throws Exception {
        Matcher command = COMMAND.matcher(Files.readString(Path.of("README.md")));
        assertThat(command.find()).as("the H2 Shell command in README.md").isTrue();

        // its loaded tables in data/h2/nimbus, as with the defaults
        NimbusApp app = new NimbusApp(dir.resolve("data")).set("nimbus.run-once", "true");
        Files.createDirectories(app.inbox());
        Files.copy(Path.of("samples/orders.csv"), app.inbox().resolve("orders.csv"));
        app.runInBackground();
        await().atMost(Duration.ofSeconds(120)).until(() -> !app.isRunning());
        app.close();
        assertThat(app.outcome.exitCode()).isZero();

        Process shell = new ProcessBuilder("bash", "-c", command.group(1)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).as(output).isZero();
        assertThat(output).contains("order_id", "1001", "Ada Lovelace");
    }
}
