package io.nimbusverse.cloud;

import java.io.File;

/** One object to upload: a local file, its key, and whether it is large enough to go up in parts. */
public record S3Put(File file, String key, boolean multipart) {
}
