package io.nimbusverse.names;

import java.util.Locale;

/**
 * The dataset, and so the table, that an item's rows load into. A name that is already a plain table name (lower
 * case letters, digits and underscores, starting with a letter) is kept as it is: {@code orders.csv} loads into
 * {@code orders}. Any other name is made one, and since making it one loses something (case, punctuation, letters
 * outside a-z), a hash of the original is appended: {@code Orders.csv}, {@code orders!.csv} and {@code 数据.csv}
 * load into three tables, each always the same one. Names starting with {@value #RESERVED_PREFIX} are the
 * pipeline's own tables and are never given to data.
 */
public final class Datasets {

    public static final String RESERVED_PREFIX = "nimbus_";
    /** MySQL's longest identifier. */
    public static final int MAX_LENGTH = 64;
    private static final int HASH_CHARS = 8;

    private Datasets() {
    }

    /** The dataset of a file: its name without the extension, made a table name. */
    public static String ofFile(String fileName) {
        String base = fileName;
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        return of(base);
    }

    /** The dataset of a name (a file's base name, a source table's name). */
    public static String of(String name) {
        if (isPlain(name)) {
            return name;
        }
        String plain = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (plain.isEmpty() || !Character.isLetter(plain.charAt(0)) || plain.startsWith(RESERVED_PREFIX)) {
            plain = "t_" + plain;
        }
        String suffix = "_" + FileNames.hash(name).substring(0, HASH_CHARS);
        if (plain.length() + suffix.length() > MAX_LENGTH) {
            plain = plain.substring(0, MAX_LENGTH - suffix.length());
        }
        return plain.replaceAll("_+$", "") + suffix;
    }

    private static boolean isPlain(String name) {
        return !name.isEmpty() && name.length() <= MAX_LENGTH && name.matches("[a-z][a-z0-9_]*")
                && !name.endsWith("_") && !name.startsWith(RESERVED_PREFIX);
    }
}
