package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** Records that are not CSV (JSON, XML) read as rows: a first pass for the columns, then the records as fields. */
interface RecordReader {

    /** The columns of every record of the file, in the order they first appear. */
    List<String> columns(Path file) throws IOException, MalformedFileException;

    /** Hands each record to the sink as the fields of {@code columns}. */
    void parse(InputStream in, List<String> columns, CsvBytes.Sink sink) throws IOException, MalformedFileException;
}
