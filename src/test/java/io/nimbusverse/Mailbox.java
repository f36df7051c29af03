package io.nimbusverse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;

/** Reads a mailbox over IMAP, as any mail client would. */
public final class Mailbox {

    private Mailbox() {
    }

    /**
     * A received e-mail: subject, recipients, its content type, and its plain-text and HTML parts (one of them empty
     * when the mail has only the other).
     */
    public record Mail(String subject, List<String> to, String contentType, String text, String html) {
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
                    mails.add(new Mail(message.getSubject(), to, message.getContentType(),
                            partOf(message, "text/plain"), partOf(message, "text/html")));
                }
            } finally {
                inbox.close(false);
            }
        }
        return mails;
    }

    /** The text of the first part of this type, in the message or its multipart alternatives; empty if none. */
    private static String partOf(Part part, String type) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = partOf(multipart.getBodyPart(i), type);
                if (!text.isEmpty()) {
                    return text;
                }
            }
            return "";
        }
        if (!part.isMimeType(type)) {
            return "";
        }
        Object content = part.getContent();
        return content instanceof InputStream in ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : String.valueOf(content);
    }
}
