package io.nimbusverse.ledger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One ledger row as one CSV line: RFC 4180 quoting, and inside values a backslash, a line feed and a carriage
 * return written as {@code \\}, {@code \n} and {@code \r}, so that every value (a file name with a line break) reads
 * back exactly and a row stays one line.
 */
final class LedgerCsv {

    /** Columns of a row: those of {@link Ledger#HEADER}. */
    static final int FIELDS = 12;

    private LedgerCsv() {
    }

    static String format(LedgerEntry e) {
        StringBuilder line = new StringBuilder(160);
        field(line, e.key()).append(',');
        field(line, e.source()).append(',');
        field(line, e.name()).append(',');
        line.append(e.size()).append(',');
        field(line, e.mediaType()).append(',');
        field(line, e.itemClass()).append(',');
        line.append(e.status().name()).append(',');
        field(line, e.batchId()).append(',');
        line.append(e.claimedAt()).append(',');
        line.append(e.updatedAt()).append(',');
        field(line, e.s3Key()).append(',');
        field(line, e.detail());
        return line.toString();
    }

    static Optional<LedgerEntry> parse(String line, int expectedFields) {
        List<String> f = split(line);
        if (f == null || f.size() != expectedFields) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LedgerEntry(unescape(f.get(0)), unescape(f.get(1)), unescape(f.get(2)),
                    Long.parseLong(f.get(3)), unescape(f.get(4)), unescape(f.get(5)), ItemStatus.valueOf(f.get(6)),
                    unescape(f.get(7)), Instant.parse(f.get(8)), Instant.parse(f.get(9)), unescape(f.get(10)),
                    unescape(f.get(11))));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static StringBuilder field(StringBuilder line, String value) {
        String v = value == null ? "" : escape(value);
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0) {
            return line.append(v);
        }
        return line.append('"').append(v.replace("\"", "\"\"")).append('"');
    }

    /** What the ledger keeps of a row in memory. */
    record Head(String key, ItemStatus status, String batchId) {
    }

    /** The key, status and batch of a row without making the rest of it; null when the line is not a row. */
    static Head head(String line, int expectedFields) {
        String key = null;
        String status = null;
        String batchId = null;
        int field = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= line.length(); i++) {
            char c = i < line.length() ? line.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                if (field == 0 || field == 6 || field == 7) {
                    String value = unescape(unquote(line.substring(start, i)));
                    if (field == 0) {
                        key = value;
                    } else if (field == 6) {
                        status = value;
                    } else {
                        batchId = value;
                    }
                }
                field++;
                start = i + 1;
            }
        }
        if (quoted || field != expectedFields) {
            return null;
        }
        try {
            return new Head(key, ItemStatus.valueOf(status), batchId);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String unquote(String field) {
        return field.length() >= 2 && field.charAt(0) == '"' ? field.substring(1, field.length() - 1)
                .replace("\"\"", "\"") : field;
    }

    static String escape(String value) {
        if (value.indexOf('\\') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The value of an escaped field; a backslash before any other character stays as it is. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            char next = i + 1 < field.length() ? field.charAt(i + 1) : 0;
            if (c == '\\' && (next == '\\' || next == 'n' || next == 'r')) {
                out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : '\\');
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The fields of a line, or null when its quotes do not close. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>(12);
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(current.toString());
        return fields;
    }
}
