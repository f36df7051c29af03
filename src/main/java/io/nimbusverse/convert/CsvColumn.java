package io.nimbusverse.convert;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A column of a CSV file as it goes to Parquet and to the loader's table.
 *
 * @param header    the name in the file's header line
 * @param name      the header made safe for Parquet and SQL: lower case letters, digits and underscores
 * @param precision digits of a DECIMAL, 0 otherwise
 * @param scale     digits after the point of a DECIMAL, 0 otherwise
 * @param nullable  whether an empty value was seen
 */
public record CsvColumn(String header, String name, ColumnType type, int precision, int scale, boolean nullable) {

    /** The type as the manifest writes it: long, double, decimal(p,s), boolean, date, timestamp, timestamp_tz, string. */
    public String typeName() {
        return switch (type) {
            case DECIMAL -> "decimal(" + precision + "," + scale + ")";
            case NONE, STRING -> "string";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    public CsvColumn withType(ColumnType newType, int newPrecision, int newScale) {
        return new CsvColumn(header, name, newType, newPrecision, newScale, nullable);
    }

    public CsvColumn withNullable(boolean newNullable) {
        return new CsvColumn(header, name, type, precision, scale, newNullable);
    }

    /** Safe, unique column names for the headers of one file. */
    public static List<String> safeNames(List<String> headers) {
        List<String> names = new ArrayList<>(headers.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            String base = headers.get(i).trim().toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "_")
                    .replaceAll("^_+|_+$", "");
            if (base.isEmpty()) {
                base = "column_" + (i + 1);
            } else if (Character.isDigit(base.charAt(0))) {
                base = "c_" + base;
            }
            String name = base;
            for (int n = 2; !taken.add(name); n++) {
                name = base + "_" + n;
            }
            names.add(name);
        }
        return names;
    }
}
