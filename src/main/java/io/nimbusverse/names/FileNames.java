package io.nimbusverse.names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names the pipeline derives from a user's file name: its copy in the work folder, in quarantine and among the
 * duplicates, and the last part of its S3 key. A file system takes 255 bytes per name and S3 servers add their own
 * suffixes to it, so a derived name is bounded whatever the original; the original stays in the ledger, the
 * metadata JSON and the manifest.
 */
public final class FileNames {

    /** UTF-8 bytes of a derived name at most: room is left for suffixes such as {@code .reason.txt} and {@code .2}. */
    public static final int MAX_BYTES = 120;
    private static final int HASH_CHARS = 12;
    private static final int MAX_EXTENSION_CHARS = 10;

    private FileNames() {
    }

    /**
     * The name itself when it is at most {@value #MAX_BYTES} bytes and holds no control character or backslash;
     * otherwise a readable prefix of it, {@code ~}, a hash of the whole name, and its extension: deterministic, so
     * the same name always gives the same derived name, and two names never share one.
     */
    public static String bounded(String name) {
        if (utf8Length(name) <= MAX_BYTES && isHarmless(name)) {
            return name;
        }
        String extension = extensionOf(name);
        String stem = extension.isEmpty() ? name : name.substring(0, name.length() - extension.length() - 1);
        String suffix = "~" + hash(name) + (extension.isEmpty() ? "" : "." + extension);
        return prefix(harmless(stem), MAX_BYTES - utf8Length(suffix)) + suffix;
    }

    /** The file's own name in an inbox-relative name ({@code sales/2026/orders.csv} -> {@code orders.csv}). */
    public static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The extension of a name (after its last dot) when it is short letters and digits, else empty. */
    public static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1 || name.length() - dot - 1 > MAX_EXTENSION_CHARS) {
            return "";
        }
        String extension = name.substring(dot + 1);
        return extension.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c)) ? extension : "";
    }

    /** The first 12 hex digits of the SHA-256 of the text. */
    public static String hash(String text) {
        return sha256Hex(text).substring(0, HASH_CHARS);
    }

    /** The SHA-256 of the text's UTF-8 bytes, in hex. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The name as one readable line for a log: control characters written as escapes ({@code \\n}, {@code \\u0007}). */
    public static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** The length of the text in UTF-8 bytes, as a file system counts a name. */
    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isHarmless(String name) {
        return name.codePoints().noneMatch(FileNames::isUnsafe);
    }

    private static boolean isUnsafe(int c) {
        return Character.isISOControl(c) || c == '\\' || c == '/' || Character.getType(c) == Character.FORMAT;
    }

    private static String harmless(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(isUnsafe(c) ? '_' : c));
        return out.toString();
    }

    /** The longest prefix of the text of at most {@code maxBytes} UTF-8 bytes, cut between code points. */
    private static String prefix(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(c);
        }
        return text.substring(0, end);
    }
}
