package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes that run on one instance at a time, across separate JVMs on one lock folder, with the cluster service
 * the application builds ({@link Leadership#fileLocks}) and its default timing: one instance leads, the others stand
 * by; a leader killed with SIGKILL, or stopped, is replaced within the documented bound; an instance that restarts
 * alone after a kill leads again within it.
 */
class LeadershipIT {

    /** nimbus.cluster.heartbeat-ms and nimbus.cluster.missed-heartbeats as shipped. */
    private static final long HEARTBEAT_MS = 1000;
    private static final int MISSED = 3;
    /** The bound application.properties documents: (missed-heartbeats + 2) x heartbeat-ms. */
    private static final Duration TAKEOVER = Duration.ofMillis((MISSED + 2) * HEARTBEAT_MS);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void oneLeadsTheOthersStandByAndAKilledLeaderIsReplacedWithinTheBound() throws Exception {
        Process a = member("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> ticks("a") > 0);
        Process b = member("b");
        Process c = member("c");
        // b and c started and looked at the lock several times: neither runs the route while a leads
        await().during(TAKEOVER.multipliedBy(2)).atMost(TAKEOVER.multipliedBy(3))
                .until(() -> ticks("b") == 0 && ticks("c") == 0 && a.isAlive());

        long killedAt = System.nanoTime();
        a.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await().atMost(TAKEOVER).until(() -> ticks("b") + ticks("c") > 0);
        long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("Leader killed with SIGKILL: taken over in %d ms%n", takeoverMs);
        // exactly one of the two took over, and stays the only one
        String leader = ticks("b") > 0 ? "b" : "c";
        String standby = leader.equals("b") ? "c" : "b";
        await().during(TAKEOVER).atMost(TAKEOVER.multipliedBy(2)).until(() -> ticks(standby) == 0);

        // stopped the way a container is (SIGTERM): Camel stops its routes, then the last one left takes over
        Process leaderProcess = leader.equals("b") ? b : c;
        long stoppedAt = System.nanoTime();
        leaderProcess.destroy();
        assertThat(leaderProcess.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(TAKEOVER).until(() -> ticks(standby) > 0);
        System.out.printf("Leader stopped: taken over in %d ms%n", (System.nanoTime() - stoppedAt) / 1_000_000);
    }

    @Test
    void anInstanceRestartedAloneAfterAKillLeadsAgain() throws Exception {
        Process first = member("first");
        await().atMost(Duration.ofSeconds(30)).until(() -> ticks("first") > 0);
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        long restartedAt = System.nanoTime();
        member("again");
        // the JVM's own start is part of it: allow for it beside the takeover
        await().atMost(TAKEOVER.plusSeconds(20)).until(() -> ticks("again") > 0);
        System.out.printf("Restarted alone after a kill: leads %d ms after the start of its JVM%n",
                (System.nanoTime() - restartedAt) / 1_000_000);
    }

    /** Ticks of the single route this member ran: lines in its own file. */
    private long ticks(String member) throws IOException {
        Path file = dir.resolve(member + ".ticks");
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private Process member(String name) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), Member.class.getName(),
                dir.resolve("locks").toString(), name, dir.resolve(name + ".ticks").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        return process;
    }

    /** One instance: a route of the oneInstance policy that appends a line to its file every 100 ms while it leads. */
    public static final class Member {

        public static void main(String[] args) throws Exception {
            Path locks = Path.of(args[0]);
            String name = args[1];
            Path ticks = Path.of(args[2]);
            CamelContext context = new DefaultCamelContext();
            FileLockClusterService cluster = Leadership.fileLocks(locks, name, HEARTBEAT_MS, MISSED);
            context.addService(cluster, true, true);
            context.getRegistry().bind("oneInstance", Leadership.oneInstance(cluster));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:tick?delay=0&period=100").routeId("singleton").routePolicyRef("oneInstance")
                            .process(exchange -> Files.writeString(ticks, name + "\n", StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND));
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(context::stop));
            context.start();
            Thread.currentThread().join();
        }
    }
}
