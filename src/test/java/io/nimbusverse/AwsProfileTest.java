package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.nimbusverse.cloud.AwsClients;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The aws profile: application.properties with S3 and the loader pointed at AWS, as Camel Main layers it. */
class AwsProfileTest {

    private static Properties load(String file) throws Exception {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources", file))) {
            properties.load(reader);
        }
        return properties;
    }

    @Test
    void theProfileOnlySetsKeysTheApplicationHas() throws Exception {
        Properties defaults = load("application.properties");

        assertThat(defaults).containsKeys(load("application-aws.properties").stringPropertyNames().toArray());
    }

    @Test
    void s3AndTheLambdaAreAwsItselfWithTheDefaultCredentialsChain() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PropertiesComponent properties = context.getPropertiesComponent();
            // the order Camel Main gives them for profile aws: the first location that has a key wins
            properties.setLocation("classpath:application-aws.properties,classpath:application.properties");
            // what the deployment's environment gives ({{env:AWS_REGION}} reads the process's own environment)
            properties.addOverrideProperty("nimbus.s3.region", "eu-west-1");

            assertThat(properties.resolveProperty("nimbus.embedded.enabled")).contains("false");
            assertThat(properties.resolveProperty("nimbus.s3.endpoint")).contains("");
            assertThat(properties.resolveProperty("nimbus.s3.path-style")).contains("false");
            assertThat(properties.resolveProperty("nimbus.loader.trigger")).contains("s3-event");
            assertThat(properties.resolveProperty("nimbus.loader.lambda-endpoint")).contains("");
            String credentials = properties.resolveProperty("nimbus.s3.credentials").orElseThrow();
            String region = context.resolvePropertyPlaceholders("{{nimbus.s3.region}}");

            try (S3Client s3 = AwsClients.s3("", region, credentials, false);
                    LambdaClient lambda = AwsClients.lambda("", region)) {
                assertThat(s3.serviceClientConfiguration().endpointOverride()).isEmpty();
                assertThat(s3.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
                assertThat(s3.serviceClientConfiguration().credentialsProvider())
                        .isInstanceOf(DefaultCredentialsProvider.class);
                assertThat(lambda.serviceClientConfiguration().endpointOverride()).isEmpty();
                assertThat(lambda.serviceClientConfiguration().credentialsProvider())
                        .isInstanceOf(DefaultCredentialsProvider.class);
            }
        }
    }

    @Test
    void whatIsNotAnAwsApiComesFromTheEnvironment() throws Exception {
        Properties profile = load("application-aws.properties");

        assertThat(profile.getProperty("nimbus.kafka.brokers")).isEqualTo("{{env:NIMBUS_KAFKA_BROKERS}}");
        assertThat(profile.getProperty("nimbus.sql.jdbc-url")).isEqualTo("{{env:NIMBUS_SQL_JDBC_URL}}");
        assertThat(profile.getProperty("nimbus.mail.host")).isEqualTo("{{env:NIMBUS_MAIL_HOST}}");
        assertThat(profile.getProperty("nimbus.s3.bucket")).isEqualTo("{{env:NIMBUS_S3_BUCKET}}");
        assertThat(profile.getProperty("nimbus.s3.region")).isEqualTo("{{env:AWS_REGION}}");
    }
}
