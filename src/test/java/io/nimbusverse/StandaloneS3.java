package io.nimbusverse;

import java.net.URI;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3 server of the test's own beside the app's embedded one (S3Proxy on an in-memory store, no authentication),
 * holding the buckets named: a bucket that does not exist, or an S3 that goes down while the app runs.
 */
final class StandaloneS3 implements AutoCloseable {

    final String endpoint;
    private final BlobStoreContext store;
    private final S3Proxy proxy;

    StandaloneS3(String... buckets) throws Exception {
        endpoint = "http://127.0.0.1:" + NimbusApp.freePort();
        store = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class);
        for (String bucket : buckets) {
            store.getBlobStore().createContainerInLocation(null, bucket);
        }
        proxy = S3Proxy.builder().blobStore(store.getBlobStore())
                .awsAuthentication(AuthenticationType.NONE, null, null).endpoint(URI.create(endpoint)).build();
        proxy.start();
    }

    /** The server goes away: an outage. */
    void stop() throws Exception {
        if (!proxy.getState().equals("STOPPED")) {
            proxy.stop();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        store.close();
    }
}
