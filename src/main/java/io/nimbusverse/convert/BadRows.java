package io.nimbusverse.convert;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rows-quarantine file of one item: a CSV of {@code line,column,type,value}, one row per record left out
 * because a value did not fit its pinned column. Made at the first bad row only; values are cut to
 * {@value #MAX_VALUE_CHARS} characters so that the file stays small whatever the input.
 */
final class BadRows implements AutoCloseable {

    static final int MAX_VALUE_CHARS = 200;

    private final Path file;
    private BufferedWriter out;
    private long count;

    BadRows(Path file) {
        this.file = file;
    }

    /** Counts the bad rows without listing them: a later pass over a file whose first pass listed them. */
    static BadRows discarding() {
        return new BadRows(null);
    }

    void add(long line, CsvColumn column, String value) {
        if (file == null) {
            count++;
            return;
        }
        try {
            if (out == null) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                out.write("line,column,type,value\n");
            }
            out.write(line + "," + quoted(column.name()) + "," + quoted(column.typeName()) + ","
                    + quoted(excerpt(value)) + "\n");
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rows-quarantine file " + file, e);
        }
    }

    long count() {
        return count;
    }

    /** The file, or null when no row was bad. */
    Path file() {
        return count == 0 ? null : file;
    }

    static String excerpt(String value) {
        return value.length() <= MAX_VALUE_CHARS ? value : value.substring(0, MAX_VALUE_CHARS) + "...";
    }

    private static String quoted(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
