package io.nimbusverse.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.nimbusverse.convert.Delimiters;

/**
 * Tells the format of a text from its first bytes, when no name says it: JSON, XML, delimited (CSV, TSV) or plain.
 */
final class TextSniffer {

    private static final int SNIFFED_BYTES = 64 * 1024;
    private static final int SNIFFED_LINES = 20;

    private TextSniffer() {
    }

    static String sniff(Path file) throws IOException {
        byte[] head;
        boolean whole;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFFED_BYTES);
            whole = in.read() < 0;
        }
        String text = new String(head, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return "application/json";
        }
        if (trimmed.startsWith("<")) {
            return "application/xml";
        }
        List<String> lines = lines(text, whole);
        for (char delimiter : Delimiters.ALL) {
            if (consistent(lines, delimiter)) {
                return delimiter == '\t' ? "text/tab-separated-values" : "text/csv";
            }
        }
        return "text/plain";
    }

    /** The first complete lines, empty ones left out: a line cut by the end of the sniffed bytes is not one. */
    private static List<String> lines(String text, boolean whole) {
        List<String> lines = new ArrayList<>();
        String[] split = text.split("\r\n|\r|\n", -1);
        int complete = whole ? split.length : split.length - 1;
        for (int i = 0; i < complete && lines.size() < SNIFFED_LINES; i++) {
            if (!split[i].isBlank()) {
                lines.add(split[i]);
            }
        }
        return lines;
    }

    /** Two lines or more, each with the same number (one or more) of the delimiter outside quotes. */
    private static boolean consistent(List<String> lines, char delimiter) {
        if (lines.size() < 2) {
            return false;
        }
        int expected = Delimiters.count(lines.get(0), delimiter);
        return expected > 0 && lines.stream().allMatch(line -> Delimiters.count(line, delimiter) == expected);
    }
}
