package io.nimbusverse.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsTest {

    private static final Instant CREATED = Instant.parse("2026-11-25T18:18:33Z");

    @Test
    void everyItemGetsItsDeterministicKeysAndLargeFilesGoInParts(@TempDir Path dir) throws Exception {
        Path csv = Files.write(dir.resolve("big.csv"), new byte[(6 << 20)]);
        Path parquet = Files.write(dir.resolve("big.parquet"), new byte[10]);
        Path metadata = Files.write(dir.resolve("metadata.json"), new byte[10]);
        BatchItem item = new BatchItem();
        item.setKey("a".repeat(64));
        item.setSha256(item.getKey());
        item.setName("big.csv");
        item.setItemClass("structured");
        item.setStagedPath(csv.toString());
        item.setMetadataPath(metadata.toString());
        item.setParquet(new ParquetPart("big", null, null, parquet.toString(), null, 1, List.of(), null));
        Signal signal = Signal.of(SignalType.CLOUD_UPLOAD, "20261125T181833Z-3fa9c1", CREATED, 2);

        List<S3Put> puts = new Uploads(5L << 20).plan(List.of(item), signal);

        assertThat(puts).extracting(S3Put::key).containsExactly(
                "raw/structured/2026/11/25/" + "a".repeat(64) + "/big.csv",
                "parquet/big/ingest_date=2026-11-25/20261125T181833Z-3fa9c1-1.parquet",
                "metadata/" + "a".repeat(64) + ".json");
        assertThat(puts).extracting(S3Put::multipart).containsExactly(true, false, false);
        assertThat(item.getRawKey()).isEqualTo(puts.get(0).key());
        assertThat(item.getParquet().key()).isEqualTo(puts.get(1).key());
        assertThat(new Uploads(5L << 20).plan(List.of(item), signal)).isEqualTo(puts);
        assertThat(new Uploads(5L << 20).uploadedSignal(signal).getManifestKey())
                .isEqualTo("signals/20261125T181833Z-3fa9c1.SIGNAL");
    }

    @Test
    void theLastPartOfARawKeyIsBoundedWhateverTheNameAndTheNameIsKept(@TempDir Path dir) throws Exception {
        BatchItem item = new BatchItem();
        item.setKey("c".repeat(64));
        item.setSha256(item.getKey());
        item.setName("n".repeat(240) + "\nline\\slash.csv");
        item.setItemClass("structured");
        item.setStagedPath(Files.write(dir.resolve("x"), new byte[1]).toString());
        item.setMetadataPath(item.getStagedPath());
        Signal signal = Signal.of(SignalType.CLOUD_UPLOAD, "20261125T181833Z-3fa9c1", CREATED, 1);

        String raw = new Uploads(5L << 20).plan(List.of(item), signal).get(0).key();

        String last = raw.substring(raw.lastIndexOf('/') + 1);
        assertThat(last.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(120);
        assertThat(last).endsWith(".csv").doesNotContain("\n", "\\");
        assertThat(item.getName()).startsWith("nnnn").contains("\nline");
    }

    @Test
    void aPartSizeS3WouldRefuseIsAConfigurationError() {
        assertThatThrownBy(() -> new Uploads(1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nimbus.s3.part-size-bytes").hasMessageContaining("5 MiB");
    }
}
