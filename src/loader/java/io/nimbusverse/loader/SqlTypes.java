package io.nimbusverse.loader;

import java.sql.Types;
import java.util.Locale;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/** The SQL column type of a Parquet column, in the words of the target database. */
final class SqlTypes {

    private final String product;

    SqlTypes(String databaseProductName) {
        this.product = databaseProductName.toLowerCase(Locale.ROOT);
    }

    boolean mysql() {
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

    /** What a Parquet column's values are, and what a database column holds, in words both sides share. */
    enum Family {
        INTEGER, DECIMAL, FLOAT, BOOLEAN, DATE, TIME, TIMESTAMP, TEXT, BINARY, OTHER;

        /** Whether a column of this family keeps every value of {@code values} (a text column keeps all but bytes). */
        boolean holds(Family values) {
            return switch (this) {
                case TEXT -> values != BINARY;
                case INTEGER -> values == INTEGER || values == BOOLEAN;
                case DECIMAL -> values == INTEGER || values == DECIMAL || values == BOOLEAN;
                case FLOAT -> values == INTEGER || values == DECIMAL || values == FLOAT;
                case TIMESTAMP -> values == TIMESTAMP || values == DATE;
                case BINARY -> values == BINARY || values == TEXT;
                // a type this loader does not know: the database decides, row by row
                case OTHER -> true;
                default -> values == this;
            };
        }
    }

    static Family familyOf(PrimitiveType column) {
        LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
            return Family.DECIMAL;
        }
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
            return Family.TIMESTAMP;
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return Family.DATE;
        }
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
            return Family.TIME;
        }
        return switch (column.getPrimitiveTypeName()) {
            case INT32, INT64 -> Family.INTEGER;
            case FLOAT, DOUBLE -> Family.FLOAT;
            case BOOLEAN -> Family.BOOLEAN;
            default -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                    ? Family.TEXT : Family.BINARY;
        };
    }

    /** The family of a database column, from its {@link java.sql.Types} code. */
    static Family familyOf(int jdbcType) {
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Family.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Family.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Family.FLOAT;
            case Types.BIT, Types.BOOLEAN -> Family.BOOLEAN;
            case Types.DATE -> Family.DATE;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> Family.TIME;
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Family.TIMESTAMP;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB -> Family.TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Family.BINARY;
            default -> Family.OTHER;
        };
    }

    String loadsTable(String quotedName) {
        String text = mysql() ? "LONGTEXT" : text();
        return "CREATE TABLE IF NOT EXISTS " + quotedName + " (batch_id VARCHAR(64) PRIMARY KEY, "
                + "loaded_at TIMESTAMP NOT NULL, answer " + text + " NOT NULL)";
    }

    /** The type of a lineage column: the batch id, the item key (as long as the catalog's), the load time. */
    String lineage(String column) {
        if (column.endsWith("_loaded_at")) {
            return mysql() ? "DATETIME(6)" : "TIMESTAMP";
        }
        return column.endsWith("_batch_id") ? "VARCHAR(64)" : "VARCHAR(512)";
    }

    /** The catalog: one row per item loaded (the columns of {@code ParquetTableLoader.CATALOG_COLUMNS}). */
    String catalogTable(String quotedName) {
        String text = text();
        String timestamp = mysql() ? "DATETIME(6)" : "TIMESTAMP";
        return "CREATE TABLE IF NOT EXISTS " + quotedName + " (item_key VARCHAR(512) PRIMARY KEY, "
                + "batch_id VARCHAR(64) NOT NULL, source VARCHAR(16) NOT NULL, name " + text + " NOT NULL, "
                + "sha256 VARCHAR(64) NOT NULL, size_bytes BIGINT NOT NULL, media_type VARCHAR(255), "
                + "item_class VARCHAR(32), rule_id VARCHAR(128), dataset_name VARCHAR(64), table_name VARCHAR(64), "
                + "rows_loaded BIGINT, raw_key " + text + ", metadata_key VARCHAR(128), parquet_key " + text + ", "
                + "ingested_at " + timestamp + " NOT NULL, loaded_at " + timestamp + " NOT NULL, title " + text + ", "
                + "author " + text + ", pages BIGINT, width BIGINT, height BIGINT, taken_at " + timestamp + ", "
                + "duration_seconds DOUBLE PRECISION)";
    }

    /** The table of which source feeds each table the loader made or first wrote into. */
    String tablesTable(String quotedName) {
        return "CREATE TABLE IF NOT EXISTS " + quotedName + " (table_name VARCHAR(64) PRIMARY KEY, "
                + "source VARCHAR(64) NOT NULL, first_batch VARCHAR(64) NOT NULL, since TIMESTAMP NOT NULL)";
    }
}
