package io.nimbusverse.aws.glue;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nimbusverse.aws.standin.AwsJsonApiStandIn;

/** Secrets Manager's API for the Glue job's tests: GetSecretValue of the one secret it holds. */
final class SecretsStandIn extends AwsJsonApiStandIn {

    private final String secretId;
    private final String secret;
    private final AtomicInteger reads = new AtomicInteger();

    SecretsStandIn(String secretId, String secret) throws IOException {
        super("secretsmanager", Set.of("secretsmanager.GetSecretValue"));
        this.secretId = secretId;
        this.secret = secret;
    }

    int reads() {
        return reads.get();
    }

    @Override
    protected String problemWith(String target, JsonNode request) {
        return secretId.equals(request.path("SecretId").asText()) ? null : "unknown secret " + request.path("SecretId");
    }

    @Override
    protected ObjectNode answer(String target, JsonNode request) {
        reads.incrementAndGet();
        return JSON.createObjectNode()
                .put("ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + secretId)
                .put("Name", secretId).put("SecretString", secret).put("VersionId", "v1");
    }
}
