package io.nimbusverse.ledger;

import java.time.Instant;

/**
 * One row of the ledger: the state of one item after one state change.
 *
 * @param key       SHA-256 of the content for files; for table rows, the table and the range of a chunk
 *                  ({@code payments:id:101..104:4}), {@code table:primary-key} for a quarantined row and
 *                  {@code source:table} for a table that cannot be read
 * @param claimedAt when the key was first claimed
 * @param updatedAt when this row was written
 * @param s3Key     where the item landed in S3, once uploaded: its raw form, or the Parquet of a chunk of rows
 */
public record LedgerEntry(
        String key,
        String source,
        String name,
        long size,
        String mediaType,
        String itemClass,
        ItemStatus status,
        String batchId,
        Instant claimedAt,
        Instant updatedAt,
        String s3Key,
        String detail) {

    public static LedgerEntry claimed(String key, String source, String name, long size) {
        Instant now = Instant.now();
        return new LedgerEntry(key, source, name, size, "", "", ItemStatus.CLAIMED, "", now, now, "", "");
    }

    public LedgerEntry withStatus(ItemStatus newStatus, String newDetail) {
        return new LedgerEntry(key, source, name, size, mediaType, itemClass, newStatus, batchId, claimedAt,
                Instant.now(), s3Key, newDetail == null ? "" : newDetail);
    }

    public LedgerEntry withBatch(String newBatchId) {
        return new LedgerEntry(key, source, name, size, mediaType, itemClass, status, newBatchId, claimedAt,
                Instant.now(), s3Key, detail);
    }

    public LedgerEntry withClassification(String newMediaType, String newItemClass) {
        return new LedgerEntry(key, source, name, size, newMediaType, newItemClass, status, batchId, claimedAt,
                Instant.now(), s3Key, detail);
    }

    public LedgerEntry withS3Key(String newS3Key) {
        return new LedgerEntry(key, source, name, size, mediaType, itemClass, status, batchId, claimedAt,
                Instant.now(), newS3Key, detail);
    }

    public boolean hasBatch() {
        return batchId != null && !batchId.isEmpty();
    }
}
