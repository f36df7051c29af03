package io.nimbusverse.convert;

/**
 * The types a CSV column can be inferred to. NONE is a column that held only nulls so far.
 * TIMESTAMP is a local date-time (no zone in the text); TIMESTAMP_TZ an instant (every value had Z or an offset).
 */
public enum ColumnType {
    NONE, BOOLEAN, LONG, DECIMAL, DOUBLE, DATE, TIMESTAMP, TIMESTAMP_TZ, STRING;

    /** The narrowest type that holds values of both types. */
    public ColumnType join(ColumnType other) {
        if (this == other || other == NONE) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        if (isNumeric() && other.isNumeric()) {
            if (this == DOUBLE || other == DOUBLE) {
                return DOUBLE;
            }
            return DECIMAL;
        }
        if ((this == DATE && other == TIMESTAMP) || (this == TIMESTAMP && other == DATE)) {
            return TIMESTAMP;
        }
        return STRING;
    }

    public boolean isNumeric() {
        return this == LONG || this == DECIMAL || this == DOUBLE;
    }
}
