package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z0-9.-]+)}}");

    private static Map<String, String> defaults() throws Exception {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        Map<String, String> resolved = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            for (Matcher m = PLACEHOLDER.matcher(value); m.find(); m = PLACEHOLDER.matcher(value)) {
                value = value.replace(m.group(), properties.getProperty(m.group(1)));
            }
            resolved.put(key, value);
        }
        return resolved;
    }

    @Test
    void theShippedDefaultsPass() throws Exception {
        Map<String, String> values = defaults();
        Settings.check(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void everyWrongValueIsNamedWithItsVariableAndWhatItMustBe() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.http.port", "70000");
        values.put("nimbus.intake.ignore-names", "(unclosed");
        values.put("nimbus.s3.endpoint", "minio:9000");
        values.put("nimbus.mail.milestones", "BATCH_COMPLETED,BATCH_DONE");
        values.put("nimbus.sql.enabled", "yes");
        values.put("nimbus.s3.part-size-bytes", "1024");
        values.put("nimbus.quarantine.dir", values.get("nimbus.inbox.dir") + "/quarantine");
        values.put("nimbus.console.path", "console/");
        values.put("nimbus.signals.partitions", "0");
        values.put("nimbus.signals.replication-factor", "40000");

        assertThatThrownBy(() -> Settings.check(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(Settings.InvalidSettingException.class)
                .message().contains(
                        "Setting nimbus.quarantine.dir (environment variable NIMBUS_QUARANTINE_DIR) is \""
                                + values.get("nimbus.inbox.dir") + "/quarantine\": it must be a folder outside the inbox",
                        "Setting nimbus.http.port (environment variable NIMBUS_HTTP_PORT) is \"70000\": it must be a "
                                + "whole number from 1 to 65535.",
                        "Setting nimbus.intake.ignore-names (environment variable NIMBUS_INTAKE_IGNORE_NAMES) is "
                                + "\"(unclosed\": it must be a regular expression",
                        "Setting nimbus.s3.endpoint (environment variable NIMBUS_S3_ENDPOINT) is \"minio:9000\": it "
                                + "must be empty (AWS itself) or an http(s):// URL.",
                        "nimbus.mail.milestones (environment variable NIMBUS_MAIL_MILESTONES) is "
                                + "\"BATCH_COMPLETED,BATCH_DONE\": it must be milestones among",
                        "nimbus.sql.enabled (environment variable NIMBUS_SQL_ENABLED) is \"yes\": it must be one of",
                        "nimbus.s3.part-size-bytes (environment variable NIMBUS_S3_PART_SIZE_BYTES) is \"1024\": it "
                                + "must be at least 5242880",
                        "Setting nimbus.console.path (environment variable NIMBUS_CONSOLE_PATH) is \"console/\": it "
                                + "must be a path of the management server such as /console",
                        "Setting nimbus.signals.partitions (environment variable NIMBUS_SIGNALS_PARTITIONS) is \"0\": "
                                + "it must be a whole number from 1 to 2147483647.",
                        "Setting nimbus.signals.replication-factor (environment variable "
                                + "NIMBUS_SIGNALS_REPLICATION_FACTOR) is \"40000\": it must be a whole number from 1 to "
                                + "32767.");
        assertThat(Settings.environmentVariableOf("nimbus.run-once.check-interval-ms"))
                .isEqualTo("NIMBUS_RUN_ONCE_CHECK_INTERVAL_MS");
    }

    @Test
    void landingPrefixesThatWouldTakeTheirOwnOrThePipelinesObjectsEndTheStart() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.landing.enabled", "true");
        values.put("nimbus.landing.prefix", "drop/");
        values.put("nimbus.landing.taken-prefix", "drop/taken/");
        assertThat(problemsOf(values)).contains("Setting nimbus.landing.taken-prefix (environment variable "
                + "NIMBUS_LANDING_TAKEN_PREFIX) is \"drop/taken/\": it must be a key prefix apart from "
                + "nimbus.landing.prefix (drop/)");

        values.put("nimbus.landing.prefix", "signals");
        values.put("nimbus.landing.taken-prefix", "taken/");
        assertThat(problemsOf(values)).contains("Setting nimbus.landing.prefix (environment variable "
                + "NIMBUS_LANDING_PREFIX) is \"signals\": it must be a key prefix apart from the pipeline's own in "
                + "its bucket (raw/, parquet/, metadata/, signals/, archive/); signals/ meets it");

        values.put("nimbus.landing.prefix", "");
        assertThat(problemsOf(values)).contains("nimbus.landing.prefix (environment variable NIMBUS_LANDING_PREFIX) "
                + "is \"\": it must be a key prefix such as landing/");

        // another bucket than the pipeline's: its prefixes are the user's
        values.put("nimbus.landing.bucket", "drops");
        values.put("nimbus.landing.prefix", "signals/");
        assertThat(problemsOf(values)).isEmpty();
        // off: not looked at
        values.put("nimbus.landing.enabled", "false");
        values.put("nimbus.landing.prefix", "");
        assertThat(problemsOf(values)).isEmpty();
    }

    @Test
    void clusterSettingsThatCannotWorkEndTheStart() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.cluster.dir", values.get("nimbus.inbox.dir") + "/locks");
        values.put("nimbus.cluster.heartbeat-ms", "0");
        values.put("nimbus.cluster.missed-heartbeats", "three");
        assertThat(problemsOf(values)).contains(
                "Setting nimbus.cluster.dir (environment variable NIMBUS_CLUSTER_DIR) is \""
                        + values.get("nimbus.inbox.dir") + "/locks\": it must be a folder outside the inbox",
                "Setting nimbus.cluster.heartbeat-ms (environment variable NIMBUS_CLUSTER_HEARTBEAT_MS) is \"0\"",
                "Setting nimbus.cluster.missed-heartbeats (environment variable NIMBUS_CLUSTER_MISSED_HEARTBEATS) is "
                        + "\"three\"");
    }

    @Test
    void aSharedLockFolderNeedsTheFoldersItsRoutesReadSharedToo() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.cluster.dir", "/shared/nimbus/cluster");
        String data = Path.of(values.get("nimbus.data.dir")).toAbsolutePath().normalize().toString();
        assertThat(problemsOf(values)).contains(
                "Setting nimbus.sql.positions-dir (environment variable NIMBUS_SQL_POSITIONS_DIR) is \""
                        + values.get("nimbus.sql.positions-dir") + "\": it must be a folder the instances share, like "
                        + "nimbus.cluster.dir (/shared/nimbus/cluster)",
                "not inside this instance's data folder (" + data + ")",
                "Setting nimbus.completion.retry-dir (environment variable NIMBUS_COMPLETION_RETRY_DIR) is \""
                        + values.get("nimbus.completion.retry-dir") + "\"");

        values.put("nimbus.sql.positions-dir", "/shared/nimbus/sql");
        values.put("nimbus.completion.retry-dir", "/shared/nimbus/retry");
        assertThat(problemsOf(values)).isEmpty();
    }

    @Test
    void aSharedInboxNeedsTheLedgerInADatabaseAndLeasesThatLast() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.intake.shared-inbox", "true");
        values.put("nimbus.intake.lease-ms", "0");
        assertThat(problemsOf(values)).contains(
                "Setting nimbus.ledger.store (environment variable NIMBUS_LEDGER_STORE) is \"csv\": it must be jdbc "
                        + "while nimbus.intake.shared-inbox is true",
                "Setting nimbus.intake.lease-ms (environment variable NIMBUS_INTAKE_LEASE_MS) is \"0\"");

        values.put("nimbus.ledger.store", "jdbc");
        values.put("nimbus.intake.lease-ms", "30000");
        assertThat(problemsOf(values)).isEmpty();
        values.put("nimbus.intake.shared-inbox", "yes");
        assertThat(problemsOf(values)).contains("Setting nimbus.intake.shared-inbox (environment variable "
                + "NIMBUS_INTAKE_SHARED_INBOX) is \"yes\"");
    }

    @Test
    void sharedWorkNeedsTheLedgerInADatabaseAndALockFolderTheInstancesShare() throws Exception {
        Map<String, String> values = defaults();
        values.put("nimbus.work.shared", "true");
        assertThat(problemsOf(values)).contains(
                "Setting nimbus.ledger.store (environment variable NIMBUS_LEDGER_STORE) is \"csv\": it must be jdbc "
                        + "while nimbus.work.shared is true",
                "Setting nimbus.cluster.dir (environment variable NIMBUS_CLUSTER_DIR) is \""
                        + values.get("nimbus.cluster.dir") + "\": it must be a folder the instances share while "
                        + "nimbus.work.shared is true");

        values.put("nimbus.ledger.store", "jdbc");
        values.put("nimbus.cluster.dir", "/shared/nimbus/cluster");
        values.put("nimbus.sql.positions-dir", "/shared/nimbus/sql");
        values.put("nimbus.completion.retry-dir", "/shared/nimbus/retry");
        assertThat(problemsOf(values)).isEmpty();
        values.put("nimbus.work.shared", "on");
        assertThat(problemsOf(values)).contains("Setting nimbus.work.shared (environment variable "
                + "NIMBUS_WORK_SHARED) is \"on\"");
    }

    /** What the check says of the values: empty when they pass. */
    private static String problemsOf(Map<String, String> values) {
        try {
            Settings.check(key -> Optional.ofNullable(values.get(key)));
            return "";
        } catch (Settings.InvalidSettingException e) {
            return e.getMessage();
        }
    }
}
