package io.nimbusverse.datasets;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.convert.Decimals;

/**
 * A column type a rule fixes instead of inferring it.
 *
 * @param type      string, long, double, boolean, date, timestamp, timestamp_tz or decimal
 * @param precision digits of a decimal (1 to 38)
 * @param scale     digits after the point of a decimal
 * @param format    the pattern of a date or timestamp ({@link DateTimeFormatter}), or null for ISO 8601
 */
public record PinnedType(String type, int precision, int scale, String format) {

    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");
    public static final int MAX_PRECISION = Decimals.MAX_PRECISION;

    /** Parses a type as the rules file writes it: {@code long}, {@code decimal(38,10)}, ... */
    public static PinnedType of(String text, String format) {
        String type = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            if (precision < 1 || precision > MAX_PRECISION || scale > precision) {
                throw new IllegalArgumentException("decimal(" + precision + "," + scale + ") needs a precision of 1 to "
                        + MAX_PRECISION + " and a scale of at most the precision");
            }
            return new PinnedType("decimal", precision, scale, null);
        }
        if (format != null && !type.equals("date") && !type.equals("timestamp") && !type.equals("timestamp_tz")) {
            throw new IllegalArgumentException("a format is for date and timestamp columns, not for " + type);
        }
        if (format != null) {
            DateTimeFormatter.ofPattern(format, Locale.ROOT);
        }
        return new PinnedType(type, 0, 0, format);
    }
}
