package io.nimbusverse.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.nimbusverse.cloud.AwsClients;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Small files end to end: {@code bench.files} small files of one dataset (two CSV for one NDJSON, 10 rows each) are
 * put into the inbox, and the application runs once over them with its default settings, in a JVM of its own, until
 * every batch is COMPLETE (loaded into H2). Timed from the first claim to the last DONE in the ledger (the start-up
 * is left out); each stage's items/s from the times of its rows. The baseline, in the same run: the same files put one
 * after the other into an S3Proxy on the same kind of store (the least any pipeline does with them).
 */
public final class SmallFilesBench {

    private static final double TARGET_FILES_PER_SECOND = 200;

    private SmallFilesBench() {
    }

    public static void main(String[] args) throws Exception {
        int files = Integer.getInteger("bench.files", 3000);
        Path root = BenchFiles.runFolder("small-files-");
        Path inbox = root.resolve("data/inbox/orders");
        Files.createDirectories(inbox);
        long bytes = writeFiles(inbox, files);
        Path rules = writeRules(root);
        System.out.printf("%d files (%d KB) of one dataset in %s%n", files, bytes / 1024, inbox);

        double baseline = putOneByOne(root.resolve("baseline-s3"), inbox);
        System.out.printf("baseline: PutObject one after the other into S3Proxy: %.1f files/s%n", baseline);

        Path data = root.resolve("data");
        long started = System.nanoTime();
        Process app = PipelineProcess.start(data, rules, true);
        if (!app.waitFor(30, TimeUnit.MINUTES)) {
            app.destroyForcibly();
            throw new IllegalStateException("the run did not end in 30 minutes");
        }
        double wall = (System.nanoTime() - started) / 1e9;
        if (app.exitValue() != 0) {
            throw new IllegalStateException("the run ended with exit code " + app.exitValue() + ":\n"
                    + PipelineProcess.tail(data, 60));
        }
        Map<String, List<Instant>> times = PipelineProcess.ledgerTimes(data);
        List<Instant> done = times.getOrDefault("DONE", List.of());
        if (done.size() != files) {
            throw new IllegalStateException(done.size() + " items DONE, not " + files + ":\n"
                    + PipelineProcess.tail(data, 60));
        }
        Instant first = times.get("CLAIMED").stream().min(Instant::compareTo).orElseThrow();
        Instant last = done.stream().max(Instant::compareTo).orElseThrow();
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        double ours = files / seconds;
        System.out.printf("process wall time (start-up and shutdown included): %.1f s%n", wall);
        for (String stage : List.of("CLAIMED", "CONVERTED", "UPLOADED", "DONE")) {
            List<Instant> t = times.get(stage);
            Instant from = t.stream().min(Instant::compareTo).orElseThrow();
            Instant to = t.stream().max(Instant::compareTo).orElseThrow();
            double span = Math.max(1e-3, Duration.between(from, to).toNanos() / 1e9);
            System.out.printf("  %-9s %5d rows over %6.2f s: %7.1f items/s (from %.2f s to %.2f s)%n", stage,
                    t.size(), span, t.size() / span, Duration.between(first, from).toNanos() / 1e9,
                    Duration.between(first, to).toNanos() / 1e9);
        }
        System.out.printf("NimbusVerse, first claim to last DONE: %.2f s, %.1f files/s (target %.0f): ratio %.2fx "
                + "the baseline, %.2fx the target%n", seconds, ours, TARGET_FILES_PER_SECOND, ours / baseline,
                ours / TARGET_FILES_PER_SECOND);
        BenchFiles.deleteTree(root);
    }

    /** The rules that put the files of {@code orders/} into one dataset, whatever their format. */
    static Path writeRules(Path dir) throws IOException {
        return Files.writeString(dir.resolve("datasets.yaml"), """
                rules:
                  - id: orders-csv
                    match: {folder: "orders", file: "*.csv"}
                    dataset: orders
                  - id: orders-json
                    match: {folder: "orders", file: "*.ndjson"}
                    dataset: orders
                    format: json
                """);
    }

    /** Two CSV for one NDJSON, each of 10 distinct rows of the same columns. */
    static long writeFiles(Path dir, int count) throws Exception {
        long bytes = 0;
        long id = 0;
        for (int f = 0; f < count; f++) {
            StringBuilder text = new StringBuilder();
            boolean json = f % 3 == 2;
            if (!json) {
                text.append("id,customer,amount,ordered_at\n");
            }
            for (int r = 0; r < 10; r++, id++) {
                String amount = (id % 997) + "." + (10 + id % 90);
                String at = "2026-11-" + (10 + id % 20) + "T10:" + (10 + id % 50) + ":00";
                if (json) {
                    text.append("{\"id\":").append(id).append(",\"customer\":\"c").append(id % 113)
                            .append("\",\"amount\":").append(amount).append(",\"ordered_at\":\"").append(at)
                            .append("\"}\n");
                } else {
                    text.append(id).append(",c").append(id % 113).append(',').append(amount).append(',').append(at)
                            .append('\n');
                }
            }
            byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(dir.resolve(String.format("orders-%05d.%s", f, json ? "ndjson" : "csv")), content);
            bytes += content.length;
        }
        return bytes;
    }

    private static double putOneByOne(Path store, Path inbox) throws Exception {
        Files.createDirectories(store);
        java.util.Properties props = new java.util.Properties();
        props.setProperty("jclouds.filesystem.basedir", store.toAbsolutePath().toString());
        String endpoint = "http://127.0.0.1:" + PipelineProcess.freePort();
        try (BlobStoreContext context = ContextBuilder.newBuilder("filesystem-nio2")
                .credentials("identity", "credential").overrides(props).build(BlobStoreContext.class)) {
            context.getBlobStore().createContainerInLocation(null, "baseline");
            S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                    .awsAuthentication(AuthenticationType.NONE, null, null).endpoint(URI.create(endpoint)).build();
            proxy.start();
            try (S3Client s3 = AwsClients.s3(endpoint, "us-east-1", "anonymous", true);
                    var listing = Files.list(inbox)) {
                List<Path> files = listing.sorted().toList();
                // a warm-up of the client and the server, untimed
                for (Path file : files.subList(0, Math.min(100, files.size()))) {
                    put(s3, "warmup/" + file.getFileName(), file);
                }
                long start = System.nanoTime();
                for (Path file : files) {
                    put(s3, "raw/" + file.getFileName(), file);
                }
                return files.size() / ((System.nanoTime() - start) / 1e9);
            } finally {
                proxy.stop();
            }
        }
    }

    private static void put(S3Client s3, String key, Path file) throws Exception {
        s3.putObject(PutObjectRequest.builder().bucket("baseline").key(key).build(), RequestBody.fromFile(file));
    }
}
