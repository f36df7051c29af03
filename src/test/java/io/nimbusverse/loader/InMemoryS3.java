package io.nimbusverse.loader;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.nimbusverse.NimbusApp;
import io.nimbusverse.cloud.AwsClients;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Proxy in memory on a free loopback port with one bucket, and the app's client for it. */
public final class InMemoryS3 implements AutoCloseable {

    private final BlobStoreContext blobs;
    private final S3Proxy proxy;
    private final S3Client client;

    public InMemoryS3(String bucket) throws Exception {
        int port = NimbusApp.freePort();
        blobs = ContextBuilder.newBuilder("transient").credentials("id", "secret").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, bucket);
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).awsAuthentication(AuthenticationType.NONE, null,
                null).endpoint(URI.create("http://127.0.0.1:" + port)).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.onSpinWait();
        }
        client = AwsClients.s3("http://127.0.0.1:" + port, "us-east-1", "anonymous", true);
    }

    public S3Client client() {
        return client;
    }

    /** Puts every file under dir at its relative path as key. */
    public void putTree(String bucket, Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = dir.relativize(file).toString().replace('\\', '/');
                client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        blobs.close();
    }
}
