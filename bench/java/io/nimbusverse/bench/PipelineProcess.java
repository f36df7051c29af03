package io.nimbusverse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nimbusverse.NimbusApp;
import io.nimbusverse.NimbusMain;

/**
 * The application in a JVM of its own, with its default settings and embedded stack, on a data folder of the
 * benchmark's (own ports, no demo files, no MySQL tables: the benchmark's files are the only work), and what its
 * ledger says afterwards. {@code -Dbench.jvm="..."} adds options to its command line (a profiler, a setting).
 */
final class PipelineProcess {

    static final String HEAP = "-Xmx512m";

    private PipelineProcess() {
    }

    /** Starts the application; its output goes to {@code <data>/../app.log}. */
    static Process start(Path data, Path rules, boolean runOnce, String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), NimbusApp.JVM_OPTIONS, HEAP,
                "-XX:+ExitOnOutOfMemoryError",
                "-Dnimbus.data.dir=" + data,
                "-Dnimbus.samples.feed=false",
                "-Dnimbus.sql.enabled=false",
                "-Dnimbus.datasets.rules-file=" + rules,
                "-Dnimbus.embedded.kafka-port=" + freePort(),
                "-Dnimbus.embedded.kafka-controller-port=" + freePort(),
                "-Dnimbus.embedded.s3-port=" + freePort(),
                "-Dnimbus.embedded.smtp-port=" + freePort(),
                "-Dnimbus.embedded.imap-port=" + freePort(),
                "-Dnimbus.http.port=" + freePort(),
                "-Dcamel.main.routes-reload-enabled=false"));
        command.addAll(List.of(properties));
        String extra = System.getProperty("bench.jvm", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NimbusMain.class.getName()));
        if (runOnce) {
            command.add("--run-once");
        }
        Path log = data.resolveSibling("app.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ledger's rows (latest last) as status -> the times (updatedAt) of its rows, in file order. */
    static Map<String, List<Instant>> ledgerTimes(Path data) throws IOException {
        Map<String, List<Instant>> times = new HashMap<>();
        Path ledger = data.resolve("ledger/report.csv");
        for (String line : Files.readAllLines(ledger)) {
            String[] f = line.split(",", -1);
            if (f.length < 10 || f[0].equals("key")) {
                continue;
            }
            // names of the benchmark's files hold no comma or quote: the fields are at their places
            times.computeIfAbsent(f[6], s -> new ArrayList<>()).add(Instant.parse(f[9]));
        }
        return times;
    }

    static String tail(Path data, int lines) throws IOException {
        List<String> all = Files.readAllLines(data.resolveSibling("app.log"));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
