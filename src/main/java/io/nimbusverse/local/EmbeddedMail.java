package io.nimbusverse.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail: SMTP for the pipeline's e-mails, IMAP so that any mail client can read them. Every recipient gets a
 * mailbox on first delivery, with its address as login and password.
 */
final class EmbeddedMail {

    private final int smtpPort;
    private final int imapPort;
    private GreenMail greenMail;

    EmbeddedMail(int smtpPort, int imapPort) {
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
    }

    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
        });
        greenMail.start();
    }

    void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }
}
