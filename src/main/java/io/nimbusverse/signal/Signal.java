package io.nimbusverse.signal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON envelope on the signals topic: which stage a batch reached, with references to its items (ledger keys,
 * work-folder paths, S3 keys), never their content. The Kafka record key is the batch id, so the signals of one batch
 * stay in order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Signal {

    private SignalType type;
    private String batchId;
    private Instant createdAt;
    private Instant emittedAt;
    private List<BatchItem> items = new ArrayList<>();
    private String manifestKey;
    private String status;
    private String detail;

    public static Signal of(SignalType type, String batchId, Instant createdAt, List<BatchItem> items) {
        Signal signal = new Signal();
        signal.type = type;
        signal.batchId = batchId;
        signal.createdAt = createdAt;
        signal.emittedAt = Instant.now();
        signal.items = new ArrayList<>(items);
        return signal;
    }

    /** The same batch at the next stage. */
    public Signal next(SignalType nextType) {
        Signal signal = of(nextType, batchId, createdAt, items);
        signal.manifestKey = manifestKey;
        return signal;
    }

    @JsonIgnore
    public List<BatchItem> getLiveItems() {
        return items.stream().filter(i -> !i.isQuarantined()).toList();
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

    public List<BatchItem> getItems() {
        return items;
    }

    public void setItems(List<BatchItem> items) {
        this.items = items;
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
        return type + " " + batchId + " (" + items.size() + " items)";
    }
}
