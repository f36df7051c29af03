package io.nimbusverse.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance runs the routes that must run on one instance of a cluster at a time (those with
 * {@code routePolicy: oneInstance}). One lock decides, the way a primary node does: Camel's clustered route policy
 * over Camel's file lock cluster service, on a folder every instance sees, so a cluster needs no server of its own
 * beyond the file system its instances already share. The policy starts and stops the routes through Camel's route
 * controller, so a route handed over finishes the exchange it is in first. {@code nimbus_cluster_leader} is 1 where
 * they run.
 */
public class Leadership {

    /** The lock's name: its file in the lock folder. */
    public static final String LOCK = "one-instance";

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final ClusteredRoutePolicy policy;
    private final String instanceId;
    private boolean ledAtLastLook;

    public Leadership(ClusteredRoutePolicy policy, String instanceId, MeterRegistry metrics) {
        this.policy = policy;
        this.instanceId = instanceId;
        Gauge.builder("nimbus.cluster.leader", this, leadership -> leadership.leads() ? 1 : 0)
                .description("1 while this instance runs the routes that run on one instance at a time")
                .register(metrics);
    }

    /**
     * The file lock service on {@code folder}: a leader writes its heartbeat every {@code heartbeatMs}; one silent for
     * {@code missedHeartbeats} of them is taken over by another instance.
     */
    public static FileLockClusterService fileLocks(Path folder, String instanceId, long heartbeatMs,
            int missedHeartbeats) {
        FileLockClusterService service = new FileLockClusterService();
        service.setId(instanceId);
        service.setRoot(folder.toAbsolutePath().toString());
        // Camel refuses 0; the first look is aligned on the heartbeat's period anyway
        service.setAcquireLockDelay(1, TimeUnit.MILLISECONDS);
        service.setAcquireLockInterval(heartbeatMs, TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier(missedHeartbeats);
        return service;
    }

    /** The route policy of the routes that run on one instance at a time, started as soon as the lock is held. */
    public static ClusteredRoutePolicy oneInstance(CamelClusterService cluster) throws Exception {
        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(cluster, LOCK);
        policy.setInitialDelay(Duration.ZERO);
        return policy;
    }

    /** Whether this instance holds the lock, and so runs those routes. */
    public boolean leads() {
        return policy.isLeader();
    }

    /** Says when this instance took or lost the lock since the last look: called on a timer. */
    public synchronized void refresh() {
        boolean leads = leads();
        if (leads && !ledAtLastLook) {
            LOG.info("This instance ({}) runs the routes that run on one instance at a time", instanceId);
        } else if (!leads && ledAtLastLook) {
            LOG.info("This instance ({}) no longer runs the routes that run on one instance at a time: another "
                    + "instance leads", instanceId);
        }
        ledAtLastLook = leads;
    }
}
