package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON and XML records become rows when their rule asks for it; other JSON and XML is described as before. */
class RecordsToParquetTest {

    private static final String RULES = """
            rules:
              - id: events
                match: {file: "*.ndjson"}
                dataset: events
                format: json
              - id: customers
                match: {file: "customers*.json"}
                dataset: customers
                format: json
              - id: raw-json
                match: {file: "*.raw.json"}
                dataset: raw
                format: json
                records: {nested: json}
              - id: products
                match: {file: "*.xml"}
                dataset: products
                format: xml
                records: {element: product}
            """;

    @TempDir
    Path dir;

    @Test
    void ndjsonRecordsBecomeRowsWithNestedObjectsFlattenedAndArraysAsJsonText() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        BatchItem item = stage.convert("in/2026/day.ndjson", """
                {"id": 1, "user": {"name": "Ada", "address": {"city": "London"}}, "tags": ["a", "b"], "amount": 12.50}
                {"id": 2, "user": {"name": ""}, "tags": [], "amount": 99999999999999999999999999.123456789012}

                {"id": 3, "user": null, "amount": null, "late": true}
                """);

        assertThat(item.getRule()).isEqualTo("events");
        assertThat(item.getParquet().dataset()).isEqualTo("events");
        assertThat(item.getParquet().schema()).extracting(c -> c.name() + " " + c.type()).containsExactly(
                "id long", "user_name string", "user_address_city string", "tags string",
                "amount decimal(38,12)", "user string", "late boolean");
        List<Map<String, Object>> rows = RuledConverter.rows(item);
        assertThat(rows.get(0)).containsEntry("user_name", "Ada").containsEntry("user_address_city", "London")
                .containsEntry("tags", "[\"a\",\"b\"]").containsEntry("amount", new BigDecimal("12.500000000000"));
        assertThat(rows.get(1)).as("an empty string is a value; a missing field is null")
                .containsEntry("user_name", "").doesNotContainKey("user_address_city").containsEntry("tags", "[]")
                .containsEntry("amount", new BigDecimal("99999999999999999999999999.123456789012"));
        assertThat(rows.get(2)).doesNotContainKeys("user", "amount", "user_name").containsEntry("late", true);
        assertThat(RuledConverter.metadata(item).path("columns").get(1).path("header").asText())
                .isEqualTo("user.name");
    }

    @Test
    void aJsonArrayOfObjectsIsRowsAndNestedJsonKeepsObjectsAsText() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        BatchItem customers = stage.convert("customers.json",
                "[{\"id\": 1, \"name\": \"Ada\"},\n {\"id\": 2, \"name\": \"Alan\", \"since\": \"2026-01-31\"}]");
        assertThat(customers.getParquet().rows()).isEqualTo(2);
        assertThat(customers.getParquet().schema()).extracting(ColumnSchema::type)
                .containsExactly("long", "string", "date");

        BatchItem raw = stage.convert("x.raw.json", "{\"id\": 1, \"doc\": {\"a\": {\"b\": 1}}}");
        assertThat(RuledConverter.rows(raw)).singleElement().satisfies(r ->
                assertThat(r).containsEntry("doc", "{\"a\":{\"b\":1}}"));
    }

    @Test
    void xmlRecordElementsBecomeRowsWithAttributesChildrenAndRepeatedElements() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        BatchItem item = stage.convert("catalog.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <header><product>not a record's child, a record of its own</product></header>
                  <product sku="A-1"><name>Lamp</name><price currency="EUR">12.50</price>
                    <tag>home</tag><tag>light</tag></product>
                  <product sku="B-2"><name></name><price xsi:nil="true"/></product>
                </catalog>
                """);
        assertThat(item.getRule()).isEqualTo("products");
        List<Map<String, Object>> rows = RuledConverter.rows(item);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).containsEntry("sku", "A-1").containsEntry("name", "Lamp")
                .containsEntry("price_currency", "EUR").containsEntry("price", new BigDecimal("12.50"))
                .containsEntry("tag", "[\"home\",\"light\"]");
        assertThat(rows.get(2)).containsEntry("sku", "B-2").as("an empty element is an empty text")
                .containsEntry("name", "").as("nil is null").doesNotContainKey("price");
    }

    @Test
    void recordsThatAreNotObjectsOrNoRecordElementAreQuarantinedWithAReason() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        assertThatThrownBy(() -> stage.convert("bad.ndjson", "{\"a\": 1}\n[1, 2]\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("record 2")
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> stage.convert("broken.ndjson", "{\"a\": 1}\n{\"a\": \n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> stage.convert("none.xml", "<catalog><item/></catalog>"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("<product>");
        RuledConverter small = new RuledConverter(dir.resolve("small"), RULES, new Limits(1 << 20, 3, 100, 1 << 20));
        assertThatThrownBy(() -> small.convert("wide.ndjson", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}\n"))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining(Limits.MAX_COLUMNS);
    }

    @Test
    void jsonAndXmlWithoutARuleAskingForRecordsAreDescribedAsBefore() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        BatchItem described = stage.convert("other.json", "[{\"a\": 1}]");
        assertThat(described.getParquet()).isNull();
        assertThat(RuledConverter.metadata(described).path("keys").toString()).isEqualTo("[\"a\"]");
    }
}
