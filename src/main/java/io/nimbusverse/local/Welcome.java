package io.nimbusverse.local;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the user where to look once the pipeline runs: when Camel has fully started, after its own start lines (a
 * route's first exchange can come before them).
 */
public class Welcome implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(Welcome.class);

    private final String text;

    private Welcome(String text) {
        this.text = text;
    }

    /** Where things are on the embedded stack of the local profile. */
    public static Welcome local(String inbox, String s3Folder, String ledger, int imapPort, String mailTo,
            String httpUrl, String consoleUrl, String jdbcUrl) {
        return new Welcome("""

                NimbusVerse is running on its embedded stack.
                  drop files into  %s
                  console          %s
                  data in S3       %s (one file per object)
                  ledger           %s
                  e-mails          IMAP 127.0.0.1:%d, user and password %s
                  metrics          %s/observe/metrics   health %s/observe/health
                  loaded tables    %s
                """.formatted(inbox, consoleUrl, s3Folder, ledger, imapPort, mailTo, httpUrl, httpUrl, jdbcUrl));
    }

    /** Where things are when every server is an external one. */
    public static Welcome external(String inbox, String s3, String ledger, String httpUrl, String consoleUrl) {
        return new Welcome("""

                NimbusVerse is running.
                  drop files into  %s
                  console          %s
                  data in S3       %s
                  ledger           %s
                  metrics          %s/observe/metrics   health %s/observe/health
                """.formatted(inbox, consoleUrl, s3, ledger, httpUrl, httpUrl));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // its routes are started, its start lines not yet written
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        LOG.info(text);
    }
}
