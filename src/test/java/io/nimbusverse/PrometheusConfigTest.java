package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/**
 * prometheus/ as Prometheus' own tools check it (Debian's prometheus and prometheus-alertmanager packages, which
 * .ci/run installs): the scrape configuration, the alert rules and their unit tests, the Alertmanager configuration.
 */
class PrometheusConfigTest {

    private static final Path DIR = Path.of("prometheus");

    @Test
    void theScrapeConfigurationIsValid() throws Exception {
        assertPasses(DIR, "promtool", "check", "config", "prometheus.yml");
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        assertPasses(DIR, "promtool", "check", "rules", "rules/nimbusverse-alerts.yml");
    }

    @Test
    void everyAlertFiresOnAFailingSeriesAndStaysQuietOnAHealthyOne() throws Exception {
        String output = assertPasses(DIR, "promtool", "test", "rules", "tests/nimbusverse-alerts.test.yml");
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void theAlertmanagerConfigurationIsValid() throws Exception {
        String output = assertPasses(DIR, "amtool", "check-config", "alertmanager.yml");
        assertThat(output).contains("1 receivers");
    }

    @Test
    void composesAlertmanagerIsTheSameButForTheMailServer() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode local = (ObjectNode) yaml.readTree(DIR.resolve("alertmanager.yml").toFile());
        ObjectNode compose = (ObjectNode) yaml.readTree(Path.of("docker/alertmanager.yml").toFile());
        assertThat(((ObjectNode) local.get("global")).remove("smtp_smarthost").asText()).startsWith("127.0.0.1:");
        assertThat(((ObjectNode) compose.get("global")).remove("smtp_smarthost").asText()).isEqualTo("mailpit:1025");
        assertThat(compose).isEqualTo(local);
        assertPasses(Path.of("docker"), "amtool", "check-config", "alertmanager.yml");
    }

    private static String assertPasses(Path dir, String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed: apt-get install prometheus "
                    + "prometheus-alertmanager (.ci/run does)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
