package io.nimbusverse.datasets;

import java.util.Map;

/**
 * What a rule says about the schema of its dataset.
 *
 * @param pinned     types fixed per column (by the column's final name)
 * @param evolution  what happens when a file does not fit the dataset's known schema
 * @param badValues  what happens to a value that does not fit its pinned type
 */
public record SchemaPolicy(Map<String, PinnedType> pinned, Evolution evolution, BadValues badValues) {

    public static final SchemaPolicy DEFAULT = new SchemaPolicy(Map.of(), Evolution.WIDEN, BadValues.QUARANTINE_ROWS);

    public SchemaPolicy {
        pinned = Map.copyOf(pinned);
    }

    /** A file whose columns or types differ from what its dataset loaded before. */
    public enum Evolution {
        /** a wider type, or a new column, is taken (the table gets the column) */
        WIDEN,
        /** the file is quarantined, naming the column and the line */
        FAIL,
        /** new columns are taken; a type the dataset had is kept, and a value that does not fit it is a bad value */
        ADD_COLUMNS
    }

    /** A value that does not fit its column's pinned (or kept) type. */
    public enum BadValues {
        /** its row goes to the item's rows-quarantine file with its line number; the rest of the file loads */
        QUARANTINE_ROWS,
        /** the whole file is quarantined */
        QUARANTINE_FILE
    }
}
