package io.nimbusverse.cloud;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The SIGNAL and COMPLETE objects of a batch in S3: finding a batch's answer, moving both under the archive prefix
 * once the batch is finished, and bringing them back to retry it. Every operation can be repeated: an object that
 * is already where it should be is left alone, so a crash in the middle is finished by the next call.
 */
public class BatchSignals {

    private final S3Client s3;
    private final String bucket;
    private final String archivePrefix;

    public BatchSignals(S3Client s3, String bucket, String archivePrefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.archivePrefix = archivePrefix;
    }

    /** The batch's COMPLETE, under signals/ or, when the batch was archived meanwhile, under the archive prefix. */
    public Optional<String> answer(String batchId) {
        String key = S3Keys.complete(batchId);
        return read(key).or(() -> read(archivePrefix + key));
    }

    /**
     * Moves the SIGNAL and COMPLETE under the archive prefix. The COMPLETE is copied first and deleted last: a loader
     * that finds it in neither place knows it has never been written, and never writes it twice.
     */
    public void archive(String batchId) {
        String complete = S3Keys.complete(batchId);
        String signal = S3Keys.signal(batchId);
        copy(complete, archivePrefix + complete);
        copy(signal, archivePrefix + signal);
        delete(signal);
        delete(complete);
    }

    /** Brings an archived batch back to be loaded again: its SIGNAL under signals/, its COMPLETE gone. */
    public boolean restore(String batchId) {
        String complete = S3Keys.complete(batchId);
        String signal = S3Keys.signal(batchId);
        if (!exists(signal) && !copy(archivePrefix + signal, signal)) {
            return false;
        }
        delete(complete);
        delete(archivePrefix + complete);
        delete(archivePrefix + signal);
        return true;
    }

    /** The batch's SIGNAL manifest, under signals/ or archived. */
    public Optional<String> manifest(String batchId) {
        String key = S3Keys.signal(batchId);
        return read(key).or(() -> read(archivePrefix + key));
    }

    /**
     * Writes the SIGNAL under signals/ again with its own content: a new object event for S3's notification of the
     * loader. False when the batch has no SIGNAL under signals/.
     */
    public boolean rewrite(String batchId) {
        String key = S3Keys.signal(batchId);
        Optional<String> manifest = read(key);
        manifest.ifPresent(text -> s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromString(text, StandardCharsets.UTF_8)));
        return manifest.isPresent();
    }

    private Optional<String> read(String key) {
        return S3Objects.ifPresent(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key))
                .asString(StandardCharsets.UTF_8));
    }

    private boolean exists(String key) {
        return S3Objects.ifPresent(() -> s3.headObject(b -> b.bucket(bucket).key(key))).isPresent();
    }

    /** Copies an object; false when there was nothing to copy. */
    private boolean copy(String from, String to) {
        return S3Objects.ifPresent(() -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(from)
                .destinationBucket(bucket).destinationKey(to))).isPresent();
    }

    private void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
}
