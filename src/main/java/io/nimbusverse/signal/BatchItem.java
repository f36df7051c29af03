package io.nimbusverse.signal;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of a batch as it travels through the signals: references to the ledger, the work folder and S3, never
 * content. Each stage fills in what it learns.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BatchItem {

    private String key;
    private String source;
    private String name;
    private long size;
    private String sha256;
    /** the original, deleted from the inbox once the item is safely in S3 */
    private String inboxPath;
    /** the original's modification time (epoch milliseconds) when it was hashed; 0 when not known */
    private long inboxModified;
    /** the copy taken when the item was claimed; every stage reads this one */
    private String stagedPath;
    private String mediaType;
    private String itemClass;
    private String metadataPath;
    private ParquetPart parquet;
    private String rawKey;
    private String metadataKey;
    private String quarantineReason;
    /** the dataset rule that took the item, null when none did */
    private String rule;
    /** what a catalog is queried by: title, author, pages, width, height, takenAt, durationSeconds (when known) */
    private Map<String, Object> facts;
    /** headers whose column has another name (header -> column), when some have */
    private Map<String, String> renamed;
    /** rows left out of its Parquet because a value did not fit a pinned column (in its rows-quarantine file) */
    private long badRows;

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public Map<String, Object> getFacts() {
        return facts;
    }

    public void setFacts(Map<String, Object> facts) {
        this.facts = facts;
    }

    public Map<String, String> getRenamed() {
        return renamed;
    }

    public void setRenamed(Map<String, String> renamed) {
        this.renamed = renamed;
    }

    public long getBadRows() {
        return badRows;
    }

    public void setBadRows(long badRows) {
        this.badRows = badRows;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    public String getInboxPath() {
        return inboxPath;
    }

    public void setInboxPath(String inboxPath) {
        this.inboxPath = inboxPath;
    }

    public long getInboxModified() {
        return inboxModified;
    }

    public void setInboxModified(long inboxModified) {
        this.inboxModified = inboxModified;
    }

    public String getStagedPath() {
        return stagedPath;
    }

    public void setStagedPath(String stagedPath) {
        this.stagedPath = stagedPath;
    }

    public String getMediaType() {
        return mediaType;
    }

    public void setMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String getItemClass() {
        return itemClass;
    }

    public void setItemClass(String itemClass) {
        this.itemClass = itemClass;
    }

    public String getMetadataPath() {
        return metadataPath;
    }

    public void setMetadataPath(String metadataPath) {
        this.metadataPath = metadataPath;
    }

    public ParquetPart getParquet() {
        return parquet;
    }

    public void setParquet(ParquetPart parquet) {
        this.parquet = parquet;
    }

    public String getRawKey() {
        return rawKey;
    }

    public void setRawKey(String rawKey) {
        this.rawKey = rawKey;
    }

    public String getMetadataKey() {
        return metadataKey;
    }

    public void setMetadataKey(String metadataKey) {
        this.metadataKey = metadataKey;
    }

    public String getQuarantineReason() {
        return quarantineReason;
    }

    public void setQuarantineReason(String quarantineReason) {
        this.quarantineReason = quarantineReason;
    }

    @JsonIgnore
    public boolean isQuarantined() {
        return quarantineReason != null;
    }

    @Override
    public String toString() {
        return name + " (" + key + ")";
    }
}
