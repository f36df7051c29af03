package io.nimbusverse.datasets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.names.Datasets;

/**
 * One rule of the rules file: which inbox files it takes, and the dataset, table, partitioning and reading of them.
 *
 * @param id        the rule's name, reported with each item it took
 * @param folder    matched against the item's sub-folder of the inbox ({@code ""} directly in it); null matches any
 * @param file      matched against the item's file name; null matches any
 * @param dataset   the dataset name; {@code {1}}, {@code {2}}... are the capture groups (wildcards of a glob) of the
 *                  folder then the file match, {@code {name}} a named group
 * @param table     the table the rows load into, with the same references; null for the dataset's name
 * @param partition how the Parquet objects are laid out in S3
 * @param format    how the files are read
 * @param rename    column names given to headers (header as written in the file -> column name)
 */
public record DatasetRule(String id, Pattern folder, Pattern file, String dataset, String table, Partition partition,
        Format format, CsvDialect csv, Map<String, String> rename, SchemaPolicy schema, RecordOptions records) {

    private static final Pattern REFERENCE = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    public DatasetRule {
        rename = Map.copyOf(rename);
    }

    /**
     * S3 layout of the Parquet objects of a dataset.
     *
     * @param column the date or timestamp column whose day partitions the rows, for {@link Kind#COLUMN}
     */
    public record Partition(Kind kind, String column) {

        public static final Partition INGEST_DATE = new Partition(Kind.INGEST_DATE, null);
        public static final Partition NONE = new Partition(Kind.NONE, null);

        public enum Kind {
            /** {@code parquet/<dataset>/ingest_date=<yyyy-MM-dd>/...}: the batch's day */
            INGEST_DATE,
            /** {@code parquet/<dataset>/...} */
            NONE,
            /** {@code parquet/<dataset>/<column>=<yyyy-MM-dd>/...}: one object per day of the column's values */
            COLUMN
        }
    }

    /** How a file is read. */
    public enum Format {
        /** by its media type: delimited text becomes Parquet, anything else is described */
        AUTO,
        CSV,
        /** a JSON array of objects, or objects one after the other (NDJSON) */
        JSON,
        /** the elements named by {@link RecordOptions#element()} */
        XML
    }

    /**
     * The dataset and table for an item, or null when this rule does not take it.
     *
     * @param folderPath the item's sub-folder of the inbox, with {@code /} between names, empty directly in it
     */
    public DatasetMatch match(String folderPath, String fileName) {
        Matcher folderMatch = null;
        if (folder != null) {
            folderMatch = folder.matcher(folderPath);
            if (!folderMatch.matches()) {
                return null;
            }
        }
        Matcher fileMatch = null;
        if (file != null) {
            fileMatch = file.matcher(fileName);
            if (!fileMatch.matches()) {
                return null;
            }
        }
        List<Matcher> matches = new ArrayList<>();
        if (folderMatch != null) {
            matches.add(folderMatch);
        }
        if (fileMatch != null) {
            matches.add(fileMatch);
        }
        String datasetName = Datasets.of(expand(dataset, matches));
        String tableName = table == null ? datasetName : Datasets.of(expand(table, matches));
        return new DatasetMatch(this, datasetName, tableName);
    }

    /** The template with its group references replaced; a reference to no group is an error of the rule. */
    static String expand(String template, List<Matcher> matches) {
        Matcher reference = REFERENCE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            reference.appendReplacement(out, Matcher.quoteReplacement(group(reference.group(1), matches, template)));
        }
        reference.appendTail(out);
        return out.toString();
    }

    private static String group(String name, List<Matcher> matches, String template) {
        if (name.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(name);
            for (Matcher m : matches) {
                if (n <= m.groupCount()) {
                    return n == 0 ? m.group() : nullToEmpty(m.group(n));
                }
                n -= m.groupCount();
            }
            throw new IllegalArgumentException(template + " refers to group " + name + ", and the match has fewer");
        }
        for (Matcher m : matches) {
            if (namedGroups(m.pattern()).contains(name)) {
                return nullToEmpty(m.group(name));
            }
        }
        throw new IllegalArgumentException(template + " refers to a group named " + name + " that the match lacks");
    }

    /** The names of a pattern's named groups ({@code (?<name>...)}). */
    static Set<String> namedGroups(Pattern pattern) {
        Set<String> names = new HashSet<>();
        Matcher named = NAMED_GROUP.matcher(pattern.pattern());
        while (named.find()) {
            names.add(named.group(1));
        }
        return names;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Counts the groups the patterns offer, to check a template when the rules are read. */
    void checkReferences() {
        int groups = (folder == null ? 0 : folder.matcher("").groupCount())
                + (file == null ? 0 : file.matcher("").groupCount());
        Set<String> named = new HashSet<>();
        for (Pattern pattern : new Pattern[] {folder, file}) {
            if (pattern != null) {
                named.addAll(namedGroups(pattern));
            }
        }
        for (String template : table == null ? List.of(dataset) : List.of(dataset, table)) {
            Matcher reference = REFERENCE.matcher(template);
            while (reference.find()) {
                String name = reference.group(1);
                boolean known = name.chars().allMatch(Character::isDigit) ? Integer.parseInt(name) <= groups
                        : named.contains(name);
                if (!known) {
                    throw new IllegalArgumentException("rule " + id + ": " + template + " refers to {" + name
                            + "}, which its match does not capture");
                }
            }
        }
    }
}
