package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, the Dockerfile and the app's docker profile agree (there is no Docker engine here to run them):
 * the compose file is valid for docker-compose, sets every variable the profile reads, points at the services and
 * ports it defines, mounts folders that exist, and Prometheus and Grafana find what they are given.
 */
class ComposeTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+)}}");
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::[-?][^}]*)?}");
    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        services = compose.path("services");
    }

    @Test
    void dockerComposeFindsTheFileValid() throws Exception {
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "--env-file",
                ".env.example", "config", "-q").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /**
     * The cluster override: two replicas that share the work, with settings the start accepts (the ledger in the
     * database the compose file runs, the lock and what it guards on a volume both mount, each its own data folder).
     */
    @Test
    void theClusterOverrideStartsTwoReplicasThatShareTheWork() throws Exception {
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "-f",
                "docker-compose.cluster.yml", "--env-file", ".env.example", "config").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        JsonNode app = YAML.readTree(output).path("services").path("app");

        assertThat(app.path("deploy").path("replicas").asInt()).isEqualTo(2);
        Map<String, String> env = new HashMap<>();
        app.path("environment").properties().forEach(v -> env.put(v.getKey(), v.getValue().asText()));
        assertThat(env).containsEntry("NIMBUS_WORK_SHARED", "true").containsEntry("NIMBUS_INTAKE_SHARED_INBOX", "true")
                .containsEntry("NIMBUS_LEDGER_STORE", "jdbc").containsEntry("NIMBUS_LEDGER_JDBC_URL",
                        services.path("app").path("environment").path("NIMBUS_LOADER_JDBC_URL").asText());
        List<String> volumes = new ArrayList<>();
        app.path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).contains("/data").anyMatch(v -> v.startsWith("cluster:/cluster"))
                .anyMatch(v -> v.startsWith("inbox:/inbox")).noneMatch(v -> v.startsWith("data:"));
        ReplicaSettings.check(env);
    }

    @Test
    void everyVariableTheDockerProfileReadsIsSetForTheApp() throws IOException {
        Set<String> read = new LinkedHashSet<>();
        Matcher placeholders = ENV_PLACEHOLDER.matcher(Files.readString(
                Path.of("src/main/resources/application-docker.properties")));
        while (placeholders.find()) {
            read.add(placeholders.group(1));
        }
        Set<String> given = new LinkedHashSet<>();
        services.path("app").path("environment").fieldNames().forEachRemaining(given::add);

        assertThat(read).hasSizeGreaterThan(10);
        assertThat(given).containsAll(read);
        Properties defaults = new Properties();
        Properties docker = new Properties();
        try (Reader base = Files.newBufferedReader(Path.of("src/main/resources/application.properties"));
                Reader profile = Files.newBufferedReader(Path.of("src/main/resources/application-docker.properties"))) {
            defaults.load(base);
            docker.load(profile);
        }
        assertThat(defaults).as("the profile only sets keys the application has")
                .containsKeys(docker.stringPropertyNames().toArray());
        assertThat(dockerfile()).contains("CAMEL_MAIN_PROFILE=docker");
    }

    @Test
    void everyComposeVariableHasAValueInEnvExampleAndNoSecretIsWrittenInTheFile() throws IOException {
        Properties example = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(".env.example"))) {
            example.load(in);
        }
        Matcher variables = COMPOSE_VARIABLE.matcher(Files.readString(Path.of("docker-compose.yml"))
                + Files.readString(Path.of("docker-compose.cluster.yml")));
        Set<String> used = new LinkedHashSet<>();
        while (variables.find()) {
            used.add(variables.group(1));
        }

        assertThat(example.stringPropertyNames()).containsAll(used);
        services.properties().forEach(service -> service.getValue().path("environment").properties()
                .forEach(variable -> {
                    if (variable.getKey().matches(".*(PASSWORD|SECRET).*")) {
                        assertThat(variable.getValue().asText()).as(variable.getKey())
                                .matches("\\$\\{[A-Z0-9_]+:\\?[^}]*}");
                    }
                }));
        assertThat(Files.readString(Path.of(".gitignore")).lines()).contains(".env");
    }

    @Test
    void theAppPointsAtTheServicesAndPortsTheComposeFileDefines() {
        JsonNode env = services.path("app").path("environment");

        assertThat(env.path("NIMBUS_KAFKA_BROKERS").asText()).isEqualTo("kafka:9092");
        assertThat(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .isEqualTo("PLAINTEXT://kafka:9092");
        assertThat(env.path("NIMBUS_S3_ENDPOINT").asText()).isEqualTo("http://minio:9000");
        assertThat(services.path("minio").path("command").toString()).contains("server");
        assertThat(env.path("NIMBUS_LOADER_JDBC_URL").asText()).startsWith("jdbc:mariadb://rds:3306/"
                + services.path("rds").path("environment").path("MARIADB_DATABASE").asText());
        assertThat(env.path("NIMBUS_SQL_JDBC_URL").asText()).startsWith("jdbc:mariadb://mysql:3306/"
                + services.path("mysql").path("environment").path("MYSQL_DATABASE").asText());
        assertThat(env.path("NIMBUS_MAIL_HOST").asText()).isEqualTo("mailpit");
        assertThat(env.path("NIMBUS_MAIL_PORT").asText()).isEqualTo("1025");
        assertThat(services.path("app").path("depends_on").fieldNames()).toIterable()
                .contains("kafka", "minio-bucket", "mysql", "rds", "mailpit");
        services.path("app").path("depends_on").forEach(d -> assertThat(d.path("condition").asText())
                .isIn("service_healthy", "service_completed_successfully"));
        for (String healthChecked : List.of("kafka", "mysql", "rds", "minio", "mailpit")) {
            assertThat(services.path(healthChecked).has("healthcheck")).as(healthChecked).isTrue();
        }
    }

    @Test
    void theAppServesWhereItsHealthCheckAndPrometheusLook() throws IOException {
        String port = appPort();
        JsonNode scrape = YAML.readTree(Path.of("docker/prometheus.yml").toFile()).path("scrape_configs").get(0);

        assertThat(services.path("app").path("ports").get(0).asText()).endsWith(":${NIMBUS_APP_PORTS:-" + port
                + "}:" + port);
        assertThat(dockerfile()).contains("EXPOSE " + port, "http://127.0.0.1:" + port + "/observe/health");
        assertThat(scrape.path("metrics_path").asText()).isEqualTo("/observe/metrics");
        JsonNode replicas = scrape.path("dns_sd_configs").get(0);
        assertThat(replicas.path("names").get(0).asText() + ":" + replicas.path("port").asText())
                .isEqualTo("app:" + port);
        assertThat(YAML.readTree(Path.of("docker/alertmanager.yml").toFile()).path("global").path("smtp_smarthost")
                .asText()).isEqualTo("mailpit:" + services.path("app").path("environment").path("NIMBUS_MAIL_PORT")
                .asText());
    }

    @Test
    void everyMountedFolderExistsAndLandsWhereItsReaderLooks() throws IOException {
        Map<String, String> mounts = new java.util.LinkedHashMap<>();
        services.properties().forEach(service -> service.getValue().path("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            if (parts[0].startsWith("./")) {
                mounts.put(parts[0], parts[1]);
            }
        }));

        assertThat(mounts).isNotEmpty();
        mounts.keySet().forEach(source -> assertThat(Path.of(source)).exists());
        assertThat(mounts).containsEntry("./routes", "/app/routes")
                .containsEntry("./prometheus/rules", "/etc/prometheus/rules")
                .containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
        String dashboards = YAML.readTree(Path.of("grafana/provisioning/dashboards/nimbusverse.yml").toFile())
                .path("providers").get(0).path("options").path("path").asText();
        assertThat(mounts).containsEntry("./grafana/dashboards", dashboards);
        assertThat(YAML.readTree(Path.of("grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(YAML.readTree(Path.of("docker/prometheus.yml").toFile()).path("rule_files").get(0).asText())
                .startsWith("/etc/prometheus/rules/");
        // the app's relative defaults (routes/, reloaded) resolve under its working directory
        assertThat(dockerfile()).contains("WORKDIR /app", "VOLUME [\"/data\", \"/inbox\"]");
        Properties docker = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application-docker.properties"))) {
            docker.load(in);
        }
        assertThat(services.path("app").path("volumes").toString()).contains(":" + docker.getProperty(
                "nimbus.inbox.dir") + "\"", ":" + docker.getProperty("nimbus.data.dir") + "\"");
    }

    @Test
    void everyImageIsPinnedAndTheAppRunsAsANonRootUser() throws IOException {
        List<String> images = new ArrayList<>();
        services.properties().forEach(s -> {
            if (s.getValue().has("image") && !s.getValue().has("build")) {
                images.add(s.getValue().path("image").asText());
            }
        });
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile());
        while (from.find()) {
            images.add(from.group(1));
        }

        assertThat(images).hasSizeGreaterThanOrEqualTo(10).allSatisfy(image -> assertThat(image)
                .matches("[a-z0-9./_-]+:[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*").doesNotEndWith(":latest"));
        assertThat(dockerfile()).containsPattern("(?m)^USER nimbus$").contains("HEALTHCHECK", "MaxRAMPercentage");
    }

    @Test
    void theImageIsBuiltWithoutTheEmbeddedStacksServers() throws IOException {
        // every Maven command of the build stage runs the image profile, whose runtime classpath DockerProfileIT runs
        Matcher maven = Pattern.compile("(?m)^RUN mvn .*$").matcher(dockerfile());
        List<String> commands = new ArrayList<>();
        while (maven.find()) {
            commands.add(maven.group());
        }
        assertThat(commands).hasSize(2).allSatisfy(command -> assertThat(command).contains(" -Pimage "));
        assertThat(dockerfile()).contains("-DincludeScope=runtime");
        String pom = Files.readString(Path.of("pom.xml"));
        for (String server : List.of("kafka_2.13", "kafka-metadata", "kafka-server-common", "s3proxy", "greenmail",
                "h2")) {
            assertThat(pom).containsPattern("<artifactId>" + Pattern.quote(server)
                    + "</artifactId>\\s*<version>[^<]+</version>\\s*<scope>\\$\\{embedded.scope}</scope>");
        }
    }

    private static String appPort() throws IOException {
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            defaults.load(in);
        }
        return defaults.getProperty("nimbus.http.port");
    }

    private static String dockerfile() throws IOException {
        return Files.readString(Path.of("Dockerfile"));
    }

    @Test
    void everyPortIsPublishedOnThisMachineOnlyUnlessTheUserSaysOtherwise() throws IOException {
        List<String> published = new ArrayList<>();
        services.fields().forEachRemaining(service -> service.getValue().path("ports")
                .forEach(port -> published.add(service.getKey() + " " + port.asText())));

        assertThat(published).hasSizeGreaterThanOrEqualTo(6)
                .allMatch(p -> p.split(" ")[1].startsWith("${NIMBUS_PUBLISH_ADDRESS:-127.0.0.1}:"));
        assertThat(Files.readString(Path.of(".env.example"))).contains("\nNIMBUS_PUBLISH_ADDRESS=127.0.0.1\n");
        // inside its container the app listens on every interface: the container's network is its boundary
        Properties docker = new Properties();
        try (Reader profile = Files.newBufferedReader(Path.of("src/main/resources/application-docker.properties"))) {
            docker.load(profile);
        }
        assertThat(docker.getProperty("camel.management.host")).isEqualTo("0.0.0.0");
    }

    /** Images that no longer pull anonymously (Docker Hub stopped serving MinIO's in September 2026). */
    private static final List<String> UNAVAILABLE_IMAGES = List.of("minio/minio", "minio/mc");

    @Test
    void everyImageIsPinnedAvailableAndEveryServiceRestartsAndSaysWhetherItIsHealthy() {
        List<String> problems = new ArrayList<>();
        services.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            String image = service.path("image").asText();
            String repository = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
            if (!image.contains(":") || image.endsWith(":latest")) {
                problems.add(name + ": image " + image + " is not pinned");
            }
            if (UNAVAILABLE_IMAGES.contains(repository)) {
                problems.add(name + ": image " + image + " no longer pulls");
            }
            if (service.path("restart").isMissingNode()) {
                problems.add(name + ": no restart policy");
            }
            boolean oneShot = service.path("restart").asText().equals("on-failure");
            boolean healthInImage = name.equals("app");
            if (!oneShot && !healthInImage && service.path("healthcheck").isMissingNode()) {
                problems.add(name + ": no health check");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(dockerfileHasHealthCheck()).isTrue();
    }

    @Test
    void aMissingSecretStopsComposeWithItsName() throws Exception {
        Path env = Files.createTempFile("compose", ".env");
        Files.write(env, Files.readAllLines(Path.of(".env.example")).stream()
                .filter(line -> !line.startsWith("RDS_PASSWORD=")).toList());
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "--env-file",
                env.toString(), "config", "-q").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("RDS_PASSWORD");
    }

    private static boolean dockerfileHasHealthCheck() {
        try {
            return dockerfile().contains("HEALTHCHECK");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
