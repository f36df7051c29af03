package io.nimbusverse.local;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/** A one-node Kafka broker in KRaft mode (broker and controller), in this JVM, with its log under a folder. */
final class EmbeddedKafka {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    EmbeddedKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    void start() throws Exception {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // the log cleaner (of the compacted offsets topic) allocates its dedupe buffer on the heap at start: 128 MiB
        // by default, for a topic of a few thousand offsets here
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 << 20));
        props.put("auto.create.topics.enable", "true");
        // after a kill, the restarted broker cannot register until the controller has given up on the killed one's
        // session (9 s by default, 12 s more at every start after a crash); broker and controller share this process
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("broker.session.timeout.ms", "3000");
        KafkaConfig config = new KafkaConfig(props);

        // the storage is formatted once; a restart finds its cluster id in meta.properties and resumes the log
        if (!Files.exists(dir.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dir.toAbsolutePath().toString())
                    .setDirectories(Set.of(dir.toAbsolutePath().toString()))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
