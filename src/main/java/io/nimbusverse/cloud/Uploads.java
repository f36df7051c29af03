package io.nimbusverse.cloud;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import io.nimbusverse.names.FileNames;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import io.nimbusverse.signal.Signal;
import io.nimbusverse.signal.SignalType;

/** Gives every item of a batch its S3 keys (the layout of docs/ARCHITECTURE.md) and lists the objects to upload. */
public class Uploads {

    private final long partSize;

    private static final String SQL_SOURCE = "mysql";

    /** S3 refuses parts smaller than 5 MiB, but for the last one. */
    static final long MIN_PART_SIZE = 5L << 20;

    /** @param partSize files larger than this go up in parts of this size */
    public Uploads(long partSize) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("nimbus.s3.part-size-bytes is " + partSize
                    + ": S3 takes parts of 5 MiB (5242880 bytes) or more");
        }
        this.partSize = partSize;
    }

    /** Raw file, Parquet and metadata of every item that is not quarantined; the keys are set on the items. */
    public List<S3Put> plan(List<BatchItem> liveItems, Signal signal) {
        List<S3Put> puts = new ArrayList<>();
        int tabular = 0;
        for (BatchItem item : liveItems) {
            item.setMetadataKey(S3Keys.metadata(item.getSha256()));
            // a chunk of table rows has no raw form but its Parquet
            if (!SQL_SOURCE.equals(item.getSource())) {
                // S3 servers store an object under its key's last part plus a suffix of their own: it is bounded
                item.setRawKey(S3Keys.raw(item.getItemClass(), signal.getCreatedAt(), item.getSha256(),
                        FileNames.bounded(FileNames.lastSegment(item.getName()))));
                puts.add(put(item.getStagedPath(), item.getRawKey()));
            }
            if (item.getParquet() != null) {
                ParquetPart parquet = item.getParquet();
                if (parquet.pieces() != null) {
                    List<ParquetPart.Piece> pieces = new ArrayList<>();
                    for (ParquetPart.Piece piece : parquet.pieces()) {
                        pieces.add(piece.withKey(S3Keys.partitionedParquet(parquet.dataset(), piece.partition(),
                                signal.getBatchId(), ++tabular)));
                        puts.add(put(piece.path(), pieces.get(pieces.size() - 1).key()));
                    }
                    item.setParquet(parquet.withPieces(pieces));
                } else {
                    item.setParquet(parquet.withKey(parquet.partitioned()
                            ? S3Keys.parquet(parquet.dataset(), signal.getCreatedAt(), signal.getBatchId(), ++tabular)
                            : S3Keys.unpartitionedParquet(parquet.dataset(), signal.getBatchId(), ++tabular)));
                    puts.add(put(item.getParquet().path(), item.getParquet().key()));
                }
            }
            puts.add(put(item.getMetadataPath(), item.getMetadataKey()));
        }
        return puts;
    }

    /** The UPLOADED signal of a batch whose objects and SIGNAL manifest are in S3. */
    public Signal uploadedSignal(Signal signal) {
        Signal uploaded = signal.next(SignalType.UPLOADED);
        uploaded.setManifestKey(S3Keys.signal(signal.getBatchId()));
        return uploaded;
    }

    private S3Put put(String path, String key) {
        File file = new File(path);
        return new S3Put(file, key, file.length() > partSize);
    }
}
