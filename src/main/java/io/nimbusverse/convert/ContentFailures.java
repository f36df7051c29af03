package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Tells a failure of the outside world from one of the item itself, by where it comes from rather than by its type:
 * libraries throw a plain IOException for a corrupt document as for a full disk. While an item is read, only the
 * file system (a full disk, a missing or locked file) and an interruption are the outside world; anything else is
 * the content, and retrying it would only fail again.
 */
public final class ContentFailures {

    private ContentFailures() {
    }

    /** True when the failure is the outside world's: the item should be tried again later. */
    public static boolean isOutsideWorld(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSystemException || t instanceof InterruptedIOException
                    || t instanceof ClosedByInterruptException || t instanceof InterruptedException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                if (message.contains("no space left") || message.contains("disk quota")
                        || message.contains("read-only file system")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The reason a failure of the item's content gives: the first message of the causes that says something, with
     * the type of the exception that said it.
     */
    public static String reasonOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }
}
