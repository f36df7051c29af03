package io.nimbusverse.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.JsonSchemas;
import io.nimbusverse.cloud.S3Keys;
import org.junit.jupiter.api.Test;

/** What the app writes as SIGNAL and COMPLETE follows the JSON Schemas, and the schemas do reject bad documents. */
class ContractTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String BATCH = "20261125T181833Z-3fa9c1";
    private static final Instant CREATED = Instant.parse("2026-11-25T18:18:33Z");

    private static List<BatchItem> uploadedItems() {
        BatchItem csv = new BatchItem();
        csv.setKey("a".repeat(64));
        csv.setSha256(csv.getKey());
        csv.setSource("file");
        csv.setName("orders.csv");
        csv.setSize(405);
        csv.setItemClass("structured");
        csv.setMediaType("text/csv");
        csv.setRawKey(S3Keys.raw("structured", CREATED, csv.getSha256(), "orders.csv"));
        csv.setMetadataKey(S3Keys.metadata(csv.getSha256()));
        csv.setParquet(new ParquetPart("orders", null, null, "/work/orders.parquet", S3Keys.parquet("orders", CREATED, BATCH, 1),
                5, List.of(new ColumnSchema("order_id", "long", false), new ColumnSchema("amount", "decimal(6,2)",
                        true)), null));
        BatchItem pdf = new BatchItem();
        pdf.setKey("b".repeat(64));
        pdf.setSha256(pdf.getKey());
        pdf.setSource("file");
        pdf.setName("report.pdf");
        pdf.setSize(800);
        pdf.setItemClass("unstructured");
        pdf.setMediaType("application/pdf");
        pdf.setRawKey(S3Keys.raw("unstructured", CREATED, pdf.getSha256(), "report.pdf"));
        pdf.setMetadataKey(S3Keys.metadata(pdf.getSha256()));
        BatchItem rows = new BatchItem();
        rows.setKey("payments:id:101..104:4");
        rows.setSha256("d".repeat(64));
        rows.setSource("mysql");
        rows.setName("payments-2adecf0da1c9.parquet");
        rows.setSize(1200);
        rows.setItemClass("structured");
        rows.setMediaType("application/vnd.apache.parquet");
        rows.setMetadataKey(S3Keys.metadata(rows.getSha256()));
        rows.setParquet(new ParquetPart("payments", null, null, "/work/payments.parquet", S3Keys.parquet("payments", CREATED,
                BATCH, 2), 4, List.of(new ColumnSchema("id", "long", true), new ColumnSchema("paid", "time", true),
                        new ColumnSchema("receipt", "binary", true)), null));
        return List.of(csv, pdf, rows);
    }

    private static String manifestOfTheBatch() throws Exception {
        List<BatchItem> items = uploadedItems();
        return JSON.writeValueAsString(Manifest.of(Signal.of(SignalType.CLOUD_UPLOAD, BATCH, CREATED, items.size()),
                items));
    }

    @Test
    void theManifestOfABatchFollowsTheSignalSchema() throws Exception {
        String manifest = manifestOfTheBatch();
        assertThat(JsonSchemas.validate("signal.schema.json", manifest)).isEmpty();
        // local paths stay out of the contract
        assertThat(manifest).doesNotContain("/work/");
        assertThat(JSON.readTree(manifest).path("items").get(0).has("class")).isTrue();
    }

    @Test
    void theSignalSchemaRejectsWhatALoaderCouldNotUse() throws Exception {
        String manifest = manifestOfTheBatch();
        assertThat(JsonSchemas.validate("signal.schema.json", manifest.replace("\"rawKey\":\"raw/", "\"rawKey\":\"x/")))
                .isNotEmpty();
        assertThat(JsonSchemas.validate("signal.schema.json", manifest.replace("\"decimal(6,2)\"", "\"money\"")))
                .isNotEmpty();
        assertThat(JsonSchemas.validate("signal.schema.json", manifest.replace("\"batchId\":\"" + BATCH + "\",", "")))
                .isNotEmpty();
        // a file needs its raw object; a chunk of table rows, which has none, needs its Parquet
        assertThat(JsonSchemas.validate("signal.schema.json", manifest.replaceFirst("\"rawKey\":\"[^\"]+\",", "")))
                .isNotEmpty();
        ObjectNode tree = (ObjectNode) JSON.readTree(manifest);
        ((ObjectNode) tree.path("items").get(2)).remove("parquet");
        assertThat(JsonSchemas.validate("signal.schema.json", JSON.writeValueAsString(tree))).isNotEmpty();
    }

    @Test
    void aCompleteFollowsItsSchemaAndAFailureMustSayWhy() throws Exception {
        Complete ok = new Complete(BATCH, Complete.SUCCEEDED, Instant.now(),
                List.of(new Complete.Table("orders", "orders", 5)), List.of());
        assertThat(JsonSchemas.validate("complete.schema.json", JSON.writeValueAsString(ok))).isEmpty();
        Complete failed = new Complete(BATCH, Complete.FAILED, Instant.now(), List.of(), List.of("no database"));
        assertThat(JsonSchemas.validate("complete.schema.json", JSON.writeValueAsString(failed))).isEmpty();
        Complete silent = new Complete(BATCH, Complete.FAILED, Instant.now(), List.of(), List.of());
        assertThat(JsonSchemas.validate("complete.schema.json", JSON.writeValueAsString(silent))).isNotEmpty();
        assertThat(JsonSchemas.validate("complete.schema.json", JSON.writeValueAsString(ok).replace("SUCCEEDED",
                "DONE"))).isNotEmpty();
        Complete partly = new Complete(BATCH, Complete.SUCCEEDED, Instant.now(),
                List.of(new Complete.Table("orders", "orders", 5)), List.of(),
                List.of(new Complete.NotLoaded("k", "late.csv", "orders", "column id holds integer values")));
        String partlyJson = JSON.writeValueAsString(partly);
        assertThat(JsonSchemas.validate("complete.schema.json", partlyJson)).isEmpty();
        assertThat(JsonSchemas.validate("complete.schema.json", partlyJson.replace("\"reason\"", "\"why\"")))
                .isNotEmpty();
        // an answer without items set aside says nothing of them: the contract's answer stays the same
        assertThat(JSON.writeValueAsString(ok)).doesNotContain("notLoaded");
    }
}
