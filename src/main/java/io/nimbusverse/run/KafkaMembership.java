package io.nimbusverse.run;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import io.nimbusverse.names.FileNames;

/**
 * This instance's name in the stages' consumer groups (Kafka's static membership, {@code group.instance.id}): a
 * process that restarts, even after a kill, is the same member and takes its stages' signals back at once. Without
 * it, a process killed while its group was rebalancing holds the group until the broker gives up on it, which is the
 * rebalance timeout (max.poll.interval.ms: 30 minutes here), not the session timeout.
 */
public final class KafkaMembership {

    private KafkaMembership() {
    }

    /**
     * The configured id, or one made of the host's name and the data folder's path: the same instance on restart,
     * distinct for two instances on one host with their own data folders.
     */
    public static String instanceId(String configured, Path dataDir) {
        if (!configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "nimbus-" + host + "-" + FileNames.sha256Hex(dataDir.toAbsolutePath().normalize().toString())
                .substring(0, 12);
    }
}
