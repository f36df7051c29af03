package io.nimbusverse;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;

/** Reads a mailbox over IMAP, as any mail client would. */
public final class Mailbox {

    private Mailbox() {
    }

    /** A received e-mail: subject, recipients and text. */
    public record Mail(String subject, List<String> to, String contentType, String text) {
    }

    public static List<Mail> read(int imapPort, String user) throws Exception {
        Session session = Session.getInstance(new Properties());
        List<Mail> mails = new ArrayList<>();
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", imapPort, user, user);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                for (Message message : inbox.getMessages()) {
                    List<String> to = new ArrayList<>();
                    for (var address : message.getAllRecipients()) {
                        to.add(((InternetAddress) address).getAddress());
                    }
                    Object content = message.getContent();
                    String text = content instanceof java.io.InputStream in
                            ? new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            : String.valueOf(content);
                    mails.add(new Mail(message.getSubject(), to, message.getContentType(), text));
                }
            } finally {
                inbox.close(false);
            }
        }
        return mails;
    }
}
