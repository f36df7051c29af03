package io.nimbusverse.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.convert.Decimals;
import io.nimbusverse.convert.TypedParquetWriter;

/**
 * A column of a source table and its Parquet type, from the JDBC metadata: the types keep their meaning (unsigned
 * BIGINT as DECIMAL(20,0), DECIMAL with its precision and scale, DATETIME as a local timestamp, TIME as a time).
 *
 * @param name     the column's name in the table
 * @param field    its name in Parquet: lower case letters, digits and underscores
 * @param nullable false for a NOT NULL column: a required field, which Parquet writes without null handling
 */
public record SqlColumn(String name, String field, Kind kind, String sqlType, int precision, int scale,
        boolean nullable) {

    private static final Pattern TIME_TEXT = Pattern.compile("(-)?(\\d{1,3}):\\d{2}:\\d{2}(\\.\\d{1,9})?");

    /** How a value travels. */
    public enum Kind { BOOLEAN, INT, LONG, DECIMAL, FLOAT, DOUBLE, DATE, TIMESTAMP, TIME, STRING, BYTES }

    /** A value that the column's type cannot hold: the row is quarantined. */
    public static final class BadValue extends Exception {
        public BadValue(String message) {
            super(message);
        }
    }

    static SqlColumn of(String name, String field, int jdbcType, String typeName, int precision, int scale,
            boolean signed, boolean nullable) {
        String type = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
        boolean unsigned = !signed || type.contains("UNSIGNED");
        Kind kind;
        int p = 0;
        int s = 0;
        switch (jdbcType) {
            case Types.BIT, Types.BOOLEAN -> kind = precision <= 1 ? Kind.BOOLEAN : Kind.BYTES;
            case Types.TINYINT, Types.SMALLINT -> kind = Kind.INT;
            case Types.INTEGER -> kind = unsigned ? Kind.LONG : Kind.INT;
            case Types.BIGINT -> {
                if (unsigned) {
                    kind = Kind.DECIMAL;
                    p = 20;
                } else {
                    kind = Kind.LONG;
                }
            }
            case Types.DECIMAL, Types.NUMERIC -> {
                if (precision > 0 && precision <= 38) {
                    kind = Kind.DECIMAL;
                    p = precision;
                    s = Math.max(0, scale);
                } else {
                    kind = Kind.STRING;
                }
            }
            case Types.REAL -> kind = Kind.FLOAT;
            case Types.FLOAT, Types.DOUBLE -> kind = Kind.DOUBLE;
            case Types.DATE -> kind = Kind.DATE;
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> kind = Kind.TIMESTAMP;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> kind = Kind.TIME;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> kind = Kind.BYTES;
            default -> kind = Kind.STRING;
        }
        return new SqlColumn(name, field, kind, typeName, p, s, nullable);
    }

    /** The column in Parquet, with its values dictionary-encoded or not. */
    public TypedParquetWriter.Field parquetField(boolean dictionary) {
        TypedParquetWriter.Kind parquet = switch (kind) {
            case BOOLEAN -> TypedParquetWriter.Kind.BOOLEAN;
            case INT -> TypedParquetWriter.Kind.INT32;
            case LONG -> TypedParquetWriter.Kind.INT64;
            case DECIMAL -> TypedParquetWriter.Kind.DECIMAL;
            case FLOAT -> TypedParquetWriter.Kind.FLOAT;
            case DOUBLE -> TypedParquetWriter.Kind.DOUBLE;
            case DATE -> TypedParquetWriter.Kind.DATE;
            case TIMESTAMP -> TypedParquetWriter.Kind.TIMESTAMP;
            case TIME -> TypedParquetWriter.Kind.TIME;
            case STRING -> TypedParquetWriter.Kind.STRING;
            case BYTES -> TypedParquetWriter.Kind.BYTES;
        };
        return new TypedParquetWriter.Field(field, parquet, precision, scale, nullable, dictionary);
    }

    /** The type name the manifest and the metadata use. */
    public String typeName() {
        return switch (kind) {
            case DECIMAL -> "decimal(" + precision + "," + scale + ")";
            case INT, LONG -> "long";
            case FLOAT, DOUBLE -> "double";
            case BYTES -> "binary";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The value as {@link TypedParquetWriter} takes it: a Boolean, a Long (integers; a decimal's unscaled value up to
     * 18 digits; days of a date; microseconds of a timestamp or a time), a Double (a float widened), or bytes (text
     * in UTF-8, binary, a wider decimal's fixed-length two's complement); null for NULL.
     */
    Object parquetValue(Object v) throws BadValue, SQLException {
        if (v == null) {
            if (!nullable) {
                // the column was made nullable between the poll and the read of its type: read them again
                throw new SQLException("column " + name + " was read as NOT NULL but holds a NULL: its table changed");
            }
            return null;
        }
        try {
            return switch (kind) {
                case BOOLEAN -> v instanceof Boolean b ? b : v instanceof byte[] bits ? bits.length > 0 && bits[0] != 0
                        : ((Number) v).intValue() != 0;
                case INT -> (long) Math.toIntExact(((Number) v).longValue());
                case LONG -> v instanceof BigInteger big ? big.longValueExact() : ((Number) v).longValue();
                case DECIMAL -> decimal(v);
                case FLOAT -> (double) ((Number) v).floatValue();
                case DOUBLE -> ((Number) v).doubleValue();
                case DATE -> localDate(v).toEpochDay();
                case TIMESTAMP -> micros(localDateTime(v));
                case TIME -> timeOfDay(v).toNanoOfDay() / 1_000;
                case STRING -> text(v).getBytes(StandardCharsets.UTF_8);
                case BYTES -> bytes(v);
            };
        } catch (ArithmeticException | ClassCastException | IllegalArgumentException e) {
            throw new BadValue("column " + name + " (" + sqlType + "): " + v + " (" + v.getClass().getSimpleName()
                    + ") does not fit " + typeName() + ": " + e.getMessage());
        }
    }

    private Object decimal(Object v) throws BadValue {
        BigDecimal number = v instanceof BigDecimal d ? d : v instanceof BigInteger i ? new BigDecimal(i)
                : new BigDecimal(v.toString());
        BigDecimal scaled = number.setScale(scale, RoundingMode.UNNECESSARY);
        if (scaled.precision() - scaled.scale() > precision - scale) {
            throw new BadValue("column " + name + ": " + v + " has more digits than " + typeName());
        }
        if (precision <= Decimals.LONG_DIGITS) {
            // the unscaled value without a BigInteger: a compact decimal of scale 0 gives its long as it is
            return scaled.scaleByPowerOfTen(scale).longValueExact();
        }
        byte[] fixed = new byte[Decimals.fixedBytes(precision)];
        Decimals.writeFixed(scaled.unscaledValue(), fixed.length, fixed, 0);
        return fixed;
    }

    private static LocalDate localDate(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof LocalDateTime t) {
            return t.toLocalDate();
        }
        throw new IllegalArgumentException("not a date");
    }

    private static LocalDateTime localDateTime(Object v) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        throw new IllegalArgumentException("not a timestamp");
    }

    /** MySQL's TIME spans -838:59:59 to 838:59:59; only a time of day fits Parquet's TIME. */
    private static LocalTime timeOfDay(Object v) {
        if (v instanceof LocalTime t) {
            return t;
        }
        if (v instanceof String text) {
            Matcher time = TIME_TEXT.matcher(text);
            if (!time.matches()) {
                throw new IllegalArgumentException("not a time");
            }
            if (time.group(1) != null || Integer.parseInt(time.group(2)) > 23) {
                throw new IllegalArgumentException("a duration beyond a time of day");
            }
            return LocalTime.parse((time.group(2).length() == 1 ? "0" : "") + text);
        }
        if (v instanceof Time t) {
            LocalTime local = t.toLocalTime();
            if (!Time.valueOf(local).equals(t)) {
                throw new IllegalArgumentException("a duration beyond a time of day");
            }
            return local;
        }
        throw new IllegalArgumentException("not a time");
    }

    private static long micros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }

    private static String text(Object v) throws SQLException {
        if (v instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return v.toString();
    }

    private static byte[] bytes(Object v) throws SQLException {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("not binary");
    }
}
