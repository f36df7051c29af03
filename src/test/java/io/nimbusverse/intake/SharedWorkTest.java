package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.classify.MediaTypes;
import io.nimbusverse.cloud.S3SharedWork;
import io.nimbusverse.convert.CsvToParquet;
import io.nimbusverse.convert.DatasetSchemas;
import io.nimbusverse.convert.ItemConverter;
import io.nimbusverse.convert.Limits;
import io.nimbusverse.convert.MetadataExtractor;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.LedgerEntry;
import io.nimbusverse.loader.InMemoryS3;
import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Instances of a cluster that take each other's batches (nimbus.work.shared): one ledger in a database (H2 here), one
 * bucket (S3Proxy), a work folder each. What one instance took or made of an item, another fetches when its stage
 * needs it, with paths of its own; a finished batch leaves nothing in the bucket or in any work folder.
 */
class SharedWorkTest {

    private static final String BUCKET = "work-bucket";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HikariDataSource database;
    private InMemoryS3 s3;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** One instance: its own ledger rows, work folder and converter, the shared bucket. */
    private final class Instance {
        final JdbcLedger ledger;
        final WorkFolders folders;
        final Batches batches;
        final ItemConverter converter;

        Instance(String id) throws Exception {
            ledger = new JdbcLedger(database, "h2 (test)", id);
            ledger.open();
            open.add(ledger);
            folders = new WorkFolders(dir.resolve("inbox"), dir.resolve(id + "/work"), dir.resolve(id + "/quarantine"),
                    dir.resolve(id + "/duplicates"));
            folders.create();
            batches = new Batches(ledger, folders, JSON, InboxLeases.ALONE, new S3SharedWork(s3.client(), BUCKET));
            converter = new ItemConverter(new MediaTypes(List.of("text/csv"), List.of("application/json")),
                    new CsvToParquet(1_000, Set.of(), "SNAPPY", 64L << 20, 1 << 20, Limits.DEFAULTS),
                    new MetadataExtractor(Limits.DEFAULTS), JSON, new DatasetRules("").open(),
                    new DatasetSchemas(dir.resolve(id + "/datasets"), JSON), Limits.DEFAULTS,
                    dir.resolve(id + "/quarantine"));
        }

        /** What intake does with a file: its copy staged in this work folder, its claim in the ledger. */
        BatchItem take(String name, String content) throws Exception {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            String key = FileNames.sha256Hex(content);
            Path staged = folders.stagedFile(key, name);
            Files.createDirectories(staged.getParent());
            Files.write(staged, bytes);
            ledger.claim(LedgerEntry.claimed(key, "file", name, bytes.length));
            BatchItem item = new BatchItem();
            item.setKey(key);
            item.setSha256(key);
            item.setName(name);
            item.setSize(bytes.length);
            item.setSource("file");
            item.setInboxPath(folders.inboxFile(name).toString());
            item.setStagedPath(staged.toString());
            return item;
        }

        /** The batch of these items, sealed here: their folders put in the bucket. */
        String seal(BatchItem... items) throws Exception {
            return batches.seal(List.of(items)).getBatchId();
        }

        /** The convert stage: each live item converted and saved. */
        List<BatchItem> convert(String batchId) throws Exception {
            List<BatchItem> converted = new ArrayList<>();
            for (BatchItem item : batches.liveItems(batchId)) {
                converted.add(batches.save(converter.convert(item)));
            }
            return converted;
        }
    }

    @BeforeEach
    void start() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000");
        config.setUsername("sa");
        database = new HikariDataSource(config);
        s3 = new InMemoryS3(BUCKET);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        s3.close();
        database.close();
    }

    @Test
    void aBatchTakenOnOneInstanceIsConvertedOnAnotherAndUploadedAndCompletedOnAThird() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        Instance c = new Instance("c");
        String csv = "id,amount\n1,10\n2,20\n";
        BatchItem orders = a.take("orders\nof monday \"final\".csv", csv);
        BatchItem event = a.take("event.json", "{\"event\": 1}");
        String batchId = a.seal(orders, event);
        assertThat(keys()).as("each staged copy is in the bucket before START_UPLOAD").containsExactlyInAnyOrder(
                "work/" + orders.getKey() + "/content", "work/" + event.getKey() + "/content");

        List<BatchItem> converted = b.convert(batchId);
        assertThat(converted).allSatisfy(item -> {
            assertThat(Path.of(item.getStagedPath())).startsWith(b.folders.itemDir(item.getKey()));
            assertThat(Path.of(item.getMetadataPath())).exists();
        });
        BatchItem convertedOrders = converted.stream().filter(i -> i.getKey().equals(orders.getKey())).findFirst()
                .orElseThrow();
        assertThat(Files.readString(Path.of(convertedOrders.getStagedPath()))).isEqualTo(csv);
        assertThat(convertedOrders.getParquet().rows()).isEqualTo(2);

        // c uploads: what b made, with paths in c's work folder, each file as b wrote it
        List<BatchItem> upload = c.batches.liveItems(batchId);
        assertThat(upload).hasSize(2);
        BatchItem uploadOrders = upload.stream().filter(i -> i.getKey().equals(orders.getKey())).findFirst()
                .orElseThrow();
        Path ordersHere = c.folders.itemDir(orders.getKey());
        assertThat(c.folders.filesOf(uploadOrders)).hasSize(3).allSatisfy(file -> assertThat(file)
                .startsWith(ordersHere).exists());
        assertThat(Path.of(uploadOrders.getParquet().path())).hasSameBinaryContentAs(
                Path.of(convertedOrders.getParquet().path()));
        assertThat(Path.of(uploadOrders.getMetadataPath())).hasSameBinaryContentAs(
                Path.of(convertedOrders.getMetadataPath()));
        assertThat(Path.of(uploadOrders.getStagedPath())).hasContent(csv);
        assertThat(uploadOrders.getInboxPath()).isEqualTo(c.folders.inboxFile(orders.getName()).toString());
        assertThat(uploadOrders.getItemClass()).isEqualTo("structured");

        // a completes: its own folders and the bucket's copies go; b and c clean theirs once the items are done
        a.batches.cleanUp(a.batches.items(batchId));
        assertThat(keys()).isEmpty();
        assertThat(a.folders.itemDirs()).isEmpty();
        for (BatchItem item : List.of(orders, event)) {
            a.ledger.record(a.ledger.find(item.getKey()).orElseThrow().withStatus(ItemStatus.DONE, ""));
        }
        for (Instance other : List.of(b, c)) {
            assertThat(other.batches.cleanUpFinishedElsewhere()).as("a folder changed in the last minute stays")
                    .isZero();
            for (Path folder : other.folders.itemDirs()) {
                Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
            }
            assertThat(other.batches.cleanUpFinishedElsewhere()).isEqualTo(2);
            assertThat(other.folders.itemDirs()).isEmpty();
        }
    }

    @Test
    void anItemConvertedBeforeACrashIsNotConvertedAgainWhereTheBatchIsTakenOver() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        BatchItem orders = a.take("orders.csv", "id\n1\n2\n3\n");
        String batchId = a.seal(orders);
        BatchItem convertedOnA = a.convert(batchId).get(0);
        String metadataOnA = Files.readString(Path.of(convertedOnA.getMetadataPath()));
        // a dies before CLOUD_UPLOAD: b takes START_UPLOAD again, and finds the item converted
        BatchItem onB = b.batches.liveItems(batchId).get(0);
        assertThat(Path.of(onB.getMetadataPath())).startsWith(b.folders.itemDir(orders.getKey())).hasContent(
                metadataOnA);
        assertThat(b.converter.convert(onB)).as("not converted again").isSameAs(onB);
        assertThat(Path.of(onB.getParquet().path())).hasSameBinaryContentAs(Path.of(convertedOnA.getParquet().path()));
    }

    @Test
    void aCompletionCutShortIsFinishedByTheInstanceThatCompletesTheBatchAgain() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        Instance c = new Instance("c");
        BatchItem orders = a.take("orders.csv", "id,amount\n1,10\n");
        String batchId = a.seal(orders);
        b.convert(batchId);
        assertThat(keys()).as("the staged copy, the Parquet, the metadata and the item file").hasSize(4);

        // the leader a completes the batch and is killed after two of the four deletions; the ledger is written after
        Batches killed = new Batches(a.ledger, a.folders, JSON, InboxLeases.ALONE,
                new S3SharedWork(killedAfterDeleting(2), BUCKET));
        assertThatThrownBy(() -> killed.cleanUp(a.batches.items(batchId))).hasMessageContaining("killed");
        assertThat(keys()).as("the item file, which names the rest, is deleted last").hasSize(2)
                .contains("work/" + orders.getKey() + "/" + Batches.ITEM_FILE);

        // the next leader completes the batch again: nothing of it is left in the bucket
        c.batches.cleanUp(c.batches.items(batchId));
        assertThat(keys()).isEmpty();
    }

    /** The shared bucket as an instance killed after so many deletions sees it: the next call never returns. */
    private S3Client killedAfterDeleting(int deletions) {
        AtomicInteger left = new AtomicInteger(deletions);
        S3Client bucket = s3.client();
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("deleteObject") && left.getAndDecrement() <= 0) {
                        throw new IllegalStateException("killed before this deletion");
                    }
                    try {
                        return method.invoke(bucket, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aChunkOfTableRowsTravelsWithWhatItWasMadeOf() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        String key = "orders:1-100";
        Path folder = a.folders.itemDir(key);
        Path staged = Files.createDirectories(folder.resolve("content")).resolve("orders-1a2b.parquet");
        Files.write(staged, new byte[] {'P', 'A', 'R', '1', 0, 1, 2});
        Path metadata = Files.writeString(folder.resolve("metadata.json"), "{\"table\": \"orders\"}");
        BatchItem chunk = new BatchItem();
        chunk.setKey(key);
        chunk.setSha256(HexFormat.of().formatHex(new byte[32]));
        chunk.setSource("mysql");
        chunk.setName("orders-1a2b.parquet");
        chunk.setStagedPath(staged.toString());
        chunk.setMetadataPath(metadata.toString());
        chunk.setItemClass("structured");
        chunk.setParquet(new ParquetPart("orders", null, null, staged.toString(), null, 100, List.of(), null));
        JSON.writeValue(folder.resolve(Batches.ITEM_FILE).toFile(), chunk);
        a.ledger.claim(LedgerEntry.claimed(key, "mysql", chunk.getName(), 7));
        String batchId = a.seal(chunk);

        BatchItem onB = b.batches.liveItems(batchId).get(0);
        Path here = b.folders.itemDir(key);
        assertThat(Path.of(onB.getParquet().path())).isEqualTo(here.resolve("content/orders-1a2b.parquet"))
                .hasSameBinaryContentAs(staged);
        assertThat(Path.of(onB.getMetadataPath())).isEqualTo(here.resolve("metadata.json")).hasContent(
                "{\"table\": \"orders\"}");
        assertThat(onB.getInboxPath()).as("a chunk has no inbox original").isNull();
    }

    @Test
    void thePathsOfPartitionedPiecesBecomeThisInstancesAndAnythingElseIsLeftAsItIs() {
        WorkFolders here = new WorkFolders(dir.resolve("inbox"), dir.resolve("b/work"), dir.resolve("b/q"),
                dir.resolve("b/d"));
        String key = "ab".repeat(32);
        String elsewhere = "/srv/other/work/items/" + key + "/";
        BatchItem item = new BatchItem();
        item.setKey(key);
        item.setName("sub/dir/sales.csv");
        item.setInboxPath("/mnt/inbox-on-a/sub/dir/sales.csv");
        item.setStagedPath(elsewhere + "content/sales.csv");
        item.setParquet(new ParquetPart("sales", null, "day", null, null, 3, List.of(), List.of(
                new ParquetPart.Piece("day=2026-12-01", elsewhere + "pieces/day=2026-12-01.parquet", null, 2),
                new ParquetPart.Piece("day=2026-12-02", elsewhere + "pieces/day=2026-12-02.parquet", null, 1))));
        item.setMetadataPath("/tmp/not-an-item-folder/metadata.json");

        BatchItem relocated = here.relocated(item);

        Path folder = here.itemDir(key);
        assertThat(relocated.getStagedPath()).isEqualTo(folder.resolve("content/sales.csv").toString());
        assertThat(relocated.getParquet().pieces()).extracting(ParquetPart.Piece::path).containsExactly(
                folder.resolve("pieces/day=2026-12-01.parquet").toString(),
                folder.resolve("pieces/day=2026-12-02.parquet").toString());
        assertThat(relocated.getInboxPath()).isEqualTo(here.inboxFile("sub/dir/sales.csv").toString());
        assertThat(relocated.getMetadataPath()).isEqualTo("/tmp/not-an-item-folder/metadata.json");
    }

    private List<String> keys() {
        return s3.client().listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key)
                .toList();
    }
}
