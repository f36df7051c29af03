package io.nimbusverse.loader;

import java.util.Locale;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/** The SQL column type of a Parquet column, in the words of the target database. */
final class SqlTypes {

    private final String product;

    SqlTypes(String databaseProductName) {
        this.product = databaseProductName.toLowerCase(Locale.ROOT);
    }

    private boolean mysql() {
        return product.contains("mysql") || product.contains("mariadb");
    }

    private boolean postgres() {
        return product.contains("postgres");
    }

    String of(PrimitiveType column) {
        LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            return "DECIMAL(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
        }
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
            // instants are stored as their UTC date-time: the one timestamp type every database has
            return mysql() ? "DATETIME(6)" : "TIMESTAMP";
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return "DATE";
        }
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
            // a bare TIME keeps whole seconds only in MySQL and H2
            return "TIME(6)";
        }
        return switch (column.getPrimitiveTypeName()) {
            case INT64 -> "BIGINT";
            case INT32 -> "INTEGER";
            case DOUBLE -> "DOUBLE PRECISION";
            case FLOAT -> "REAL";
            case BOOLEAN -> "BOOLEAN";
            case BINARY, FIXED_LEN_BYTE_ARRAY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                    ? text() : bytes();
            default -> text();
        };
    }

    private String text() {
        return mysql() || postgres() ? "TEXT" : "VARCHAR";
    }

    private String bytes() {
        if (mysql()) {
            return "LONGBLOB";
        }
        return postgres() ? "BYTEA" : "VARBINARY";
    }

    String loadsTable(String quotedName) {
        String text = mysql() ? "LONGTEXT" : text();
        return "CREATE TABLE IF NOT EXISTS " + quotedName + " (batch_id VARCHAR(64) PRIMARY KEY, "
                + "loaded_at TIMESTAMP NOT NULL, answer " + text + " NOT NULL)";
    }
}
