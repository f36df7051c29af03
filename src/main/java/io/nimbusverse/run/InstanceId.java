package io.nimbusverse.run;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import io.nimbusverse.names.FileNames;

/**
 * This instance's name, the same after a restart (even after a kill) and distinct for two instances: Kafka's static
 * membership ({@code group.instance.id}: a restarted process is the same member and takes its stages' signals back at
 * once, instead of holding its group for the rebalance timeout), the cluster lock, the leases of a shared inbox and
 * the rows it writes in a shared ledger all know it by it.
 */
public final class InstanceId {

    private InstanceId() {
    }

    /**
     * The configured id, or one made of the host's name and the data folder's path: the same instance on restart,
     * distinct for two instances on one host with their own data folders.
     */
    public static String of(String configured, Path dataDir) {
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
