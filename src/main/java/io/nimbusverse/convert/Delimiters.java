package io.nimbusverse.convert;

/** The field delimiters a delimited text may use, and how often one occurs outside quotes in a line. */
public final class Delimiters {

    /** Comma, semicolon, tab, pipe: in this order, the first of equally frequent ones wins. */
    public static final char[] ALL = {',', ';', '\t', '|'};

    private Delimiters() {
    }

    public static int count(CharSequence line, char delimiter) {
        return count(line, delimiter, '"');
    }

    public static int count(CharSequence line, char delimiter, char quote) {
        int count = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == quote) {
                quoted = !quoted;
            } else if (c == delimiter && !quoted) {
                count++;
            }
        }
        return count;
    }
}
