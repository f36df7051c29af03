package io.nimbusverse.datasets;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Set;

/**
 * How a rule's CSV files are written.
 *
 * @param delimiter         the field delimiter, or null to sniff it among {@code , ; tab |} from the first lines
 * @param quote             the quote character
 * @param escape            the character that escapes a quote inside a quoted field (the quote itself: RFC 4180)
 * @param header            whether the first record names the columns
 * @param columns           the column names of a file without header (optional with a header: they replace its names)
 * @param encoding          the file's encoding, or null to detect it ({@link Encodings})
 * @param nullValues        texts read as null besides the empty unquoted field; null for nimbus.convert.csv.null-values
 * @param quotedEmptyIsNull whether {@code ""} is null too, instead of an empty text
 */
public record CsvDialect(Character delimiter, char quote, char escape, boolean header, List<String> columns,
        Charset encoding, Set<String> nullValues, boolean quotedEmptyIsNull) {

    /** A file no rule describes: sniffed delimiter, RFC 4180 quotes, a header, detected encoding. */
    public static final CsvDialect DEFAULT = new CsvDialect(null, '"', '"', true, List.of(), null, null, false);

    public CsvDialect {
        columns = List.copyOf(columns);
        nullValues = nullValues == null ? null : Set.copyOf(nullValues);
    }

    public Set<String> nullValuesOr(Set<String> global) {
        return nullValues == null ? global : nullValues;
    }
}
