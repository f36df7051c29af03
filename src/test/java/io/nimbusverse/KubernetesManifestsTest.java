package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes: every object is valid against the Kubernetes API's schema (deploy/kubernetes/check, on Node), the
 * replicas get settings the start accepts and share the work, every secret comes from the Secret, and the routes'
 * ConfigMap holds every file of routes/.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final Path CHECK = DIR.resolve("check");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @BeforeAll
    static void installTheCheck() throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules"))) {
            assertThat(run(CHECK, "npm", "ci", "--no-audit", "--no-fund")).endsWith("exit 0");
        }
    }

    @Test
    void everyObjectIsValidAgainstTheKubernetesSchema() throws Exception {
        String output = run(Path.of("."), "node", CHECK.resolve("validate.mjs").toString(),
                DIR.resolve("nimbusverse.yaml").toString(), DIR.resolve("secret.example.yaml").toString());

        assertThat(output).endsWith("exit 0").contains("valid   deploy/kubernetes/nimbusverse.yaml: StatefulSet nimbusverse",
                "valid   deploy/kubernetes/nimbusverse.yaml: ConfigMap nimbusverse-settings",
                "valid   deploy/kubernetes/nimbusverse.yaml: PersistentVolumeClaim nimbusverse-shared",
                "valid   deploy/kubernetes/nimbusverse.yaml: Service nimbusverse",
                "valid   deploy/kubernetes/secret.example.yaml: Secret nimbusverse-secrets");
    }

    @Test
    void theCheckFailsOnAnObjectTheApiWouldRefuse() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), Files.readString(DIR.resolve("nimbusverse.yaml"))
                .replace("replicas: 3", "replicas: three").replace("accessModes: [ReadWriteMany]",
                        "accessModes: ReadWriteMany"));

        String output = run(Path.of("."), "node", CHECK.resolve("validate.mjs").toString(), broken.toString());

        assertThat(output).endsWith("exit 1").contains("INVALID " + broken + ": StatefulSet nimbusverse",
                "INVALID " + broken + ": PersistentVolumeClaim nimbusverse-shared");
    }

    @Test
    void theReplicasShareTheWorkWithSettingsTheStartAccepts() throws Exception {
        Map<String, String> env = new HashMap<>();
        objects().stream().filter(o -> o.path("kind").asText().equals("ConfigMap"))
                .forEach(o -> o.path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText())));
        JsonNode container = statefulSet().path("spec").path("template").path("spec").path("containers").get(0);

        assertThat(statefulSet().path("spec").path("replicas").asInt()).isGreaterThan(1);
        assertThat(env).containsEntry("NIMBUS_WORK_SHARED", "true").containsEntry("NIMBUS_INTAKE_SHARED_INBOX", "true")
                .containsEntry("NIMBUS_LEDGER_STORE", "jdbc");
        assertThat(Integer.parseInt(env.get("NIMBUS_SIGNALS_PARTITIONS")))
                .isGreaterThanOrEqualTo(statefulSet().path("spec").path("replicas").asInt());
        assertThat(container.path("env").findValuesAsText("fieldPath")).contains("metadata.name");
        ReplicaSettings.check(env);
        // what the one-instance routes read lives on the volume every replica mounts
        List<String> mounts = container.path("volumeMounts").findValuesAsText("mountPath");
        assertThat(mounts).contains("/data", "/app/routes", "/shared");
        assertThat(List.of("NIMBUS_CLUSTER_DIR", "NIMBUS_SQL_POSITIONS_DIR", "NIMBUS_COMPLETION_RETRY_DIR",
                "NIMBUS_INBOX_DIR")).allSatisfy(key -> assertThat(env.get(key)).startsWith("/shared/"));
    }

    @Test
    void everySecretComesFromTheSecretAndEveryRouteIsInTheRoutesConfigMap() throws Exception {
        JsonNode container = statefulSet().path("spec").path("template").path("spec").path("containers").get(0);
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().matches(".*(PASSWORD|SECRET|TOKEN|KEY_ID|USER).*")) {
                assertThat(variable.path("valueFrom").path("secretKeyRef").path("name").asText())
                        .as(variable.path("name").asText()).isEqualTo("nimbusverse-secrets");
            }
        }
        objects().stream().filter(o -> o.path("kind").asText().equals("ConfigMap")).forEach(o -> o.path("data")
                .fieldNames().forEachRemaining(key -> assertThat(key).doesNotContainPattern("PASSWORD|SECRET|TOKEN")));

        List<String> files = new ArrayList<>();
        YAML.readTree(DIR.resolve("kustomization.yaml").toFile()).path("configMapGenerator").get(0).path("files")
                .forEach(f -> files.add(f.asText()));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            assertThat(files).containsExactlyInAnyOrderElementsOf(routes.map(r -> "../../routes/" + r.getFileName())
                    .toList());
        }
    }

    private static JsonNode statefulSet() throws IOException {
        return objects().stream().filter(o -> o.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
    }

    private static List<JsonNode> objects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(DIR.resolve("nimbusverse.yaml").toFile())) {
            YAML.readValues(parser, ObjectNode.class).forEachRemaining(objects::add);
        }
        return objects;
    }

    /** The command's output and its exit code, as "exit N" on the last line. */
    private static String run(Path where, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return output + "exit " + process.exitValue();
    }
}
