package io.nimbusverse.aws.glue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.nimbusverse.loader.BatchObjects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;

/**
 * The batch's objects through Spark's Hadoop file system: {@code s3://bucket/} on Glue (EMRFS, with the job role's
 * credentials), any other root (a local folder in the tests) elsewhere. Parquet objects are read in place.
 */
final class HadoopBatchObjects implements BatchObjects {

    private final String root;
    private final Configuration conf;

    HadoopBatchObjects(String root, Configuration conf) {
        this.root = root.endsWith("/") ? root : root + "/";
        this.conf = conf;
    }

    @Override
    public ParquetObject openParquet(String key) throws IOException {
        InputFile file = HadoopInputFile.fromPath(path(key), conf);
        return new ParquetObject() {
            @Override
            public InputFile inputFile() {
                return file;
            }

            @Override
            public void close() {
                // read in place: there is no local copy to delete
            }
        };
    }

    @Override
    public boolean exists(String key) throws IOException {
        Path path = path(key);
        return path.getFileSystem(conf).exists(path);
    }

    /**
     * None: the job answers FAILED rather than fail silently, since nothing would retry it but an operator. (Database
     * failures that pass by themselves still fail the run, which Glue retries: see aws/README.md.)
     */
    @Override
    public boolean isTransient(Exception failure) {
        return false;
    }

    String read(String key) throws IOException {
        Path path = path(key);
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    void write(String key, byte[] content) throws IOException {
        Path path = path(key);
        FileSystem fs = path.getFileSystem(conf);
        try (OutputStream out = fs.create(path, true)) {
            out.write(content);
        }
    }

    private Path path(String key) {
        return new Path(root + key);
    }
}
