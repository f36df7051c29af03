package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** grafana/: the provisioned data source is the one every panel names, and the dashboard is well formed. */
class GrafanaProvisioningTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyPanelQueriesTheProvisionedDataSource() throws Exception {
        JsonNode datasource = YAML.readTree(Path.of("grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        JsonNode dashboard = JSON.readTree(Path.of("grafana/dashboards/nimbusverse.json").toFile());

        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
        List<String> named = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", panel.path("title")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).isPositive();
            if (!panel.path("type").asText().equals("row")) {
                named.add(panel.path("datasource").path("uid").asText());
                assertThat(panel.path("targets")).as("queries of %s", panel.path("title")).isNotEmpty();
                panel.path("targets").forEach(t -> named.add(t.path("datasource").path("uid").asText()));
            }
        }
        assertThat(named).isNotEmpty().containsOnly(datasource.path("uid").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("nimbusverse");
    }

    @Test
    void theDashboardProviderLoadsFilesFromAFolder() throws Exception {
        JsonNode provider = YAML.readTree(Path.of("grafana/provisioning/dashboards/nimbusverse.yml").toFile())
                .path("providers").get(0);

        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
    }
}
