package io.nimbusverse.cloud;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The application's AWS clients, one per service; the aws2-s3 and aws2-lambda components pick them up from the
 * registry.
 */
public final class AwsClients {

    private AwsClients() {
    }

    /**
     * @param endpoint    empty for AWS itself, else an S3-compatible server (S3Proxy, MinIO)
     * @param credentials {@code default} (the AWS default provider chain) or {@code anonymous} (a local server
     *                    without authentication)
     */
    public static S3Client s3(String endpoint, String region, String credentials, boolean pathStyle) {
        AwsCredentialsProvider provider = switch (credentials) {
            case "anonymous" -> AnonymousCredentialsProvider.create();
            case "default" -> DefaultCredentialsProvider.builder().build();
            default -> throw new IllegalArgumentException(
                    "nimbus.s3.credentials must be default or anonymous, not " + credentials);
        };
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(provider)
                .forcePathStyle(pathStyle)
                // S3-compatible servers reject the SDK's default request checksums (400 on every PutObject)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /**
     * The client that invokes the loader's Lambda (trigger {@code lambda}): always signed, with the AWS default
     * credentials chain.
     *
     * @param endpoint empty for AWS itself, else a server standing in for the Lambda API
     */
    public static LambdaClient lambda(String endpoint, String region) {
        LambdaClientBuilder builder = LambdaClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }
}
