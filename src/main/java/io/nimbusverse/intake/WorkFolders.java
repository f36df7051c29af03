package io.nimbusverse.intake;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where items live on local disk: the inbox the user drops files into, the work folder holding a copy of each
 * claimed item and what was made from it, the quarantine and duplicates folders. Also cleans them up.
 */
public class WorkFolders {

    private static final Logger LOG = LoggerFactory.getLogger(WorkFolders.class);
    private static final String INCOMING = ".incoming-";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Path inbox;
    private final Path work;
    private final Path quarantine;
    private final Path duplicates;

    public WorkFolders(Path inbox, Path work, Path quarantine, Path duplicates) {
        this.inbox = inbox.toAbsolutePath();
        this.work = work.toAbsolutePath();
        this.quarantine = quarantine.toAbsolutePath();
        this.duplicates = duplicates.toAbsolutePath();
    }

    /** Creates the folders, and deletes the temporary copies a process that was killed while hashing left behind. */
    public void create() throws IOException {
        for (Path dir : List.of(inbox, work.resolve("items"), quarantine, duplicates)) {
            Files.createDirectories(dir);
        }
        try (Stream<Path> parts = Files.list(work.resolve("items"))) {
            List<Path> left = parts.filter(p -> p.getFileName().toString().startsWith(INCOMING)).toList();
            for (Path part : left) {
                Files.deleteIfExists(part);
            }
            if (!left.isEmpty()) {
                LOG.info("Deleted {} temporary copies left by a process that ended while taking files", left.size());
            }
        }
    }

    public Path inbox() {
        return inbox;
    }

    public Path inboxFile(String name) {
        return inbox.resolve(name);
    }

    /**
     * The folder of one item: its staged copy, its Parquet file and its metadata. A file's key (its SHA-256) names
     * it; another key (a range of table rows) is hashed into a name.
     */
    public Path itemDir(String key) {
        return work.resolve("items").resolve(SHA256_HEX.matcher(key).matches() ? key : FileNames.sha256Hex(key));
    }

    /** The item's copy in its work folder, under a name bounded whatever the original ({@link FileNames}). */
    public Path stagedFile(String key, String name) {
        return itemDir(key).resolve("content").resolve(FileNames.bounded(name));
    }

    public Path incoming() throws IOException {
        Path dir = work.resolve("items");
        Files.createDirectories(dir);
        return Files.createTempFile(dir, INCOMING, ".part");
    }

    public Path quarantine() {
        return quarantine;
    }

    /** Where a duplicate goes in the duplicates folder; a name taken already gets a numbered suffix. */
    public Path duplicateTarget(String name) {
        return free(duplicates, FileNames.bounded(name));
    }

    /** A path in {@code dir} for {@code name} that no file uses yet. */
    static Path free(Path dir, String name) {
        Path target = dir.resolve(name);
        for (int n = 2; Files.exists(target); n++) {
            target = dir.resolve(name + "." + n);
        }
        return target;
    }

    /** The item folders in the work folder. */
    public List<Path> itemDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(work.resolve("items"))) {
            return dirs.filter(Files::isDirectory).toList();
        }
    }

    /** The files of the item's folder that the item names: its staged copy, its metadata, its Parquet. */
    public List<Path> filesOf(BatchItem item) {
        List<String> paths = new ArrayList<>();
        paths.add(item.getStagedPath());
        paths.add(item.getMetadataPath());
        ParquetPart parquet = item.getParquet();
        if (parquet != null) {
            paths.add(parquet.path());
            if (parquet.pieces() != null) {
                parquet.pieces().forEach(piece -> paths.add(piece.path()));
            }
        }
        return paths.stream().filter(Objects::nonNull).map(Path::of).toList();
    }

    /**
     * The item as another instance saved it, its paths this instance's: the files of its folder in this work folder,
     * its original in this instance's inbox (a shared folder may be mounted elsewhere on each machine).
     */
    public BatchItem relocated(BatchItem item) {
        String dirName = itemDir(item.getKey()).getFileName().toString();
        UnaryOperator<String> here = path -> {
            if (path == null) {
                return null;
            }
            String marker = File.separator + dirName + File.separator;
            int at = path.indexOf(marker);
            return at < 0 ? path : itemDir(item.getKey()).resolve(path.substring(at + marker.length())).toString();
        };
        item.setStagedPath(here.apply(item.getStagedPath()));
        item.setMetadataPath(here.apply(item.getMetadataPath()));
        if (item.getInboxPath() != null) {
            item.setInboxPath(inboxFile(item.getName()).toString());
        }
        ParquetPart parquet = item.getParquet();
        if (parquet != null) {
            item.setParquet(parquet.withPath(here.apply(parquet.path())).withPieces(parquet.pieces() == null ? null
                    : parquet.pieces().stream().map(p -> p.withPath(here.apply(p.path()))).toList()));
        }
        return item;
    }

    /** Deletes the work folders of the batch's items, quarantined ones included. */
    public void cleanUp(List<BatchItem> items) {
        items.forEach(item -> deleteTree(itemDir(item.getKey())));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
