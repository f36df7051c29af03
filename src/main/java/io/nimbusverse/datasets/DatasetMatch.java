package io.nimbusverse.datasets;

/**
 * The rule that took an item, with the dataset and table it gave it; {@code rule} is null for a file no rule takes,
 * which keeps the default behaviour (its name without extension is its dataset and table).
 */
public record DatasetMatch(DatasetRule rule, String dataset, String table) {

    public String ruleId() {
        return rule == null ? null : rule.id();
    }

    public DatasetRule.Format format() {
        return rule == null ? DatasetRule.Format.AUTO : rule.format();
    }

    public CsvDialect csv() {
        return rule == null ? CsvDialect.DEFAULT : rule.csv();
    }

    public SchemaPolicy schema() {
        return rule == null ? SchemaPolicy.DEFAULT : rule.schema();
    }

    public DatasetRule.Partition partition() {
        return rule == null ? DatasetRule.Partition.INGEST_DATE : rule.partition();
    }
}
