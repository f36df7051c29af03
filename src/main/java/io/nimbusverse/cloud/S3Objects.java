package io.nimbusverse.cloud;

import java.util.Optional;
import java.util.function.Supplier;

import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Calls on one S3 object where its absence is an answer, not an error. */
public final class S3Objects {

    private S3Objects() {
    }

    /** The call's result, or empty when the object is not there (404); any other failure is thrown. */
    public static <T> Optional<T> ifPresent(Supplier<T> call) {
        try {
            return Optional.ofNullable(call.get());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Whether the failure is an object that is not there (NoSuchKey, not a bucket that is not there): for a poll, one
     * it listed that another stage moved before it was read.
     */
    public static boolean isObjectGone(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof NoSuchKeyException || cause instanceof S3Exception s3 && s3.awsErrorDetails() != null
                    && "NoSuchKey".equals(s3.awsErrorDetails().errorCode())) {
                return true;
            }
        }
        return false;
    }
}
