package io.nimbusverse.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail: SMTP for the pipeline's e-mails, IMAP so that any mail client can read them. The recipients' mailboxes
 * exist from the start (a mail client can log in before the first mail), with its address as login and password;
 * any other recipient gets one on first delivery.
 */
final class EmbeddedMail {

    private final int smtpPort;
    private final int imapPort;
    private final String recipients;
    private GreenMail greenMail;

    /** @param recipients the pipeline's recipients (nimbus.mail.to, comma-separated): each gets its mailbox now */
    EmbeddedMail(int smtpPort, int imapPort, String recipients) {
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
        this.recipients = recipients;
    }

    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
        });
        greenMail.start();
        for (String address : recipients.split(",")) {
            if (!address.isBlank()) {
                greenMail.setUser(address.trim(), address.trim(), address.trim());
            }
        }
    }

    void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }
}
