package io.nimbusverse;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/** Reads Parquet files back in tests with parquet-java's example Group API, independently of the loader's reader. */
public final class ParquetFiles {

    private ParquetFiles() {
    }

    public static MessageType schema(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getFileMetaData().getSchema();
        }
    }

    public static long rowCount(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getRecordCount();
        }
    }

    /** Every row as field name to raw Parquet value (Long, Integer, Double, Boolean, String for strings), nulls absent. */
    public static List<Map<String, Object>> rows(Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    Group g = records.read();
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (Type field : schema.getFields()) {
                        String name = field.getName();
                        if (g.getFieldRepetitionCount(name) == 0) {
                            continue;
                        }
                        if (field.getLogicalTypeAnnotation()
                                instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                            // decimals as their exact value, whatever their physical type
                            row.put(name, new BigDecimal(switch (field.asPrimitiveType().getPrimitiveTypeName()) {
                                case INT32 -> BigInteger.valueOf(g.getInteger(name, 0));
                                case INT64 -> BigInteger.valueOf(g.getLong(name, 0));
                                default -> new BigInteger(g.getBinary(name, 0).getBytes());
                            }, decimal.getScale()));
                            continue;
                        }
                        row.put(name, switch (field.asPrimitiveType().getPrimitiveTypeName()) {
                            case INT64 -> g.getLong(name, 0);
                            case INT32 -> g.getInteger(name, 0);
                            case DOUBLE -> g.getDouble(name, 0);
                            case BOOLEAN -> g.getBoolean(name, 0);
                            default -> g.getString(name, 0);
                        });
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
