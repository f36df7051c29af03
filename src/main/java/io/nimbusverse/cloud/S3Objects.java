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
}
