package io.nimbusverse.aws.lambda;

import java.io.InputStream;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Checks a document against one of the shared contract schemas packaged with the function. */
final class ContractSchemas {

    private ContractSchemas() {
    }

    static Set<ValidationMessage> violations(String schema, JsonNode document) throws Exception {
        try (InputStream in = ContractSchemas.class.getResourceAsStream("/schemas/" + schema)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config)
                    .validate(document);
        }
    }
}
