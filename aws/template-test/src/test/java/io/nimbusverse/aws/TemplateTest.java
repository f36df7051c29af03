package io.nimbusverse.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nimbusverse.aws.glue.LoadBatchJob;
import io.nimbusverse.aws.lambda.LoadStarter;
import io.nimbusverse.aws.lambda.ManifestLocation;
import io.nimbusverse.aws.lambda.SignalHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** aws/template.yaml agrees with the artifacts it deploys and with the app that uses them. */
class TemplateTest {

    private static final Path PROJECT = Path.of(System.getProperty("nimbus.project.dir", "../.."));
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::Partition", "AWS::Region",
            "AWS::StackName", "AWS::NoValue", "AWS::URLSuffix");
    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws Exception {
        template = new ObjectMapper(new YAMLFactory()).readTree(PROJECT.resolve("aws/template.yaml").toFile());
        resources = template.path("Resources");
    }

    private static JsonNode resource(String name, String type) {
        JsonNode resource = resources.path(name);
        assertThat(resource.path("Type").asText()).as("type of %s", name).isEqualTo(type);
        return resource.path("Properties");
    }

    @Test
    void everyReferenceNamesAParameterAResourceOrAPseudoParameter() {
        Set<String> known = new HashSet<>(PSEUDO_PARAMETERS);
        template.path("Parameters").fieldNames().forEachRemaining(known::add);
        resources.fieldNames().forEachRemaining(known::add);
        List<String> references = new ArrayList<>();
        collectReferences(template, references);

        resources.properties().forEach(r -> {
            JsonNode dependsOn = r.getValue().path("DependsOn");
            if (dependsOn.isTextual()) {
                references.add(dependsOn.asText());
            }
            dependsOn.forEach(d -> references.add(d.asText()));
        });

        assertThat(references).isNotEmpty().allSatisfy(name -> assertThat(known).contains(name));
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                switch (field.getKey()) {
                    case "Ref" -> references.add(field.getValue().asText());
                    case "Fn::GetAtt" -> references.add(field.getValue().get(0).asText());
                    case "Fn::Sub" -> {
                        Matcher names = Pattern.compile("\\$\\{([^}.]+)").matcher(field.getValue().asText());
                        while (names.find()) {
                            references.add(names.group(1));
                        }
                    }
                    default -> collectReferences(field.getValue(), references);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectReferences(element, references));
        }
    }

    @Test
    void theLambdaIsTheBuiltHandlerOnTheJavaItWasBuiltFor() throws Exception {
        JsonNode function = resource("SignalFunction", "AWS::Lambda::Function");
        String[] handler = function.path("Handler").asText().split("::");
        Class<?> type = Class.forName(handler[0]);

        assertThat(RequestStreamHandler.class).isAssignableFrom(type);
        assertThat(type.getConstructor()).isNotNull();
        assertThat(handler[1]).isEqualTo("handleRequest");
        assertThat(function.path("Runtime").asText()).isEqualTo("java" + (classFileVersion(type) - 44));
        assertThat(function.path("Environment").path("Variables").path(SignalHandler.GLUE_JOB_VARIABLE)
                .path("Ref").asText()).isEqualTo("JobName");
    }

    private static int classFileVersion(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            byte[] header = in.readNBytes(8);
            return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        }
    }

    @Test
    void theBucketNotifiesTheLambdaOfSignalsOnlyAsTheAppWritesThem() throws Exception {
        JsonNode notification = resource("DataBucket", "AWS::S3::Bucket").path("NotificationConfiguration")
                .path("LambdaConfigurations");
        assertThat(notification).hasSize(1);
        JsonNode lambda = notification.get(0);
        assertThat(lambda.path("Event").asText()).isEqualTo("s3:ObjectCreated:*");
        assertThat(lambda.path("Function").path("Fn::GetAtt").get(0).asText()).isEqualTo("SignalFunction");
        String prefix = null;
        String suffix = null;
        for (JsonNode rule : lambda.path("Filter").path("S3Key").path("Rules")) {
            if (rule.path("Name").asText().equals("prefix")) {
                prefix = rule.path("Value").asText();
            } else if (rule.path("Name").asText().equals("suffix")) {
                suffix = rule.path("Value").asText();
            }
        }

        // the keys the app wrote in a real run (contract/s3) are the ones S3 must announce, and no others
        List<String> keys;
        Path written = PROJECT.resolve("contract/s3");
        try (Stream<Path> files = Files.walk(written)) {
            keys = files.filter(Files::isRegularFile).map(f -> written.relativize(f).toString().replace('\\', '/'))
                    .toList();
        }
        String finalPrefix = prefix;
        String finalSuffix = suffix;
        List<String> announced = keys.stream().filter(k -> k.startsWith(finalPrefix) && k.endsWith(finalSuffix))
                .toList();
        assertThat(announced).singleElement().satisfies(key -> assertThat(ManifestLocation.isSignal(key)).isTrue());
        String complete = announced.get(0).replace(".SIGNAL", ".COMPLETE");
        assertThat(complete.endsWith(finalSuffix)).as("a COMPLETE written must not start the Lambda").isFalse();
    }

    @Test
    void theFunctionIsTheOneTheAppInvokes() throws Exception {
        Properties app = new Properties();
        try (InputStream in = Files.newInputStream(PROJECT.resolve("src/main/resources/application.properties"))) {
            app.load(in);
        }

        assertThat(template.path("Parameters").path("FunctionName").path("Default").asText())
                .isEqualTo(app.getProperty("nimbus.loader.lambda-function"));
        assertThat(resource("SignalFunction", "AWS::Lambda::Function").path("FunctionName").path("Ref").asText())
                .isEqualTo("FunctionName");
    }

    @Test
    void theGlueJobEntersTheBuiltJobWithEveryArgumentItNeeds() throws Exception {
        JsonNode job = resource("LoadJob", "AWS::Glue::Job");
        JsonNode defaults = job.path("DefaultArguments");
        String script = Files.readString(PROJECT.resolve("aws/glue/src/main/glue/load_batch.scala"));
        Matcher entry = Pattern.compile("object (\\w+) \\{").matcher(script);

        assertThat(job.path("GlueVersion").asText()).isEqualTo("5.0");
        assertThat(job.path("Command").path("Name").asText()).isEqualTo("glueetl");
        assertThat(defaults.path("--job-language").asText()).isEqualTo("scala");
        assertThat(entry.find()).isTrue();
        assertThat(defaults.path("--class").asText()).isEqualTo(entry.group(1));
        assertThat(script).contains(LoadBatchJob.class.getName() + ".main(");
        Method main = LoadBatchJob.class.getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
        assertThat(job.path("Command").path("ScriptLocation").path("Fn::Sub").asText()).contains("${GlueScriptKey}");
        assertThat(defaults.path("--extra-jars").path("Fn::Sub").asText()).contains("${GlueJarKey}");

        List<String> defaultNames = new ArrayList<>();
        defaults.fieldNames().forEachRemaining(defaultNames::add);
        assertThat(defaultNames).containsAll(LoadBatchJob.DEFAULT_ARGUMENTS);
        assertThat(List.of(LoadStarter.ARG_BATCH_ID, LoadStarter.ARG_BUCKET, LoadStarter.ARG_MANIFEST_KEY))
                .as("what the Lambda gives each run").isEqualTo(LoadBatchJob.RUN_ARGUMENTS);
    }

    @Test
    void eachRoleMayDoWhatItsCodeDoesAndNoMore() {
        JsonNode lambdaPolicy = resource("SignalFunctionRole", "AWS::IAM::Role").path("Policies").get(0)
                .path("PolicyDocument").path("Statement");
        JsonNode jobRole = resource("LoadJobRole", "AWS::IAM::Role");
        JsonNode jobPolicy = jobRole.path("Policies").get(0).path("PolicyDocument").path("Statement");

        assertThat(actions(lambdaPolicy)).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents",
                "s3:GetObject", "s3:PutObject", "s3:ListBucket", "glue:StartJobRun", "glue:GetJobRuns");
        assertThat(actions(jobPolicy)).containsExactlyInAnyOrder("s3:GetObject", "s3:GetObject", "s3:PutObject",
                "s3:ListBucket", "secretsmanager:GetSecretValue");
        assertThat(resourcesOf(jobPolicy, "s3:GetObject")).containsExactlyInAnyOrder(
                "arn:${AWS::Partition}:s3:::${ArtifactBucketName}/${GlueJarKey}",
                "arn:${AWS::Partition}:s3:::${ArtifactBucketName}/${GlueScriptKey}",
                "arn:${AWS::Partition}:s3:::${DataBucketName}/signals/*",
                "arn:${AWS::Partition}:s3:::${DataBucketName}/parquet/*");
        assertThat(resourcesOf(lambdaPolicy, "glue:StartJobRun"))
                .containsExactly("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:job/${JobName}");
        assertThat(resourcesOf(lambdaPolicy, "s3:PutObject"))
                .containsExactly("arn:${AWS::Partition}:s3:::${DataBucketName}/signals/*.COMPLETE");
        assertThat(resourcesOf(jobPolicy, "s3:PutObject"))
                .containsExactly("arn:${AWS::Partition}:s3:::${DataBucketName}/signals/*.COMPLETE");
        assertThat(resourcesOf(jobPolicy, "secretsmanager:GetSecretValue")).containsExactly("DatabaseSecretArn");
        assertThat(lambdaPolicy.toString() + jobPolicy).as("no action or resource left open").doesNotContain("\"*\"");
    }

    private static List<String> actions(JsonNode statements) {
        List<String> actions = new ArrayList<>();
        statements.forEach(s -> {
            JsonNode action = s.path("Action");
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
            } else {
                actions.add(action.asText());
            }
        });
        return actions;
    }

    /** The resources a statement with this action names: Fn::Sub texts, or the parameter a Ref names. */
    private static List<String> resourcesOf(JsonNode statements, String action) {
        List<String> found = new ArrayList<>();
        statements.forEach(s -> {
            if (actions(JsonNodeFactory.instance.arrayNode().add(s)).contains(action)) {
                JsonNode resource = s.path("Resource");
                for (JsonNode r : resource.isArray() ? resource : List.of(resource)) {
                    found.add(r.has("Fn::Sub") ? r.path("Fn::Sub").asText() : r.path("Ref").asText());
                }
            }
        });
        return found;
    }
}
