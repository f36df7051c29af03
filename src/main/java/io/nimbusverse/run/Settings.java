package io.nimbusverse.run;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.nimbusverse.cloud.S3Keys;
import io.nimbusverse.datasets.DatasetRules;
import io.nimbusverse.notify.MilestoneMails;

/**
 * Checks every setting of the pipeline before anything starts: a value that cannot work (a word not in its list, a
 * number out of its range, a URL of the wrong form) ends the start with one message per setting that names it, its
 * environment variable, the value and what it must be, instead of a stack trace once the servers are up.
 */
public final class Settings {

    /** A setting that cannot work. */
    public static class InvalidSettingException extends RuntimeException {
        public InvalidSettingException(String message) {
            super(message);
        }
    }

    private static final Set<String> BOOLEANS = Set.of("true", "false");
    private static final Pattern BROKERS = Pattern.compile("[^,:\\s]+:\\d{1,5}(,\\s*[^,:\\s]+:\\d{1,5})*");

    private final Function<String, Optional<String>> values;
    private final List<String> problems = new ArrayList<>();

    private Settings(Function<String, Optional<String>> values) {
        this.values = values;
    }

    /** The environment variable that sets a key: upper case, dots and dashes as underscores. */
    public static String environmentVariableOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Checks the settings whose values {@code values} resolves (placeholders and overrides applied); throws
     * {@link InvalidSettingException} listing every setting that cannot work.
     */
    public static void check(Function<String, Optional<String>> values) {
        Settings settings = new Settings(values);
        settings.checkAll();
        if (!settings.problems.isEmpty()) {
            throw new InvalidSettingException(String.join("\n", settings.problems));
        }
    }

    private void checkAll() {
        // the codecs that run without native libraries (LZO, BROTLI and Hadoop's LZ4 need them)
        oneOf("nimbus.convert.parquet.compression", new LinkedHashSet<>(List.of("UNCOMPRESSED", "SNAPPY", "GZIP",
                "ZSTD", "LZ4_RAW")));
        oneOf("nimbus.loader.trigger", Set.of("local", "s3-event", "lambda"));
        oneOf("nimbus.s3.credentials", Set.of("default", "anonymous"));
        oneOf("nimbus.ledger.store", Set.of("csv", "jdbc"));
        for (String flag : List.of("nimbus.samples.feed", "nimbus.sql.enabled", "nimbus.run-once", "nimbus.run-once.strict",
                "nimbus.embedded.enabled", "nimbus.s3.path-style", "nimbus.console.enabled", "nimbus.landing.enabled",
                "nimbus.intake.shared-inbox", "nimbus.work.shared")) {
            oneOf(flag, BOOLEANS);
        }
        for (String list : List.of("nimbus.mail.milestones", "nimbus.mail.digest-milestones")) {
            value(list).ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim).filter(m -> !m.isEmpty())
                    .filter(m -> !MilestoneMails.MILESTONES.contains(m)).findFirst()
                    .ifPresent(m -> problem(list, v, "milestones among " + String.join(", ", new TreeSet<>(MilestoneMails.MILESTONES)))));
        }
        for (String key : List.of("nimbus.intake.poll-delay-ms", "nimbus.intake.read-lock-check-interval-ms",
                "nimbus.landing.poll-delay-ms", "nimbus.intake.batch-size", "nimbus.intake.batch-idle-ms", "nimbus.convert.csv.sample-records",
                "nimbus.convert.parquet.row-group-bytes", "nimbus.convert.parquet.page-bytes",
                "nimbus.limits.max-record-bytes", "nimbus.limits.max-columns", "nimbus.limits.max-nesting-depth",
                "nimbus.limits.max-expanded-bytes", "nimbus.loader.poll-delay-ms", "nimbus.loader.max-signals-per-poll",
                "nimbus.loader.insert-batch-size", "nimbus.loader.max-attempts", "nimbus.sql.chunk-rows",
                "nimbus.sql.poll-rows", "nimbus.sql.poll-delay-ms", "nimbus.sql.backoff-multiplier",
                "nimbus.completion.poll-delay-ms", "nimbus.completion.answer-check-ms", "nimbus.completion.timeout-ms",
                "nimbus.completion.check-interval-ms", "nimbus.mail.digest-window-ms", "nimbus.mail.queue-size",
                "nimbus.health.stall-timeout-ms", "nimbus.health.check-interval-ms", "nimbus.health.progress-log-ms",
                "nimbus.run-once.check-interval-ms", "nimbus.ledger.compact-min-lines",
                "nimbus.alerts.no-successful-batch-seconds", "nimbus.s3.part-size-bytes", "nimbus.s3.upload-threads",
                "nimbus.errors.log-window-ms", "nimbus.cluster.heartbeat-ms", "nimbus.cluster.missed-heartbeats",
                "nimbus.intake.lease-ms")) {
            atLeast(key, 1);
        }
        between("nimbus.signals.partitions", 1, Integer.MAX_VALUE);
        between("nimbus.signals.replication-factor", 1, Short.MAX_VALUE);
        for (String key : List.of("nimbus.startup.wait-ms", "nimbus.mail.retries", "nimbus.errors.maximum-redeliveries",
                "nimbus.errors.redelivery-delay-ms", "nimbus.errors.maximum-redelivery-delay-ms")) {
            atLeast(key, 0);
        }
        for (String port : List.of("nimbus.http.port", "nimbus.mail.port", "nimbus.embedded.kafka-port",
                "nimbus.embedded.kafka-controller-port", "nimbus.embedded.s3-port", "nimbus.embedded.smtp-port",
                "nimbus.embedded.imap-port")) {
            between(port, 1, 65_535);
        }
        value("nimbus.s3.part-size-bytes").filter(Settings::isLong).filter(v -> Long.parseLong(v) < 5L << 20)
                .ifPresent(v -> problem("nimbus.s3.part-size-bytes", v, "at least 5242880 (S3's smallest part)"));
        value("nimbus.console.path").filter(v -> !v.matches("(/[A-Za-z0-9._~-]+)+") || v.startsWith("/observe"))
                .ifPresent(v -> problem("nimbus.console.path", v, "a path of the management server such as /console: "
                        + "a slash, then letters, digits, . _ ~ - (more segments allowed, no slash at the end), "
                        + "not under /observe"));
        value("nimbus.intake.ignore-names").ifPresent(v -> {
            try {
                Pattern.compile(v);
            } catch (PatternSyntaxException e) {
                problem("nimbus.intake.ignore-names", v, "a regular expression (" + e.getDescription() + ")");
            }
        });
        // the inbox is read with its sub-folders: a folder of the pipeline's own inside it would be read as input
        value("nimbus.inbox.dir").map(v -> Path.of(v).toAbsolutePath().normalize()).ifPresent(inbox -> {
            for (String folder : List.of("nimbus.work.dir", "nimbus.quarantine.dir", "nimbus.duplicates.dir",
                    "nimbus.cluster.dir")) {
                value(folder).filter(v -> Path.of(v).toAbsolutePath().normalize().startsWith(inbox))
                        .ifPresent(v -> problem(folder, v, "a folder outside the inbox (nimbus.inbox.dir is " + inbox
                                + "), which is read with its sub-folders"));
            }
        });
        // a lock folder apart from the data folder is one that instances share: what the routes of the lock read
        // must be shared with it, or the instance that takes them over starts from its own copy
        value("nimbus.data.dir").map(v -> Path.of(v).toAbsolutePath().normalize()).ifPresent(data -> value(
                "nimbus.cluster.dir").map(v -> Path.of(v).toAbsolutePath().normalize())
                .filter(cluster -> !cluster.startsWith(data)).ifPresent(cluster -> {
                    for (String folder : List.of("nimbus.sql.positions-dir", "nimbus.completion.retry-dir")) {
                        value(folder).filter(v -> Path.of(v).toAbsolutePath().normalize().startsWith(data))
                                .ifPresent(v -> problem(folder, v, "a folder the instances share, like "
                                        + "nimbus.cluster.dir (" + cluster + "): the routes that run on one instance "
                                        + "at a time read it on whichever instance leads, not inside this "
                                        + "instance's data folder (" + data + ")"));
                    }
                }));
        // the instances that read one inbox learn who took each file from the database they share
        if (value("nimbus.intake.shared-inbox").filter("true"::equals).isPresent()) {
            value("nimbus.ledger.store").filter(v -> !v.equals("jdbc")).ifPresent(v -> problem("nimbus.ledger.store",
                    v, "jdbc while nimbus.intake.shared-inbox is true: the instances that read one inbox take its "
                            + "files under leases in the ledger's database, which they share"));
        }
        // instances that take each other's batches share the ledger that says what a batch holds, and the lock
        // that lets one of them at a time complete a batch
        if (value("nimbus.work.shared").filter("true"::equals).isPresent()) {
            value("nimbus.ledger.store").filter(v -> !v.equals("jdbc")).ifPresent(v -> problem("nimbus.ledger.store",
                    v, "jdbc while nimbus.work.shared is true: the instances that take each other's batches learn "
                            + "what each batch holds from the ledger, which they share"));
            value("nimbus.data.dir").map(v -> Path.of(v).toAbsolutePath().normalize()).ifPresent(data -> value(
                    "nimbus.cluster.dir").filter(v -> Path.of(v).toAbsolutePath().normalize().startsWith(data))
                    .ifPresent(v -> problem("nimbus.cluster.dir", v, "a folder the instances share while "
                            + "nimbus.work.shared is true, not inside this instance's data folder (" + data + "): "
                            + "otherwise every instance completes and loads every batch")));
        }
        value(DatasetRules.SETTING).filter(v -> !v.isBlank()).ifPresent(v -> {
            try {
                DatasetRules.read(Path.of(v.trim()));
            } catch (NoSuchFileException e) {
                problem(DatasetRules.SETTING, v, "a dataset rules file, and there is none there");
            } catch (IOException | IllegalArgumentException e) {
                problem(DatasetRules.SETTING, v, "a dataset rules file that holds (" + e.getMessage() + ")");
            }
        });
        if (value("nimbus.landing.enabled").filter("true"::equals).isPresent()) {
            checkLandingPrefixes();
        }
        value("nimbus.kafka.brokers").filter(v -> !BROKERS.matcher(v).matches())
                .ifPresent(v -> problem("nimbus.kafka.brokers", v, "host:port, comma-separated"));
        for (String url : List.of("nimbus.loader.jdbc-url", "nimbus.sql.jdbc-url", "nimbus.ledger.jdbc-url")) {
            value(url).filter(v -> !v.startsWith("jdbc:"))
                    .ifPresent(v -> problem(url, v, "a JDBC URL (jdbc:mariadb://host:3306/db, jdbc:h2:file:...)"));
        }
        for (String endpoint : List.of("nimbus.s3.endpoint", "nimbus.loader.lambda-endpoint")) {
            value(endpoint).filter(v -> !v.isBlank() && !isHttpUrl(v))
                    .ifPresent(v -> problem(endpoint, v, "empty (AWS itself) or an http(s):// URL"));
        }
    }

    /**
     * The landing prefix is taken whole and its objects moved under the taken prefix: a prefix inside the other would
     * take the moved objects again, and one that meets the pipeline's own prefixes would take its output.
     */
    private void checkLandingPrefixes() {
        String prefix = value("nimbus.landing.prefix").orElse("");
        String taken = value("nimbus.landing.taken-prefix").orElse("");
        if (prefix.isEmpty()) {
            problem("nimbus.landing.prefix", prefix, "a key prefix such as landing/ (empty would take the whole bucket)");
            return;
        }
        if (taken.isEmpty() || taken.startsWith(prefix) || prefix.startsWith(taken)) {
            problem("nimbus.landing.taken-prefix", taken, "a key prefix apart from nimbus.landing.prefix (" + prefix
                    + "): neither may begin with the other, or the objects taken would be taken again");
        }
        if (value("nimbus.landing.bucket").equals(value("nimbus.s3.bucket"))) {
            List<String> own = new ArrayList<>(S3Keys.PREFIXES);
            value("nimbus.s3.archive-prefix").ifPresent(own::add);
            for (String landing : List.of("nimbus.landing.prefix", "nimbus.landing.taken-prefix")) {
                String mine = value(landing).orElse("");
                own.stream().filter(p -> !mine.isEmpty() && (p.startsWith(mine) || mine.startsWith(p))).findFirst()
                        .ifPresent(p -> problem(landing, mine, "a key prefix apart from the pipeline's own in its "
                                + "bucket (" + String.join(", ", own) + "); " + p + " meets it"));
            }
        }
    }

    private Optional<String> value(String key) {
        return values.apply(key).map(String::trim);
    }

    private void oneOf(String key, Set<String> allowed) {
        value(key).filter(v -> !allowed.contains(v))
                .ifPresent(v -> problem(key, v, "one of " + String.join(", ", allowed)));
    }

    private void atLeast(String key, long minimum) {
        between(key, minimum, Long.MAX_VALUE);
    }

    private void between(String key, long minimum, long maximum) {
        value(key).filter(v -> !isLong(v) || Long.parseLong(v) < minimum || Long.parseLong(v) > maximum)
                .ifPresent(v -> problem(key, v, maximum == Long.MAX_VALUE ? "a whole number of at least " + minimum
                        : "a whole number from " + minimum + " to " + maximum));
    }

    private void problem(String key, String value, String expected) {
        problems.add("Setting " + key + " (environment variable " + environmentVariableOf(key) + ") is \"" + value
                + "\": it must be " + expected + ".");
    }

    private static boolean isLong(String value) {
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
