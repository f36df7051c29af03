package io.nimbusverse.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import io.nimbusverse.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRulesTest {

    @TempDir
    Path dir;

    private Path rules(String yaml) throws Exception {
        Path file = dir.resolve("datasets.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Writes the file again with a new time, as an editor does (the time a second on, so that a reload sees it). */
    private void edit(Path file, String yaml) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
    }

    @Test
    void globWildcardsAndNamedGroupsNameTheDatasetAndFirstMatchingRuleWins() throws Exception {
        DatasetRules rules = new DatasetRules(rules("""
                rules:
                  - id: daily-orders
                    match: {file: "orders_*.csv"}
                    dataset: orders
                    table: sales_orders
                  - id: regional
                    match: {folder: "regions/*", fileRegex: "(?<kind>[a-z]+)-\\\\d+\\\\.csv"}
                    dataset: "{1}_{kind}"
                  - id: anything-csv
                    match: {file: "*.{csv,tsv}"}
                    dataset: "misc_{1}"
                    partition: none
                """).toString()).open();

        DatasetMatch daily = rules.match("orders_2026-11-30.csv");
        assertThat(daily.ruleId()).isEqualTo("daily-orders");
        assertThat(daily.dataset()).isEqualTo("orders");
        assertThat(daily.table()).isEqualTo("sales_orders");
        assertThat(rules.match("orders_2026-12-01.csv").dataset()).as("a dataset of many files").isEqualTo("orders");

        DatasetMatch regional = rules.match("regions/north/sales-42.csv");
        assertThat(regional.ruleId()).isEqualTo("regional");
        assertThat(regional.dataset()).isEqualTo("north_sales");
        assertThat(regional.table()).isEqualTo("north_sales");
        assertThat(rules.match("regions/north/deep/sales-42.csv").ruleId()).as("* stops at a folder")
                .isEqualTo("anything-csv");

        DatasetMatch misc = rules.match("notes.tsv");
        assertThat(misc.dataset()).isEqualTo("misc_notes");
        assertThat(misc.partition()).isEqualTo(DatasetRule.Partition.NONE);

        DatasetMatch none = rules.match("sub/Report 2026.json");
        assertThat(none.rule()).as("no rule: the default").isNull();
        assertThat(none.dataset()).as("the file's own name, not its folder").startsWith("report_2026_");
        assertThat(none.format()).isEqualTo(DatasetRule.Format.AUTO);
    }

    @Test
    void readerOptionsAreReadAsWritten() throws Exception {
        DatasetRules rules = new DatasetRules(rules("""
                rules:
                  - id: legacy
                    match: {file: "*.txt"}
                    dataset: legacy
                    format: csv
                    csv:
                      delimiter: "\\\\t"
                      quote: "'"
                      escape: "\\\\"
                      header: false
                      columns: [id, name, amount]
                      encoding: windows-1252
                      nullValues: ["NULL", "n/a"]
                      quotedEmpty: "null"
                    rename: {name: customer_name}
                    schema:
                      columns:
                        amount: decimal(38, 10)
                        day: {type: date, format: dd.MM.yyyy}
                      evolution: add-columns
                      badValues: quarantine-file
                  - id: events
                    match: {file: "*.xml"}
                    dataset: events
                    format: xml
                    records: {element: event, nested: json}
                """).toString()).open();
        DatasetRule legacy = rules.match("a.txt").rule();
        CsvDialect csv = legacy.csv();
        assertThat(csv.delimiter()).isEqualTo('\t');
        assertThat(csv.quote()).isEqualTo('\'');
        assertThat(csv.escape()).isEqualTo('\\');
        assertThat(csv.header()).isFalse();
        assertThat(csv.columns()).containsExactly("id", "name", "amount");
        assertThat(csv.encoding().name()).isEqualTo("windows-1252");
        assertThat(csv.nullValues()).containsExactlyInAnyOrder("NULL", "n/a");
        assertThat(csv.quotedEmptyIsNull()).isTrue();
        assertThat(legacy.rename()).containsEntry("name", "customer_name");
        assertThat(legacy.schema().pinned().get("amount")).isEqualTo(new PinnedType("decimal", 38, 10, null));
        assertThat(legacy.schema().pinned().get("day")).isEqualTo(new PinnedType("date", 0, 0, "dd.MM.yyyy"));
        assertThat(legacy.schema().evolution()).isEqualTo(SchemaPolicy.Evolution.ADD_COLUMNS);
        assertThat(legacy.schema().badValues()).isEqualTo(SchemaPolicy.BadValues.QUARANTINE_FILE);
        DatasetRule events = rules.match("x.xml").rule();
        assertThat(events.format()).isEqualTo(DatasetRule.Format.XML);
        assertThat(events.records()).isEqualTo(new RecordOptions("event", RecordOptions.Nested.JSON));
    }

    @Test
    void aFileThatDoesNotHoldIsRefusedAtStartNamingTheSettingAndWhatIsWrong() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"rules:\n  - id: a\n    dataset: x\n", "match"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: x\n    partition: daily\n",
                    "partition"},
                new String[] {"rules:\n  - id: a\n    match: {fileRegex: '([a-z'}\n    dataset: x\n", "fileRegex"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: '{2}'\n", "{2}"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: x\n    csv: {header: false}\n",
                    "csv.columns"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: x\n"
                    + "  - id: a\n    match: {file: '*.tsv'}\n    dataset: y\n", "two rules have the id a"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: x\n    schema:\n"
                    + "      columns: {n: 'decimal(40,2)'}\n", "precision of 1 to 38"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.xml'}\n    dataset: x\n    format: xml\n",
                    "records"},
                new String[] {"rules: [\n", "not YAML"},
                new String[] {"rules:\n  - id: a\n    match: {file: '*.csv'}\n    dataset: x\n    dataset: y\n",
                    "dataset"},
                new String[] {"", "empty"});
        for (String[] c : cases) {
            Path file = rules(c[0]);
            assertThatThrownBy(() -> new DatasetRules(file.toString()).open()).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(DatasetRules.SETTING)
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> new DatasetRules(dir.resolve("missing.yaml").toString()).open())
                .hasMessageContaining(DatasetRules.SETTING).hasMessageContaining("does not exist");
    }

    @Test
    void anEditTakesEffectAtTheNextItemAndAnEditThatDoesNotHoldIsRefusedKeepingTheRulesBefore() throws Exception {
        Path file = rules("rules:\n  - id: first\n    match: {file: 'a*.csv'}\n    dataset: alpha\n");
        DatasetRules rules = new DatasetRules(file.toString()).open();
        assertThat(rules.match("a1.csv").dataset()).isEqualTo("alpha");

        edit(file, "rules:\n  - id: second\n    match: {file: 'a*.csv'}\n    dataset: beta\n");
        assertThat(rules.match("a1.csv").ruleId()).isEqualTo("second");
        assertThat(rules.match("a1.csv").dataset()).isEqualTo("beta");

        try (LogCapture log = LogCapture.attach()) {
            edit(file, "rules:\n  - id: Third\n    match: {file: 'a*.csv'}\n    dataset: gamma\n");
            assertThat(rules.match("a1.csv").dataset()).as("the rules before stay in force").isEqualTo("beta");
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains(DatasetRules.SETTING)
                    && l.contains("refused") && l.contains("id"));
        }
        Files.delete(file);
        assertThat(rules.match("a1.csv").dataset()).as("a file removed keeps the rules too").isEqualTo("beta");
    }

    @Test
    void noFileMeansNoRules() {
        DatasetRules rules = new DatasetRules("").open();
        assertThat(rules.rules()).isEmpty();
        assertThat(rules.match("orders_2026-11-30.csv").dataset()).as("each file its own table, as before rules")
                .startsWith("orders_2026_11_30_").isNotEqualTo(rules.match("orders_2026-12-01.csv").dataset());
        assertThat(rules.match("orders.csv").dataset()).isEqualTo("orders");
    }
}
