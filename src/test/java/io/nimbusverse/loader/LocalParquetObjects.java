package io.nimbusverse.loader;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;

/** A batch's objects in a local folder, each at its key under it: for loader tests and benchmarks without S3. */
public record LocalParquetObjects(Path root) implements BatchObjects {

    @Override
    public ParquetObject openParquet(String key) {
        InputFile input = new LocalInputFile(root.resolve(key));
        return new ParquetObject() {
            @Override
            public InputFile inputFile() {
                return input;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(root.resolve(key));
    }

    @Override
    public boolean isTransient(Exception failure) {
        return false;
    }
}
