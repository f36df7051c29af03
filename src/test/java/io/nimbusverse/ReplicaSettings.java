package io.nimbusverse;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.nimbusverse.run.Settings;

/**
 * The settings a replica of a deployment file (the compose override, the Kubernetes manifests) starts with: the
 * image's docker profile, overridden by the replica's environment, checked as a start checks them.
 */
final class ReplicaSettings {

    private static final Map<String, String> SETTING_OF_VARIABLE = Map.of(
            "NIMBUS_INBOX_DIR", "nimbus.inbox.dir",
            "NIMBUS_LEDGER_STORE", "nimbus.ledger.store",
            "NIMBUS_WORK_SHARED", "nimbus.work.shared",
            "NIMBUS_INTAKE_SHARED_INBOX", "nimbus.intake.shared-inbox",
            "NIMBUS_CLUSTER_DIR", "nimbus.cluster.dir",
            "NIMBUS_SQL_POSITIONS_DIR", "nimbus.sql.positions-dir",
            "NIMBUS_COMPLETION_RETRY_DIR", "nimbus.completion.retry-dir",
            "NIMBUS_SIGNALS_PARTITIONS", "nimbus.signals.partitions",
            "NIMBUS_SIGNALS_REPLICATION_FACTOR", "nimbus.signals.replication-factor");

    private ReplicaSettings() {
    }

    /** Throws {@link Settings.InvalidSettingException} when a start with this environment would end. */
    static void check(Map<String, String> environment) {
        Map<String, String> settings = new HashMap<>(Map.of("nimbus.data.dir", "/data", "nimbus.inbox.dir", "/inbox"));
        SETTING_OF_VARIABLE.forEach((variable, setting) -> {
            if (environment.containsKey(variable)) {
                settings.put(setting, environment.get(variable));
            }
        });
        Settings.check(key -> Optional.ofNullable(settings.get(key)));
    }
}
