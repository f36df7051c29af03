package io.nimbusverse.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.nimbusverse.cloud.S3Objects;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/** The batch's objects in an S3 bucket, for the on-prem loader: a Parquet object is read from a local copy. */
public class S3BatchObjects implements BatchObjects {

    private final S3Client s3;
    private final String bucket;
    private final Path tempDir;

    public S3BatchObjects(S3Client s3, String bucket, Path tempDir) {
        this.s3 = s3;
        this.bucket = bucket;
        this.tempDir = tempDir;
    }

    @Override
    public ParquetObject openParquet(String key) throws IOException {
        Files.createDirectories(tempDir);
        Path file = Files.createTempFile(tempDir, "load-", ".parquet");
        Files.delete(file);
        try {
            s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(file));
        } catch (RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        InputFile input = new LocalInputFile(file);
        return new ParquetObject() {
            @Override
            public InputFile inputFile() {
                return input;
            }

            @Override
            public void close() throws IOException {
                Files.deleteIfExists(file);
            }
        };
    }

    @Override
    public boolean exists(String key) {
        return S3Objects.ifPresent(() -> s3.headObject(b -> b.bucket(bucket).key(key))).isPresent();
    }

    /** Network failures, throttling and S3's own errors pass; a missing object or a refusal does not. */
    @Override
    public boolean isTransient(Exception failure) {
        return failure instanceof SdkClientException
                || failure instanceof SdkException sdk && sdk.retryable();
    }
}
