package io.nimbusverse.cloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.nimbusverse.intake.Batches;
import io.nimbusverse.intake.SharedWork;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The items' work folders in the bucket, under {@code work/<item folder>/}: the staged copy is put when its batch is
 * sealed, before START_UPLOAD, and what the convert stage made of the item once it is saved. The staged copy goes
 * under {@code content} whatever the file's name. A folder's objects are deleted when its batch completes.
 */
public class S3SharedWork implements SharedWork {

    static final String PREFIX = "work/";
    private static final String CONTENT = "content";

    private final S3Client s3;
    private final String bucket;

    public S3SharedWork(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void put(Path itemDir, boolean withContent) throws IOException {
        if (!Files.isDirectory(itemDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(itemDir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> withContent || !relative(itemDir, f).startsWith(CONTENT + "/"))
                    .filter(f -> !f.getFileName().toString().endsWith(".tmp"))
                    // the item file names the others: it goes last
                    .sorted(Comparator.comparing(f -> f.getFileName().toString().equals(Batches.ITEM_FILE)))
                    .toList();
        }
        for (Path file : files) {
            s3.putObject(b -> b.bucket(bucket).key(key(itemDir, relative(itemDir, file))), RequestBody.fromFile(file));
        }
    }

    @Override
    public boolean fetch(Path itemDir, String relative) throws IOException {
        String key = key(itemDir, relative);
        Path target = itemDir.resolve(relative);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".fetch.tmp");
        Files.deleteIfExists(part);
        boolean found = S3Objects.ifPresent(() -> s3.getObject(b -> b.bucket(bucket).key(key),
                ResponseTransformer.toFile(part))).isPresent();
        if (found) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return found;
    }

    /**
     * Deletes the objects by their keys, never by a listing: a deleted object's key is no error, and a listing can
     * fail on an upload its client abandoned (S3Proxy's file store keeps the part it was writing). One request per
     * object: S3Proxy refuses the checksum header the SDK sends with DeleteObjects (501). The item file goes last, as
     * it was put last: a deletion cut short (the instance killed) leaves the file that names the rest, and the
     * instance that completes the batch again finds every key to delete.
     */
    @Override
    public void delete(Map<Path, List<String>> filesByItemDir) {
        filesByItemDir.forEach((itemDir, relatives) -> Stream.concat(relatives.stream(), Stream.of(Batches.ITEM_FILE))
                .map(relative -> key(itemDir, relative)).distinct()
                .forEach(key -> s3.deleteObject(b -> b.bucket(bucket).key(key))));
    }

    /** The object of a file of the item's folder: the staged copy under one name, whatever the file's. */
    static String key(Path itemDir, String relative) {
        return PREFIX + itemDir.getFileName() + "/" + (relative.startsWith(CONTENT + "/") ? CONTENT : relative);
    }

    private static String relative(Path itemDir, Path file) {
        return itemDir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
