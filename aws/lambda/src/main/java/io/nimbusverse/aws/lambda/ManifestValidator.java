package io.nimbusverse.aws.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Checks a SIGNAL manifest against the shared contract schema (schemas/signal.schema.json, the app's own file). */
public class ManifestValidator {

    private final JsonSchema schema;
    private final ObjectMapper json;

    public ManifestValidator(ObjectMapper json) {
        this.json = json;
        try (InputStream in = ManifestValidator.class.getResourceAsStream("/schemas/signal.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("schemas/signal.schema.json is missing from the classpath");
            }
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contract violations of the manifest, empty when it is valid and names the batch it was found under. */
    public List<String> violations(String manifest, String expectedBatchId) {
        JsonNode node;
        try {
            node = json.readTree(manifest);
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        List<String> violations = new java.util.ArrayList<>(schema.validate(node).stream()
                .map(ValidationMessage::getMessage).sorted().toList());
        String batchId = node.path("batchId").asText(null);
        if (batchId != null && !batchId.equals(expectedBatchId)) {
            violations.add("batchId " + batchId + " differs from the batch of its key, " + expectedBatchId);
        }
        return violations;
    }
}
