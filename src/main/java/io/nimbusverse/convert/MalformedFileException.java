package io.nimbusverse.convert;

/**
 * The file cannot be read as what it claims to be. This is permanent: retrying will not help, so the error handler
 * quarantines the file with this message as the reason.
 */
public class MalformedFileException extends Exception {

    public MalformedFileException(String message) {
        super(message);
    }

    public MalformedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
