package io.nimbusverse.aws.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The database login kept in Secrets Manager, in the JSON shape RDS gives its secrets: username and password. */
record DatabaseLogin(String username, String password) {

    static DatabaseLogin fromSecret(SecretsManagerClient secrets, String secretId, ObjectMapper json) {
        String secret = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
        JsonNode fields;
        try {
            fields = json.readTree(secret);
        } catch (Exception e) {
            throw new IllegalStateException("secret " + secretId + " is not JSON with username and password");
        }
        if (!fields.hasNonNull("username") || !fields.has("password")) {
            throw new IllegalStateException("secret " + secretId + " has no username or no password");
        }
        return new DatabaseLogin(fields.get("username").asText(), fields.get("password").asText());
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + username + "]";
    }
}
