package io.nimbusverse.convert;

/** An item holds more than a configured {@link Limits limit}: permanent, it is quarantined with this reason. */
public class LimitExceededException extends MalformedFileException {

    public LimitExceededException(String message) {
        super(message);
    }
}
