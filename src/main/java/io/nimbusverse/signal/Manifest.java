package io.nimbusverse.signal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The SIGNAL object: what a loader needs to load a batch (docs/ARCHITECTURE.md, contracts). Its JSON Schema is
 * {@code schemas/signal.schema.json}; the on-prem loader and aws/ both read it.
 */
public record Manifest(String batchId, Instant createdAt, List<Item> items) {

    /**
     * One uploaded item; {@code parquet} only for tabular items, {@code rule} when a dataset rule took it, {@code facts}
     * when its metadata has some (the catalog's title, pages, dimensions...).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String key, String source, String name, @JsonProperty("class") String itemClass,
            String mediaType, long size, String sha256, String rawKey, String metadataKey, String rule,
            Map<String, Object> facts, Parquet parquet) {
    }

    /**
     * The Parquet object of a tabular item and the table it loads into ({@code table}: when not the dataset); an item
     * its rule partitions by a column has {@code parts} instead of {@code key}, one per day.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Parquet(String dataset, String table, String key, long rows, List<ColumnSchema> schema,
            List<Part> parts) {
    }

    /** One object of a partitioned item: its partition folder ({@code order_date=2026-11-30}), key and rows. */
    public record Part(String partition, String key, long rows) {
    }

    /** The manifest of a batch's items that are not quarantined, with the keys the upload stage gave them. */
    public static Manifest of(Signal signal, List<BatchItem> liveItems) {
        List<Item> items = liveItems.stream()
                .map(i -> new Item(i.getKey(), i.getSource(), i.getName(), i.getItemClass(), i.getMediaType(),
                        i.getSize(), i.getSha256(), i.getRawKey(), i.getMetadataKey(), i.getRule(), i.getFacts(),
                        i.getParquet() == null ? null : parquetOf(i.getParquet())))
                .toList();
        return new Manifest(signal.getBatchId(), signal.getCreatedAt(), items);
    }

    private static Parquet parquetOf(ParquetPart part) {
        List<Part> parts = part.pieces() == null ? null : part.pieces().stream()
                .map(p -> new Part(p.partition(), p.key(), p.rows())).toList();
        return new Parquet(part.dataset(), part.table(), part.key(), part.rows(), part.schema(), parts);
    }
}
