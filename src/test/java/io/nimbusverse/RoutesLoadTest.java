package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** Loads every file of routes/ with the YAML DSL, so that a broken route fails the build. */
class RoutesLoadTest {

    @Test
    void everyRouteFileLoadsAndEveryRouteHasAStableKebabCaseId() throws Exception {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("routes"))) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        try (CamelContext context = new DefaultCamelContext()) {
            for (Path file : files) {
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            }
            var model = ((org.apache.camel.model.ModelCamelContext) context);
            assertThat(model.getRouteDefinitions()).hasSizeGreaterThanOrEqualTo(12)
                    .allSatisfy(route -> assertThat(route.getRouteId()).matches("[a-z]+(-[a-z]+)*"))
                    .allSatisfy(route -> assertThat(route.getRouteConfigurationId()).isIn(null, "nimbus-errors",
                            "mail-errors"));
            assertThat(model.getRouteConfigurationDefinitions())
                    .extracting(c -> c.getId()).containsExactly("nimbus-errors", "mail-errors");
            assertThat(model.getRouteDefinitions()).filteredOn(r -> r.getRouteId().contains("mail"))
                    .as("a mail route never reports its own failure by mail")
                    .allSatisfy(r -> assertThat(r.getRouteConfigurationId()).isEqualTo("mail-errors"));
        }
    }
}
