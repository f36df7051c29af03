package io.nimbusverse.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
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
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * A column of a source table and its Avro type, from the JDBC metadata: the types keep their meaning (unsigned
 * BIGINT as DECIMAL(20,0), DECIMAL with its precision and scale, DATETIME as a local timestamp, TIME as a time).
 *
 * @param name     the column's name in the table
 * @param field    its name in Avro and Parquet: lower case letters, digits and underscores
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

    /** The Avro type of the column's values: a union with null unless the column is NOT NULL. */
    Schema avroSchema() {
        Schema value = switch (kind) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case INT -> Schema.create(Schema.Type.INT);
            case LONG -> Schema.create(Schema.Type.LONG);
            // up to 18 digits the bytes of the unscaled value; beyond, the fixed length the Parquet spec asks for
            case DECIMAL -> LogicalTypes.decimal(precision, scale).addToSchema(precision <= Decimals.LONG_DIGITS
                    ? Schema.create(Schema.Type.BYTES) : Schema.createFixed("decimal_" + field, null, null,
                            Decimals.fixedBytes(precision)));
            case FLOAT -> Schema.create(Schema.Type.FLOAT);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIMESTAMP -> LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIME -> LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case STRING -> Schema.create(Schema.Type.STRING);
            case BYTES -> Schema.create(Schema.Type.BYTES);
        };
        return nullable ? Schema.createUnion(Schema.create(Schema.Type.NULL), value) : value;
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

    /** The value as Avro's generic data model holds it (no logical type conversions). */
    Object avroValue(Object v) throws BadValue, SQLException {
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
                case INT -> Math.toIntExact(((Number) v).longValue());
                case LONG -> v instanceof BigInteger big ? big.longValueExact() : ((Number) v).longValue();
                case DECIMAL -> decimal(v);
                case FLOAT -> ((Number) v).floatValue();
                case DOUBLE -> ((Number) v).doubleValue();
                case DATE -> (int) localDate(v).toEpochDay();
                case TIMESTAMP -> micros(localDateTime(v));
                case TIME -> timeOfDay(v).toNanoOfDay() / 1_000;
                case STRING -> text(v);
                case BYTES -> ByteBuffer.wrap(bytes(v));
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
            return ByteBuffer.wrap(scaled.unscaledValue().toByteArray());
        }
        byte[] fixed = new byte[Decimals.fixedBytes(precision)];
        Decimals.writeFixed(scaled.unscaledValue(), fixed.length, fixed, 0);
        // the writer takes the bytes; the schema a fixed value carries is not read again
        return new GenericData.Fixed(null, fixed);
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
