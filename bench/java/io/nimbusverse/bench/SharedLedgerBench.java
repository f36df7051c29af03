package io.nimbusverse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nimbusverse.contract.MariaDb;
import io.nimbusverse.ledger.CsvLedger;
import io.nimbusverse.ledger.JdbcLedger;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;

/**
 * Claims per second of the shared ledger (the JDBC store on a MariaDB server of this machine) from one and from two
 * instances of four threads each, against the CSV ledger's claims (the baseline, one instance, four threads) in the
 * same run. Every claim is durable before it returns in both stores (InnoDB's commit, the file's fsync).
 *
 * <p>Properties: {@code bench.rows} (claims per measurement: the bench profile's default of a million takes many
 * minutes, so pass 20000), {@code bench.dir} (default bench/out).
 */
public final class SharedLedgerBench {

    private static final int THREADS = 4;

    private SharedLedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int claims = Integer.getInteger("bench.rows", 20_000);
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("bench.dir",
                "bench/out"))), "shared-ledger-");
        CsvLedger file = new CsvLedger(dir.resolve("report.csv"), 1_000_000);
        file.open();
        double baseline = claimsPerSecond(List.of(file), "csv", claims);
        file.close();
        System.out.printf("baseline, the CSV ledger (1 instance x %d threads): %,.0f claims/s%n", THREADS, baseline);

        try (MariaDb server = MariaDb.start(dir.resolve("mariadb"))) {
            String url = server.createDatabase("ledger");
            List<HikariDataSource> pools = new ArrayList<>();
            try {
                List<Ledger> instances = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(url);
                    config.setUsername("root");
                    config.setMaximumPoolSize(THREADS);
                    HikariDataSource pool = new HikariDataSource(config);
                    pools.add(pool);
                    JdbcLedger ledger = new JdbcLedger(pool, url, "bench");
                    ledger.open();
                    instances.add(ledger);
                }
                for (int run = 1; run <= 2; run++) {
                    List<Ledger> claiming = instances.subList(0, run);
                    double shared = claimsPerSecond(claiming, "jdbc-" + run, claims);
                    System.out.printf("MariaDB ledger, %d instance%s x %d threads: %,.0f claims/s, ratio %.2fx the "
                            + "CSV ledger%n", run, run == 1 ? "" : "s", THREADS, shared, shared / baseline);
                }
            } finally {
                pools.forEach(HikariDataSource::close);
            }
        }
        BenchFiles.deleteTree(dir);
    }

    /** Every thread of every instance claims its own share of {@code claims} new keys; claims per second. */
    private static double claimsPerSecond(List<Ledger> instances, String prefix, int claims) throws Exception {
        int threads = instances.size() * THREADS;
        int each = claims / threads;
        List<Callable<Integer>> claimers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Ledger ledger = instances.get(t % instances.size());
            String thread = prefix + "-" + t + "-";
            claimers.add(() -> {
                int won = 0;
                for (int k = 0; k < each; k++) {
                    won += ledger.claim(LedgerEntry.claimed(thread + k, "file", "f" + k + ".csv", k)) ? 1 : 0;
                }
                return won;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            int won = 0;
            for (Future<Integer> result : pool.invokeAll(claimers)) {
                won += result.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (won != each * threads) {
                throw new IllegalStateException(prefix + ": " + won + " of " + each * threads + " claims won");
            }
            return won / seconds;
        } finally {
            pool.shutdown();
        }
    }
}
