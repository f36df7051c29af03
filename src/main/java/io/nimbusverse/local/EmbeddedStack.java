package io.nimbusverse.local;

import java.nio.file.Path;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of the local profile, in this JVM: a Kafka broker (KRaft), S3Proxy over a folder, and GreenMail
 * (SMTP and IMAP). H2 needs no server: the JDBC URL opens its file. State lives under the data folder, so a restart
 * resumes where the last run stopped.
 */
public class EmbeddedStack extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final EmbeddedMail mail;

    public EmbeddedStack(Path dataDir, int kafkaPort, int kafkaControllerPort, int s3Port, String bucket, int smtpPort,
            int imapPort, String recipients) {
        this.kafka = new EmbeddedKafka(dataDir.resolve("kafka"), kafkaPort, kafkaControllerPort);
        this.s3 = new EmbeddedS3(dataDir.resolve("s3"), s3Port, bucket);
        this.mail = new EmbeddedMail(smtpPort, imapPort, recipients);
    }

    @Override
    protected void doStart() throws Exception {
        long start = System.nanoTime();
        mail.start();
        s3.start();
        kafka.start();
        LOG.info("Embedded stack up in {} ms: Kafka {}, S3 {}, SMTP and IMAP", (System.nanoTime() - start) / 1_000_000,
                kafka.bootstrapServers(), s3.endpoint());
    }

    @Override
    protected void doStop() throws Exception {
        kafka.stop();
        s3.stop();
        mail.stop();
    }
}
