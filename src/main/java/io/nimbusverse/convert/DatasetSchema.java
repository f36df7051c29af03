package io.nimbusverse.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nimbusverse.datasets.PinnedType;
import io.nimbusverse.datasets.SchemaPolicy;

/**
 * Settles the columns a file is written with, from what its profile inferred, the types its rule pins and the schema
 * its dataset has so far, by the rule's evolution policy; and merges a converted file's columns into that schema.
 */
final class DatasetSchema {

    private DatasetSchema() {
    }

    /**
     * The columns to write: a pinned column gets its type (a value that does not fit is a bad value); a column the
     * dataset knows starts from the dataset's type, widened further by this file (widen), kept (add-columns: a value
     * that does not fit is a bad value) or kept strictly (fail: the file is quarantined); with fail, a file whose
     * columns differ from the dataset's is quarantined.
     */
    static List<CsvColumn> settle(List<CsvColumn> profiled, SchemaPolicy policy, List<CsvColumn> known)
            throws MalformedFileException {
        Map<String, CsvColumn> knownByName = new LinkedHashMap<>();
        known.forEach(c -> knownByName.put(c.name(), c));
        if (policy.evolution() == SchemaPolicy.Evolution.FAIL && !known.isEmpty()) {
            List<String> names = profiled.stream().map(CsvColumn::name).toList();
            for (CsvColumn column : profiled) {
                if (!knownByName.containsKey(column.name())) {
                    throw new MalformedFileException("line 1: column " + column.name() + " (header " + column.header()
                            + ") is not in the dataset's schema, and its rule's evolution is fail");
                }
            }
            for (String name : knownByName.keySet()) {
                if (!names.contains(name)) {
                    throw new MalformedFileException("line 1: column " + name + " of the dataset's schema is missing "
                            + "from the file, and its rule's evolution is fail");
                }
            }
        }
        List<CsvColumn> settled = new ArrayList<>(profiled.size());
        for (CsvColumn column : profiled) {
            PinnedType pinned = policy.pinned().get(column.name());
            CsvColumn before = knownByName.get(column.name());
            if (pinned != null) {
                settled.add(typed(column, pinned).withFit(CsvColumn.Fit.PINNED, pinned.format()));
            } else if (before == null) {
                settled.add(column);
            } else {
                settled.add(switch (policy.evolution()) {
                    case WIDEN -> merge(column, before);
                    case ADD_COLUMNS -> column.withType(before.type(), before.precision(), before.scale())
                            .withFit(CsvColumn.Fit.PINNED, null);
                    case FAIL -> column.withType(before.type(), before.precision(), before.scale())
                            .withFit(CsvColumn.Fit.STRICT, null);
                });
            }
        }
        return settled;
    }

    /** The column widened to hold the other's values too. */
    static CsvColumn merge(CsvColumn column, CsvColumn other) {
        if (other.type() == ColumnType.NONE) {
            return column;
        }
        int integerDigits = other.type() == ColumnType.LONG ? other.precision() : other.precision() - other.scale();
        CsvColumn merged = CsvToParquet.widen(column, new CsvValues.Shape(other.type(), integerDigits, other.scale()));
        return merged.withNullable(column.nullable());
    }

    /** The dataset's schema once a file with these columns was converted: new columns added, types widened. */
    static List<CsvColumn> grown(List<CsvColumn> known, List<CsvColumn> converted) {
        Map<String, CsvColumn> schema = new LinkedHashMap<>();
        known.forEach(c -> schema.put(c.name(), c));
        for (CsvColumn column : converted) {
            CsvColumn plain = new CsvColumn(column.name(), column.name(), column.type(), column.precision(),
                    column.scale(), column.nullable());
            schema.merge(column.name(), plain, (was, now) -> merge(was, now).withNullable(was.nullable()
                    || now.nullable()));
        }
        return List.copyOf(schema.values());
    }

    private static CsvColumn typed(CsvColumn column, PinnedType pinned) {
        return switch (pinned.type()) {
            case "long" -> column.withType(ColumnType.LONG, 19, 0);
            case "double" -> column.withType(ColumnType.DOUBLE, 0, 0);
            case "boolean" -> column.withType(ColumnType.BOOLEAN, 0, 0);
            case "date" -> column.withType(ColumnType.DATE, 0, 0);
            case "timestamp" -> column.withType(ColumnType.TIMESTAMP, 0, 0);
            case "timestamp_tz" -> column.withType(ColumnType.TIMESTAMP_TZ, 0, 0);
            case "decimal" -> column.withType(ColumnType.DECIMAL, pinned.precision(), pinned.scale());
            default -> column.withType(ColumnType.STRING, 0, 0);
        };
    }
}
