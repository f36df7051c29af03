package io.nimbusverse.datasets;

/**
 * How JSON and XML records become rows.
 *
 * @param element the XML element each record is (its child elements and attributes are the columns)
 * @param nested  what a nested object becomes
 */
public record RecordOptions(String element, Nested nested) {

    public static final RecordOptions DEFAULT = new RecordOptions(null, Nested.FLATTEN);

    public enum Nested {
        /** its fields become columns named {@code parent_child} */
        FLATTEN,
        /** it is kept as one column of JSON text */
        JSON
    }
}
