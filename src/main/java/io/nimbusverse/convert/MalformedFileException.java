package io.nimbusverse.convert;

/**
 * The file cannot be read as what it claims to be. This is permanent: retrying will not help, so the error handler
 * quarantines the file with this message as the reason.
 *
 * <p>What the library threw underneath is kept as a suppressed exception, not as the cause: Camel matches an
 * exception's causes first (from the deepest), so a corrupt PDF's plain IOException would be taken for a transient
 * failure and retried for ever.
 */
public class MalformedFileException extends Exception {

    public MalformedFileException(String message) {
        super(message);
    }

    public MalformedFileException(String message, Throwable underneath) {
        super(message);
        addSuppressed(underneath);
    }
}
