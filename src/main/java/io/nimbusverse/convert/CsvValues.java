package io.nimbusverse.convert;

import java.lang.invoke.MethodHandles;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * Reads typed values straight from the parser's byte buffer (UTF-8), without making a String of each field.
 * The {@code parse*} methods throw {@link #MISMATCH} when the text is not of the expected type; {@link #shape}
 * says what type it is then.
 */
final class CsvValues {

    /** Thrown by the parse methods; preallocated because a mismatch is an expected outcome, not a bug. */
    static final IllegalArgumentException MISMATCH = new IllegalArgumentException("value does not match the type") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private static final long DAYS_0000_TO_1970 = 719_528L;
    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    static final int MAX_LONG_DECIMAL_PRECISION = Decimals.LONG_DIGITS;
    static final int MAX_DECIMAL_PRECISION = Decimals.MAX_PRECISION;
    private static final ThreadLocal<char[]> DOUBLE_CHARS = ThreadLocal.withInitial(() -> new char[32]);

    private CsvValues() {
    }

    /** What a value looks like, with the digits before and after the point for numbers. */
    record Shape(ColumnType type, int integerDigits, int scale) {
        static final Shape STRING = new Shape(ColumnType.STRING, 0, 0);
        static final Shape NULL = new Shape(ColumnType.NONE, 0, 0);
    }

    static Shape shape(byte[] b, int off, int len) {
        if (len == 0) {
            return Shape.NULL;
        }
        if (isBoolean(b, off, len)) {
            return new Shape(ColumnType.BOOLEAN, 0, 0);
        }
        Shape number = numberShape(b, off, len);
        if (number != null) {
            return number;
        }
        if (len == 10) {
            try {
                parseDate(b, off, len);
                return new Shape(ColumnType.DATE, 0, 0);
            } catch (IllegalArgumentException e) {
                return Shape.STRING;
            }
        }
        if (len >= 16) {
            try {
                boolean zoned = hasZone(b, off, len);
                parseTimestampMicros(b, off, len, zoned);
                return new Shape(zoned ? ColumnType.TIMESTAMP_TZ : ColumnType.TIMESTAMP, 0, 0);
            } catch (IllegalArgumentException e) {
                return Shape.STRING;
            }
        }
        return Shape.STRING;
    }

    private static boolean isBoolean(byte[] b, int off, int len) {
        return isTrue(b, off, len) || isFalse(b, off, len);
    }

    private static Shape numberShape(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        if (b[i] == '-' || b[i] == '+') {
            i++;
        }
        if (i == end) {
            return null;
        }
        if (isSpecialDouble(b, i, end - i)) {
            return new Shape(ColumnType.DOUBLE, 0, 0);
        }
        int intStart = i;
        while (i < end && isDigit(b[i])) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits > 1 && b[intStart] == '0') {
            return null; // a leading zero is an identifier such as a postal code, not a number
        }
        if (i == end) {
            if (intDigits == 0) {
                return null;
            }
            if (intDigits <= MAX_LONG_DECIMAL_PRECISION + 1 && fitsLong(b, off, len)) {
                return new Shape(ColumnType.LONG, intDigits, 0);
            }
            // too long for a long: a DECIMAL of scale 0 while a DECIMAL holds it, else text
            return intDigits <= MAX_DECIMAL_PRECISION ? new Shape(ColumnType.DECIMAL, intDigits, 0) : null;
        }
        int scale = 0;
        if (b[i] == '.') {
            i++;
            int fracStart = i;
            while (i < end && isDigit(b[i])) {
                i++;
            }
            scale = i - fracStart;
            if (intDigits == 0 && scale == 0) {
                return null;
            }
        }
        if (i == end) {
            int precision = Math.max(1, intDigits + scale);
            if (precision <= MAX_DECIMAL_PRECISION) {
                return new Shape(ColumnType.DECIMAL, intDigits, scale);
            }
            return null; // more digits than a DECIMAL holds: kept as text, never rounded into a double
        }
        if ((b[i] == 'e' || b[i] == 'E') && (intDigits > 0 || scale > 0)) {
            i++;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int expStart = i;
            while (i < end && isDigit(b[i])) {
                i++;
            }
            if (i == end && i > expStart) {
                return new Shape(ColumnType.DOUBLE, 0, 0);
            }
        }
        return null;
    }

    private static boolean fitsLong(byte[] b, int off, int len) {
        try {
            parseLong(b, off, len);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean parseBoolean(byte[] b, int off, int len) {
        if (isTrue(b, off, len)) {
            return true;
        }
        if (isFalse(b, off, len)) {
            return false;
        }
        throw MISMATCH;
    }

    /** true, True, TRUE... (ASCII letters compared with their lower-case bit set) */
    private static boolean isTrue(byte[] b, int off, int len) {
        return len == 4 && (b[off] | 0x20) == 't' && (b[off + 1] | 0x20) == 'r' && (b[off + 2] | 0x20) == 'u'
                && (b[off + 3] | 0x20) == 'e';
    }

    private static boolean isFalse(byte[] b, int off, int len) {
        return len == 5 && (b[off] | 0x20) == 'f' && (b[off + 1] | 0x20) == 'a' && (b[off + 2] | 0x20) == 'l'
                && (b[off + 3] | 0x20) == 's' && (b[off + 4] | 0x20) == 'e';
    }

    static long parseLong(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (len > 0 && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        int digits = end - i;
        if (digits == 0 || digits > 19 || (digits > 1 && b[i] == '0')) {
            throw MISMATCH;
        }
        if (digits <= 18) {
            // cannot overflow: no check per digit
            long value = 0;
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    throw MISMATCH;
                }
                value = value * 10 + d;
            }
            return negative ? -value : value;
        }
        long value = 0;
        for (; i < end; i++) {
            byte c = b[i];
            if (!isDigit(c)) {
                throw MISMATCH;
            }
            // accumulate negatively so that Long.MIN_VALUE fits
            long next = value * 10 - (c - '0');
            if (value < Long.MIN_VALUE / 10 || next > value) {
                throw MISMATCH;
            }
            value = next;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw MISMATCH;
            }
            return -value;
        }
        return value;
    }

    /** The unscaled value of a decimal of the given scale: "12.5" at scale 2 is 1250. */
    static long parseUnscaled(byte[] b, int off, int len, int precision, int scale) {
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (len > 0 && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        int intStart = i;
        long value = 0;
        while (i < end && isDigit(b[i])) {
            value = value * 10 + (b[i] - '0');
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits > 1 && b[intStart] == '0') {
            throw MISMATCH;
        }
        int fracDigits = 0;
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && isDigit(b[i])) {
                if (++fracDigits > scale) {
                    throw MISMATCH;
                }
                value = value * 10 + (b[i] - '0');
                i++;
            }
        }
        if (i != end || (intDigits == 0 && fracDigits == 0) || intDigits > precision - scale) {
            throw MISMATCH;
        }
        for (int pad = fracDigits; pad < scale; pad++) {
            value *= 10;
        }
        return negative ? -value : value;
    }

    /**
     * The unscaled value of a decimal of more digits than a long holds, checked against the precision and scale:
     * "-12.5" at scale 3 is -12500. Only digits, one point and a sign are taken (no exponent).
     */
    static BigInteger parseWideUnscaled(byte[] b, int off, int len, int precision, int scale) {
        Shape shape = len == 0 ? null : numberShape(b, off, len);
        if (shape == null || (shape.type() != ColumnType.LONG && shape.type() != ColumnType.DECIMAL)
                || shape.scale() > scale || shape.integerDigits() > precision - scale) {
            throw MISMATCH;
        }
        return new BigDecimal(new String(b, off, len, StandardCharsets.US_ASCII)).setScale(scale).unscaledValue();
    }

    static double parseDouble(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (len > 0 && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int exponent = 0;
        boolean any = false;
        while (i < end && isDigit(b[i])) {
            any = true;
            if (digits < 18) {
                mantissa = mantissa * 10 + (b[i] - '0');
                if (mantissa > 0) {
                    digits++;
                }
            } else {
                exponent++;
            }
            i++;
        }
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && isDigit(b[i])) {
                any = true;
                if (digits < 18) {
                    mantissa = mantissa * 10 + (b[i] - '0');
                    if (mantissa > 0) {
                        digits++;
                    }
                    exponent--;
                }
                i++;
            }
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E') && any) {
            i++;
            boolean negExp = false;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                negExp = b[i] == '-';
                i++;
            }
            int exp = 0;
            int expStart = i;
            while (i < end && isDigit(b[i])) {
                exp = Math.min(exp * 10 + (b[i] - '0'), 100_000);
                i++;
            }
            if (i == expStart) {
                throw MISMATCH;
            }
            exponent += negExp ? -exp : exp;
        }
        if (i != end || !any) {
            if (isSpecialDouble(b, negative ? off + 1 : off, negative ? len - 1 : len)) {
                return slowDouble(b, off, len);
            }
            throw MISMATCH;
        }
        // Clinger's fast path: both operands are exact doubles, so one multiplication or division rounds correctly
        if (mantissa < (1L << 53) && exponent >= -22 && exponent <= 22 && digits <= 15) {
            double value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
            return negative ? -value : value;
        }
        return slowDouble(b, off, len);
    }

    /** Jackson's fast double parser (FastDoubleParser) for what the exact fast path above cannot take. */
    private static double slowDouble(byte[] b, int off, int len) {
        char[] chars = DOUBLE_CHARS.get();
        if (chars.length < len) {
            chars = new char[len];
            DOUBLE_CHARS.set(chars);
        }
        for (int i = 0; i < len; i++) {
            chars[i] = (char) b[off + i];
        }
        return NumberInput.parseDouble(chars, 0, len, true);
    }

    /** Days since 1970-01-01 of a yyyy-MM-dd date. */
    static int parseDate(byte[] b, int off, int len) {
        if (len != 10 || b[off + 4] != '-' || b[off + 7] != '-') {
            throw MISMATCH;
        }
        int year = digits(b, off, 4);
        int month = digits(b, off + 5, 2);
        int day = digits(b, off + 8, 2);
        return (int) epochDay(year, month, day);
    }

    /**
     * Microseconds since the epoch of {@code yyyy-MM-dd[T ]HH:mm[:ss[.fraction]]} with, when {@code zoned},
     * a trailing {@code Z} or {@code +HH:mm}/{@code +HHmm}/{@code +HH} offset (the result is then UTC). A local
     * timestamp column also takes a bare date, as its midnight.
     */
    static long parseTimestampMicros(byte[] b, int off, int len, boolean zoned) {
        if (len == 10 && !zoned) {
            return parseDate(b, off, len) * MICROS_PER_DAY;
        }
        if (len < 16 || b[off + 4] != '-' || b[off + 7] != '-' || (b[off + 10] != 'T' && b[off + 10] != ' ')
                || b[off + 13] != ':') {
            throw MISMATCH;
        }
        long day = epochDay(digits(b, off, 4), digits(b, off + 5, 2), digits(b, off + 8, 2));
        int hour = digits(b, off + 11, 2);
        int minute = digits(b, off + 14, 2);
        int second = 0;
        long micros = 0;
        int i = off + 16;
        int end = off + len;
        if (i < end && b[i] == ':') {
            second = digits(b, i + 1, 2);
            i += 3;
            if (i < end && b[i] == '.') {
                i++;
                int fracStart = i;
                while (i < end && isDigit(b[i])) {
                    if (i - fracStart < 6) {
                        micros = micros * 10 + (b[i] - '0');
                    }
                    i++;
                }
                int fracDigits = i - fracStart;
                if (fracDigits == 0 || fracDigits > 9) {
                    throw MISMATCH;
                }
                for (int pad = fracDigits; pad < 6; pad++) {
                    micros *= 10;
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 59) {
            throw MISMATCH;
        }
        long offsetSeconds = 0;
        if (zoned) {
            if (i == end) {
                throw MISMATCH;
            }
            if (b[i] == 'Z' && i + 1 == end) {
                i++;
            } else if (b[i] == '+' || b[i] == '-') {
                int sign = b[i] == '-' ? -1 : 1;
                int rest = end - i - 1;
                int oh;
                int om = 0;
                if (rest == 2) {
                    oh = digits(b, i + 1, 2);
                } else if (rest == 4) {
                    oh = digits(b, i + 1, 2);
                    om = digits(b, i + 3, 2);
                } else if (rest == 5 && b[i + 3] == ':') {
                    oh = digits(b, i + 1, 2);
                    om = digits(b, i + 4, 2);
                } else {
                    throw MISMATCH;
                }
                if (oh > 18 || om > 59) {
                    throw MISMATCH;
                }
                offsetSeconds = sign * (oh * 3600L + om * 60L);
                i = end;
            } else {
                throw MISMATCH;
            }
        }
        if (i != end) {
            throw MISMATCH;
        }
        return day * MICROS_PER_DAY + (hour * 3600L + minute * 60L + second - offsetSeconds) * 1_000_000L + micros;
    }

    static boolean hasZone(byte[] b, int off, int len) {
        byte last = b[off + len - 1];
        if (last == 'Z') {
            return true;
        }
        // an offset starts at the first + or - after the time part
        for (int i = off + 16; i < off + len; i++) {
            if (b[i] == '+' || b[i] == '-') {
                return true;
            }
        }
        return false;
    }

    static long epochDay(int year, int month, int day) {
        if (month < 1 || month > 12 || day < 1) {
            throw MISMATCH;
        }
        boolean leap = isLeap(year);
        if (day > (month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) {
            throw MISMATCH;
        }
        long y = year;
        long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += DAYS_BEFORE_MONTH[month - 1] + (month > 2 && leap ? 1 : 0) + day - 1;
        return total - DAYS_0000_TO_1970;
    }

    private static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int digits(byte[] b, int off, int count) {
        if (count == 2) {
            int tens = b[off] - '0';
            int units = b[off + 1] - '0';
            // one test for both: a non-digit makes one of them negative or above 9
            if ((tens | units) < 0 || tens > 9 || units > 9) {
                throw MISMATCH;
            }
            return tens * 10 + units;
        }
        int value = 0;
        for (int i = off; i < off + count; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw MISMATCH;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Whether the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). */
    static boolean isUtf8(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i + 8 <= end && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
            i += 8;
        }
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + need >= end) {
                return false;
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    private static boolean isSpecialDouble(byte[] b, int off, int len) {
        return (len == 3 && b[off] == 'N' && b[off + 1] == 'a' && b[off + 2] == 'N')
                || (len == 8 && new String(b, off, len, StandardCharsets.ISO_8859_1).equals("Infinity"));
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

}
