package io.nimbusverse.signal;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON envelope on the signals topic: which stage a batch reached, and the references to find the rest (the
 * batch id, under which the ledger and the work folder keep its items; the manifest's S3 key). It carries no item
 * list, so its size does not grow with the batch: a batch of ten thousand items sends signals of a few hundred
 * bytes. The Kafka record key is the batch id, so the signals of one batch stay in order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Signal {

    private SignalType type;
    private String batchId;
    private Instant createdAt;
    private Instant emittedAt;
    private int itemCount;
    private String manifestKey;
    private String status;
    private String detail;

    public static Signal of(SignalType type, String batchId, Instant createdAt, int itemCount) {
        Signal signal = new Signal();
        signal.type = type;
        signal.batchId = batchId;
        signal.createdAt = createdAt;
        signal.emittedAt = Instant.now();
        signal.itemCount = itemCount;
        return signal;
    }

    /** The same batch at the next stage. */
    public Signal next(SignalType nextType) {
        Signal signal = of(nextType, batchId, createdAt, itemCount);
        signal.manifestKey = manifestKey;
        return signal;
    }

    public SignalType getType() {
        return type;
    }

    public void setType(SignalType type) {
        this.type = type;
    }

    public String getBatchId() {
        return batchId;
    }

    public void setBatchId(String batchId) {
        this.batchId = batchId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    public Instant getEmittedAt() {
        return emittedAt;
    }

    public void setEmittedAt(Instant emittedAt) {
        this.emittedAt = emittedAt;
    }

    /** Items of the batch when it was sealed, quarantined ones included: for people reading the topic. */
    public int getItemCount() {
        return itemCount;
    }

    public void setItemCount(int itemCount) {
        this.itemCount = itemCount;
    }

    public String getManifestKey() {
        return manifestKey;
    }

    public void setManifestKey(String manifestKey) {
        this.manifestKey = manifestKey;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }

    @Override
    public String toString() {
        return type + " " + batchId + " (" + itemCount + " items)";
    }
}
