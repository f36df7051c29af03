package io.nimbusverse.datasets;

import java.util.regex.Pattern;

/**
 * Glob patterns as the rules file writes them, made regular expressions whose wildcards are capture groups, so a
 * dataset name can reuse what a wildcard matched: {@code *} any characters but {@code /}, {@code **} any characters,
 * {@code ?} one character but {@code /}, {@code {a,b}} one of the alternatives; anything else stands for itself.
 */
final class Globs {

    private Globs() {
    }

    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean inAlternatives = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            String part = null;
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                part = "(.*)";
                i++;
            } else if (c == '*') {
                part = "([^/]*)";
            } else if (c == '?') {
                part = "([^/])";
            } else if (c == '{' && !inAlternatives) {
                part = "(";
                inAlternatives = true;
            } else if (c == '}' && inAlternatives) {
                part = ")";
                inAlternatives = false;
            } else if (c == ',' && inAlternatives) {
                part = "|";
            }
            if (part == null) {
                literal.append(c);
                continue;
            }
            flush(regex, literal);
            regex.append(part);
        }
        if (inAlternatives) {
            throw new IllegalArgumentException("glob " + glob + " opens a { it never closes");
        }
        flush(regex, literal);
        return Pattern.compile(regex.toString());
    }

    private static void flush(StringBuilder regex, StringBuilder literal) {
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }
}
