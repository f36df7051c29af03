package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        // the data source is the dashboard's variable: the provisioned default here, any Prometheus when imported
        assertThat(named).isNotEmpty().containsOnly("${datasource}");
        assertThat(datasource.path("isDefault").asBoolean()).isTrue();
        assertThat(dashboard.path("uid").asText()).isEqualTo("nimbusverse");
    }

    @Test
    void theDashboardAsksForItsDataSourceJobAndInstanceInsteadOfNamingThem() throws Exception {
        JsonNode dashboard = JSON.readTree(Path.of("grafana/dashboards/nimbusverse.json").toFile());
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));

        assertThat(variables).containsOnlyKeys("datasource", "job", "instance");
        assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asText()).isEqualTo("prometheus");
        assertThat(variables.get("job").path("definition").asText()).startsWith("label_values(");
        assertThat(variables.get("instance").path("includeAll").asBoolean()).isTrue();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(panel.path("title").asText())
                        .doesNotContain("job=\"").doesNotContain("instance=\"");
                if (target.path("expr").asText().contains("nimbus_")) {
                    assertThat(target.path("expr").asText()).as(panel.path("title").asText())
                            .contains("job=~\"$job\"", "instance=~\"$instance\"");
                }
            }
        }
    }

    @Test
    void theDashboardProviderLoadsFilesFromAFolder() throws Exception {
        JsonNode provider = YAML.readTree(Path.of("grafana/provisioning/dashboards/nimbusverse.yml").toFile())
                .path("providers").get(0);

        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
    }
}
