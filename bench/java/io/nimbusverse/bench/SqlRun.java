package io.nimbusverse.bench;

import java.lang.management.ManagementFactory;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.nimbusverse.NimbusMain;
import io.nimbusverse.run.RunOutcome;
import javax.sql.DataSource;

import io.nimbusverse.sql.SqlChunk;
import io.nimbusverse.sql.SqlChunkParquet;
import io.nimbusverse.sql.SqlChunks;
import io.nimbusverse.sql.SqlPositions;
import io.nimbusverse.sql.SqlRowMapperFactory;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.mariadb.jdbc.MariaDbDataSource;
import org.springframework.jdbc.core.RowMapper;

/**
 * One read of the benchmark table, in its own JVM so that its heap is measured alone: {@code jdbc} reads every row
 * and column with plain JDBC (the ceiling); {@code pipeline} runs the application's table routes (the Kamelet
 * sql-by-watermark and the route sql-chunk of routes/sql-intake.yaml, with the application's beans and defaults)
 * until the last chunk is claimed, its Parquet files written to the work folder. The batches are not uploaded:
 * bench/routes/bench-sink.yaml stands in for the rest of the pipeline. {@code format} times the data format alone
 * (sqlChunkParquet): the rows are read and typed by the application's row mapper and SqlChunks (untimed), chunk by
 * chunk, and only the data format's marshal of each chunk is timed, on one thread.
 * Prints one line: {@code rows=<n> seconds=<s> peakHeapMiB=<m>}.
 */
public final class SqlRun {

    private SqlRun() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        long rows = Long.parseLong(args[2]);
        PeakHeap heap = PeakHeap.sample();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        double[] result = switch (mode) {
            case "jdbc" -> readPlain(url);
            case "format" -> marshalOnly(url, Integer.getInteger("nimbus.sql.chunk-rows", 10_000));
            default -> runPipeline(url, rows, Path.of(args[3]));
        };
        double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        heap.close();
        long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
        System.out.printf("rows=%d seconds=%.3f peakHeapMiB=%.1f processCpuSeconds=%.1f gcSeconds=%.1f%n",
                (long) result[0], result[1], heap.mebibytes(), cpuSeconds, gcMillis / 1e3);
    }

    /** Every column of every row, by getObject, as a streamed result set; the warm-up table first. */
    private static double[] readPlain(String url) throws Exception {
        readPlain(url, "bench_warmup");
        return readPlain(url, "bench_rows");
    }

    private static double[] readPlain(String url, String table) throws Exception {
        long start = System.nanoTime();
        long count = 0;
        long touched = 0;
        try (Connection c = DriverManager.getConnection(url, "root", ""); Statement st = c.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        if (rs.getObject(i) != null) {
                            touched++;
                        }
                    }
                    count++;
                }
            }
        }
        if (touched == 0) {
            throw new IllegalStateException("no value read");
        }
        return new double[] {count, (System.nanoTime() - start) / 1e9};
    }

    private static double[] marshalOnly(String url, int chunkRows) throws Exception {
        MariaDbDataSource source = new MariaDbDataSource(url);
        source.setUser("root");
        SqlChunks chunks = new SqlChunks(source, null, null, null, null);
        RowMapper<?> mapper = new SqlRowMapperFactory().newColumnRowMapper();
        SqlChunkParquet format = new SqlChunkParquet("SNAPPY", 64L << 20, 1 << 20);
        CountingOutputStream bytes = new CountingOutputStream();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            marshalEach(source, "bench_warmup", chunkRows, mapper, chunks, format, exchange, bytes);
            return marshalEach(source, "bench_rows", chunkRows, mapper, chunks, format, exchange, bytes);
        }
    }

    private static double[] marshalEach(DataSource source, String table, int chunkRows, RowMapper<?> mapper,
            SqlChunks chunks, SqlChunkParquet format, Exchange exchange, CountingOutputStream bytes)
            throws Exception {
        long marshalNanos = 0;
        long count = 0;
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.setFetchSize(chunkRows);
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                List<SqlRowMapperFactory.Row> rows = new ArrayList<>(chunkRows);
                boolean more = rs.next();
                while (more) {
                    rows.add((SqlRowMapperFactory.Row) mapper.mapRow(rs, rows.size()));
                    more = rs.next();
                    if (rows.size() == chunkRows || !more) {
                        for (SqlChunk chunk : chunks.read(table, "id", "id", "", chunkRows, rows)) {
                            long start = System.nanoTime();
                            format.marshal(exchange, chunk, bytes);
                            marshalNanos += System.nanoTime() - start;
                            count += chunk.getRecordCount();
                        }
                        rows.clear();
                    }
                }
            }
        }
        if (bytes.count == 0) {
            throw new IllegalStateException("no Parquet written");
        }
        return new double[] {count, marshalNanos / 1e9};
    }

    /** Where the data format's Parquet goes: counted, not kept. */
    private static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static double[] runPipeline(String url, long rows, Path dataDir) throws Exception {
        Main main = NimbusMain.create(new RunOutcome());
        main.addOverrideProperty("camel.main.routes-include-pattern",
                "file:routes/errors.yaml,file:routes/sql-intake.yaml,file:bench/routes/*.yaml");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("nimbus.embedded.enabled", "false");
        // no Kafka, S3 or mail in this run: the start-up probes are not asked
        main.addOverrideProperty("nimbus.startup.wait-ms", "0");
        main.addOverrideProperty("nimbus.loader.jdbc-url", "jdbc:h2:mem:unused");
        main.addOverrideProperty("nimbus.data.dir", dataDir.toString());
        main.addOverrideProperty("nimbus.sql.jdbc-url", url);
        main.addOverrideProperty("nimbus.sql.jdbc-user", "root");
        main.addOverrideProperty("nimbus.sql.seed-script", "");
        // timed from the first exchange of the table (after the consumer's initial delay), once a small table went
        // through the same routes: the classes are loaded, as in the running application
        AtomicLong firstExchange = new AtomicLong();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                    @Override
                    public void notify(CamelEvent event) {
                        firstExchange.compareAndSet(0, System.nanoTime());
                    }

                    @Override
                    public boolean isEnabled(CamelEvent event) {
                        return event instanceof CamelEvent.ExchangeCreatedEvent created
                                && created.getExchange().getFromEndpoint().getEndpointUri().contains("bench_rows");
                    }
                });
            }
        });
        main.start();
        try {
            SqlPositions positions = main.getCamelContext().getRegistry()
                    .lookupByNameAndType("sqlPositions", SqlPositions.class);
            awaitKey(positions, "bench_warmup", SqlToParquetBench.WARMUP_ROWS);
            main.getCamelContext().getRouteController().startRoute("sql-bench-rows");
            // the table's consumer can poll before the route that takes its rows has started (its Kamelet's sink
            // then holds the first rows, 2.4 s in a profile): the clock starts once both run
            long started = System.nanoTime();
            awaitKey(positions, "bench_rows", rows);
            long end = System.nanoTime();
            long files;
            try (var walk = Files.walk(dataDir.resolve("work"))) {
                files = walk.filter(p -> p.toString().endsWith(".parquet")).count();
            }
            System.out.printf("pipeline wrote %d Parquet files%n", files);
            return new double[] {rows, (end - Math.max(started, firstExchange.get())) / 1e9};
        } finally {
            main.stop();
        }
    }

    private static void awaitKey(SqlPositions positions, String table, long key) throws Exception {
        while (!String.valueOf(key).equals(String.valueOf(positions.key(table, "id")))) {
            Thread.sleep(2);
        }
    }
}
