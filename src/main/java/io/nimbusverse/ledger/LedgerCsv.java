package io.nimbusverse.ledger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One ledger row as one CSV line (RFC 4180 quoting; line breaks inside values become spaces). */
final class LedgerCsv {

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
            return Optional.of(new LedgerEntry(f.get(0), f.get(1), f.get(2), Long.parseLong(f.get(3)), f.get(4),
                    f.get(5), ItemStatus.valueOf(f.get(6)), f.get(7), Instant.parse(f.get(8)),
                    Instant.parse(f.get(9)), f.get(10), f.get(11)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static StringBuilder field(StringBuilder line, String value) {
        String v = value == null ? "" : value.replace('\r', ' ').replace('\n', ' ');
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0) {
            return line.append(v);
        }
        return line.append('"').append(v.replace("\"", "\"\"")).append('"');
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
