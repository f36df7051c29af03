package io.nimbusverse.convert;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A column of a CSV file as it goes to Parquet and to the loader's table.
 *
 * @param header    the name in the file's header line
 * @param name      the header made safe for Parquet and SQL: lower case letters, digits and underscores
 * @param precision digits of a DECIMAL, 0 otherwise
 * @param scale     digits after the point of a DECIMAL, 0 otherwise
 * @param nullable  whether an empty value was seen
 * @param fit       what a value that does not fit the type does
 * @param format    the pattern of a date or timestamp column's values ({@link java.time.format.DateTimeFormatter}),
 *                  null for ISO 8601
 */
public record CsvColumn(String header, String name, ColumnType type, int precision, int scale, boolean nullable,
        Fit fit, String format) {

    /** What a value that does not fit its column's type does. */
    public enum Fit {
        /** widens the column (the file is read again with the wider type) */
        INFERRED,
        /** the type is given: the value's row is a bad row (the rows-quarantine file, or the file quarantined) */
        PINNED,
        /** the dataset's schema may not change: the file is quarantined naming the column and the line */
        STRICT
    }

    public CsvColumn(String header, String name, ColumnType type, int precision, int scale, boolean nullable) {
        this(header, name, type, precision, scale, nullable, Fit.INFERRED, null);
    }

    /**
     * Decimals of more digits than a long holds: written as FIXED_LEN_BYTE_ARRAY; a batch keeps their fixed-length
     * bytes in its text storage.
     */
    public boolean isWideDecimal() {
        return type == ColumnType.DECIMAL && precision > CsvValues.MAX_LONG_DECIMAL_PRECISION;
    }

    /** The column of this name and type as the manifest writes it ({@link #typeName()}). */
    public static CsvColumn ofTypeName(String name, String typeName, boolean nullable) {
        String t = typeName.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("decimal(")) {
            String[] ps = t.substring(8, t.length() - 1).split(",");
            return new CsvColumn(name, name, ColumnType.DECIMAL, Integer.parseInt(ps[0].trim()),
                    Integer.parseInt(ps[1].trim()), nullable);
        }
        ColumnType type = switch (t) {
            case "long" -> ColumnType.LONG;
            case "double" -> ColumnType.DOUBLE;
            case "boolean" -> ColumnType.BOOLEAN;
            case "date" -> ColumnType.DATE;
            case "timestamp" -> ColumnType.TIMESTAMP;
            case "timestamp_tz" -> ColumnType.TIMESTAMP_TZ;
            default -> ColumnType.STRING;
        };
        return new CsvColumn(name, name, type, type == ColumnType.LONG ? 19 : 0, 0, nullable);
    }

    /** The type as the manifest writes it: long, double, decimal(p,s), boolean, date, timestamp, timestamp_tz, string. */
    public String typeName() {
        return switch (type) {
            case DECIMAL -> "decimal(" + precision + "," + scale + ")";
            case NONE, STRING -> "string";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    public CsvColumn withType(ColumnType newType, int newPrecision, int newScale) {
        return new CsvColumn(header, name, newType, newPrecision, newScale, nullable, fit, format);
    }

    public CsvColumn withNullable(boolean newNullable) {
        return new CsvColumn(header, name, type, precision, scale, newNullable, fit, format);
    }

    public CsvColumn withFit(Fit newFit, String newFormat) {
        return new CsvColumn(header, name, type, precision, scale, nullable, newFit, newFormat);
    }

    /** Safe, unique column names for the headers of one file. */
    public static List<String> safeNames(List<String> headers) {
        return safeNames(headers, Map.of());
    }

    /**
     * Unique column names for the headers of one file: the name {@code renames} gives a header, else the header made
     * safe for Parquet and SQL (lower case letters, digits and underscores; a leading digit gets {@code c_}, an empty
     * header is {@code column_<n>}); a name taken already gets {@code _2}, {@code _3}...
     */
    public static List<String> safeNames(List<String> headers, Map<String, String> renames) {
        List<String> names = new ArrayList<>(headers.size());
        Set<String> taken = new HashSet<>(renames.values());
        for (int i = 0; i < headers.size(); i++) {
            String given = renames.get(headers.get(i));
            if (given != null) {
                names.add(given);
                continue;
            }
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
