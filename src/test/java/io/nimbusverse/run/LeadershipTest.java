package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nimbusverse.LogCapture;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeadershipTest {

    @TempDir
    Path dir;

    @Test
    void theLeaderRunsTheRoutesSaysSoAndAStopWaitsForTheExchangeInFlight() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        FileLockClusterService cluster = Leadership.fileLocks(dir, "me", 200, 3);
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        try (LogCapture log = LogCapture.attach(); CamelContext context = new DefaultCamelContext()) {
            context.addService(cluster, true, true);
            ClusteredRoutePolicy oneInstance = Leadership.oneInstance(cluster);
            Leadership leadership = new Leadership(oneInstance, "me", metrics);
            context.getRegistry().bind("oneInstance", oneInstance);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:watch?period=10&delay=0").routeId("watcher").routePolicyRef("oneInstance")
                            .process(exchange -> {
                                inside.countDown();
                                Thread.sleep(500);
                                finished.incrementAndGet();
                            });
                }
            });
            assertThat(leadership.leads()).isFalse();
            context.start();
            await().atMost(Duration.ofSeconds(10)).until(leadership::leads);
            assertThat(dir.resolve(Leadership.LOCK)).exists();
            assertThat(metrics.get("nimbus.cluster.leader").gauge().value()).isEqualTo(1.0);
            leadership.refresh();
            leadership.refresh();
            assertThat(log.lines()).containsOnlyOnce("INFO io.nimbusverse.run.Leadership This instance (me) runs the "
                    + "routes that run on one instance at a time");

            // a route stopped (a reload, a shutdown, the lock handed over) ends the exchange it is in first
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            context.getRouteController().stopRoute("watcher", 30, TimeUnit.SECONDS);
            assertThat(finished.get()).isPositive();
            assertThat(log.lines()).noneMatch(line -> line.contains("RejectedExecutionException"));
        }
    }
}
