package io.nimbusverse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The loader contract of docs/ARCHITECTURE.md as a test, the same for every loader (the on-prem loader of the app, the Glue job
 * of aws/glue; this folder is a test source folder of both builds). contract/s3 holds a batch as S3 holds it (a SIGNAL
 * manifest and its Parquet objects, from a real run on the samples); contract/expected holds what a loader must leave:
 * the rows of every table, and its COMPLETE answer. Values are compared in one database-neutral form, so the same
 * expectations hold on H2 and on MariaDB.
 */
public final class LoaderContract {

    public static final String BATCH_ID = "20261125T203744Z-768c9c";
    public static final String MANIFEST_KEY = "signals/" + BATCH_ID + ".SIGNAL";
    public static final String COMPLETE_KEY = "signals/" + BATCH_ID + ".COMPLETE";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public LoaderContract() {
        this(Path.of(System.getProperty("nimbus.contract.dir", "contract")));
    }

    public LoaderContract(Path dir) {
        this.dir = dir;
    }

    /** The batch's objects, at their S3 keys under this folder. */
    public Path objects() {
        return dir.resolve("s3");
    }

    public String manifest() throws IOException {
        return Files.readString(objects().resolve(MANIFEST_KEY));
    }

    /** The key of the batch's last Parquet object, which {@link #manifestWithAMissingObject()} replaces. */
    public static final String LAST_OBJECT = "parquet/payments/ingest_date=2026-11-25/" + BATCH_ID + "-3.parquet";
    public static final String MISSING_OBJECT = "parquet/payments/ingest_date=2026-11-25/" + BATCH_ID + "-9.parquet";

    /** The batch with its last Parquet object missing: the two before it load, then the load must fail. */
    public String manifestWithAMissingObject() throws IOException {
        String manifest = manifest();
        assertThat(manifest).contains(LAST_OBJECT);
        return manifest.replace(LAST_OBJECT, MISSING_OBJECT);
    }

    /** The key of the batch's item whose rows go into {@code orders}. */
    public static final String ORDERS_ITEM = "acfabfbfa4ef700d152313720d16c5f609584cca3a776175952c7bfcf5a398c1";

    /** A later batch that loads the orders item again: what a reload of that item from the console sends. */
    public static final String RELOAD_BATCH_ID = "20261201T120000Z-0f0f0f";
    public static final String RELOAD_MANIFEST_KEY = "signals/" + RELOAD_BATCH_ID + ".SIGNAL";

    /** The manifest of {@link #RELOAD_BATCH_ID}: the orders item alone, with its Parquet object of the first batch. */
    public String reloadManifest() throws IOException {
        ObjectNode manifest = (ObjectNode) JSON.readTree(manifest());
        manifest.put("batchId", RELOAD_BATCH_ID);
        ArrayNode items = JSON.createArrayNode();
        manifest.path("items").forEach(item -> {
            if (ORDERS_ITEM.equals(item.path("key").asText())) {
                items.add(item);
            }
        });
        manifest.set("items", items);
        return JSON.writeValueAsString(manifest);
    }

    /**
     * Asserts that the reload left the orders rows once, with the reload's batch as their lineage, and every other
     * table as the first batch left it.
     */
    public void assertOrdersReplacedByTheReload(DataSource db) throws Exception {
        JsonNode expected = JSON.readTree(dir.resolve("expected/tables.json").toFile());
        for (Map.Entry<String, JsonNode> table : expected.properties()) {
            List<String> columns = new ArrayList<>();
            table.getValue().path("columns").forEach(c -> columns.add(c.asText()));
            JsonNode rows = table.getValue().path("rows");
            if (table.getKey().equals("orders")) {
                rows = rows.deepCopy();
                int batchColumn = columns.indexOf("_nimbus_batch_id");
                rows.forEach(row -> ((ArrayNode) row).set(batchColumn, RELOAD_BATCH_ID));
            }
            if (table.getKey().equals("nimbus_catalog")) {
                continue;
            }
            assertThat(rows(db, table.getKey(), columns)).as("rows of table %s", table.getKey()).isEqualTo(rows);
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT batch_id FROM nimbus_catalog WHERE item_key = '" + ORDERS_ITEM
                        + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the catalog names the batch that loaded the item last")
                    .isEqualTo(RELOAD_BATCH_ID);
        }
    }

    /** Makes {@code orders} a table the batch's orders cannot go into: its order_id holds dates. */
    public void makeOrdersConflict(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (order_id DATE)");
        }
    }

    /**
     * Asserts that the orders item was set aside with a reason that names the column, and that the other tables
     * hold their expected rows: an item that cannot load hurts that item only.
     */
    public void assertOrdersSetAsideAndTheRestLoaded(DataSource db, String completeJson) throws Exception {
        JsonNode answer = JSON.readTree(completeJson);
        assertThat(answer.path("status").asText()).isEqualTo("SUCCEEDED");
        List<String> tables = new ArrayList<>();
        answer.path("tables").forEach(t -> tables.add(t.path("table").asText() + " " + t.path("rows").asLong()));
        assertThat(tables).containsExactly("customers 5", "payments 4");
        assertThat(answer.path("notLoaded")).singleElement().satisfies(item -> {
            assertThat(item.path("key").asText()).isEqualTo(ORDERS_ITEM);
            assertThat(item.path("dataset").asText()).isEqualTo("orders");
            assertThat(item.path("reason").asText()).contains("order_id");
        });
        JsonNode expected = JSON.readTree(dir.resolve("expected/tables.json").toFile());
        for (String table : List.of("customers", "payments")) {
            List<String> columns = new ArrayList<>();
            expected.path(table).path("columns").forEach(c -> columns.add(c.asText()));
            assertThat(rows(db, table, columns)).as("rows of table %s", table)
                    .isEqualTo(expected.path(table).path("rows"));
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet count = st.executeQuery("SELECT count(*) FROM orders")) {
            count.next();
            assertThat(count.getLong(1)).isZero();
        }
    }

    /** Asserts that no table of the batch has a row (a failed batch leaves nothing, tables made ready aside). */
    public void assertNothingLoaded(DataSource db) throws Exception {
        JsonNode expected = JSON.readTree(dir.resolve("expected/tables.json").toFile());
        for (Map.Entry<String, JsonNode> table : expected.properties()) {
            try (Connection c = db.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table.getKey(), null)) {
                if (rs.next()) {
                    try (ResultSet count = st.executeQuery("SELECT count(*) FROM " + table.getKey())) {
                        count.next();
                        assertThat(count.getLong(1)).as("rows of table %s", table.getKey()).isZero();
                    }
                }
            }
        }
    }

    /** Asserts that a COMPLETE answer says FAILED, names the missing object and counts no table. */
    public void assertAnsweredFailedForTheMissingObject(String completeJson) throws IOException {
        JsonNode answer = JSON.readTree(completeJson);
        assertThat(answer.path("batchId").asText()).isEqualTo(BATCH_ID);
        assertThat(answer.path("status").asText()).isEqualTo("FAILED");
        assertThat(answer.path("tables")).isEmpty();
        assertThat(answer.path("errors")).singleElement().extracting(JsonNode::asText).asString()
                .contains(MISSING_OBJECT);
    }

    /** Asserts that the database holds exactly the expected rows in the expected tables. */
    public void assertTablesLoaded(DataSource db) throws Exception {
        JsonNode expected = JSON.readTree(dir.resolve("expected/tables.json").toFile());
        for (Map.Entry<String, JsonNode> table : expected.properties()) {
            List<String> columns = new ArrayList<>();
            table.getValue().path("columns").forEach(c -> columns.add(c.asText()));
            assertThat(rows(db, table.getKey(), columns))
                    .as("rows of table %s", table.getKey())
                    .isEqualTo(table.getValue().path("rows"));
        }
    }

    /** Asserts that a COMPLETE answer is the expected one (its finishedAt aside, which is the loader's clock). */
    public void assertAnswered(String completeJson) throws IOException {
        ObjectNode answer = (ObjectNode) JSON.readTree(completeJson);
        assertThat(answer.path("finishedAt").asText()).isNotBlank();
        answer.remove("finishedAt");
        assertThat(answer).isEqualTo(JSON.readTree(dir.resolve("expected/complete.json").toFile()));
    }

    /** A table's rows ordered by its first column, each value in its database-neutral form. */
    public static ArrayNode rows(DataSource db, String table, List<String> columns) throws SQLException {
        ArrayNode rows = JSON.createArrayNode();
        String sql = "SELECT " + String.join(", ", columns) + " FROM " + table + " ORDER BY " + columns.get(0);
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ArrayNode row = rows.addArray();
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(neutral(rs.getObject(i)));
                }
            }
        }
        return rows;
    }

    private static String neutral(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().toString();
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof Time time) {
            return time.toLocalTime().toString();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }
}
