package io.nimbusverse;

import java.io.InputStream;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Validates documents against the contract schemas shipped in the application (schemas/*.schema.json). */
public final class JsonSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSchemas() {
    }

    public static Set<ValidationMessage> validate(String schema, String document) throws Exception {
        JsonSchema jsonSchema;
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/schemas/" + schema)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
        JsonNode node = JSON.readTree(document);
        return jsonSchema.validate(node);
    }
}
