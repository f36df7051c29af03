package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe by default: with the pipeline running on its embedded stack, every socket this JVM listens on is bound to the
 * loopback address (Kafka, S3, SMTP, IMAP, the management port), the H2 databases open no port at all, and the state
 * folder is its owner's alone. Read from the kernel's own tables ({@code /proc/net/tcp}), not from our settings.
 */
class SecurityIT {

    @TempDir
    Path dir;

    /** A listening socket: its local address (hex, as the kernel writes it) and port. */
    private record Listening(String address, int port) {
        boolean loopback() {
            return address.equals("0100007F") // 127.0.0.1
                    || address.equals("00000000000000000000000001000000") // ::1
                    || address.equals("0000000000000000FFFF00000100007F"); // ::ffff:127.0.0.1
        }
    }

    @Test
    void everyServerListensOnLoopbackOnlyAndTheStateIsPrivate() throws Exception {
        Set<Listening> before = listeningOfThisJvm();
        try (NimbusApp app = new NimbusApp(dir).start()) {
            Set<Listening> listening = listeningOfThisJvm();
            listening.removeAll(before);
            List<Integer> ports = listening.stream().map(Listening::port).toList();

            assertThat(ports).contains(app.kafkaPort, app.kafkaControllerPort, app.s3Port, app.smtpPort,
                    app.imapPort, app.httpPort);
            // nothing else: no database server, no other port
            assertThat(ports).containsOnly(app.kafkaPort, app.kafkaControllerPort, app.s3Port, app.smtpPort,
                    app.imapPort, app.httpPort);
            assertThat(listening).as("every listening socket is on loopback").allMatch(Listening::loopback);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        }
    }

    /** The TCP sockets in LISTEN state that belong to this process (their inodes are among its descriptors). */
    private static Set<Listening> listeningOfThisJvm() throws Exception {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : descriptors.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException gone) {
                    // a descriptor closed while listed
                }
            }
        }
        Set<Listening> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listening.add(new Listening(local[0], Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listening;
    }
}
