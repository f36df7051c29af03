package io.nimbusverse.intake;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.sql.DataSource;

import io.nimbusverse.names.FileNames;
import io.nimbusverse.run.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of a shared inbox in a table of the ledger's database ({@code nimbus_inbox_leases}): one row per name
 * taken, with the instance that holds it and when that instance last said it lives. Taking a free name is one INSERT
 * (the primary key lets one of two instances win); taking it over from a holder that stopped renewing is one
 * conditional UPDATE (one of two instances changes the row). A thread renews this instance's leases, all in one
 * UPDATE, three times per lease time.
 *
 * <p>The times are the instances' clocks: they must agree within a small part of the lease time (NTP does).
 */
public class JdbcInboxLeases implements InboxLeases, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcInboxLeases.class);
    private static final String TABLE = "nimbus_inbox_leases";

    private final DataSource dataSource;
    private final String where;
    private final String owner;
    private final long leaseMs;
    private ScheduledExecutorService renewer;
    private volatile boolean renewFailing;

    /**
     * @param where   the database, as logs name it
     * @param owner   this instance's id, the same after a restart: it takes its own leases back at once
     * @param lease   how long a lease lasts without renewal: a dead instance's files are the others' after it
     */
    public JdbcInboxLeases(DataSource dataSource, String where, String owner, Duration lease) {
        this.dataSource = dataSource;
        this.where = where;
        this.owner = owner;
        this.leaseMs = lease.toMillis();
    }

    /** Makes the table if it is missing, and starts renewing this instance's leases. */
    public void open() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "name_hash CHAR(64) NOT NULL PRIMARY KEY, "
                    + "name TEXT NOT NULL, "
                    + "owner VARCHAR(255) NOT NULL, "
                    + "renewed_at BIGINT NOT NULL, "
                    + "INDEX nimbus_inbox_leases_owner (owner))");
        } catch (SQLException e) {
            throw new Settings.InvalidSettingException("Shared inbox leases in " + where + " (nimbus.ledger.jdbc-url,"
                    + " environment variable NIMBUS_LEDGER_JDBC_URL): cannot make table " + TABLE + " ("
                    + e.getMessage() + ").");
        }
        renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "inbox-leases");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, leaseMs / 3);
        renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Shared inbox: files are taken under leases in {} (table {}), as {}; a lease lasts {} ms without "
                + "renewal", where, TABLE, owner, leaseMs);
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    @Override
    public boolean take(String name) {
        String hash = FileNames.sha256Hex(name);
        long now = System.currentTimeMillis();
        try (Connection c = dataSource.getConnection()) {
            // IGNORE: a name taken already is no error (a driver logs each error it meets, and the instances meet
            // each other's names at every poll)
            try (PreparedStatement insert = c.prepareStatement("INSERT IGNORE INTO " + TABLE
                    + " (name_hash, name, owner, renewed_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, hash);
                insert.setString(2, name);
                insert.setString(3, owner);
                insert.setLong(4, now);
                if (insert.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE
                    + " SET owner = ?, renewed_at = ? WHERE name_hash = ? AND (owner = ? OR renewed_at < ?)")) {
                update.setString(1, owner);
                update.setLong(2, now);
                update.setString(3, hash);
                update.setString(4, owner);
                update.setLong(5, now - leaseMs);
                return update.executeUpdate() == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot take the lease of inbox file " + FileNames.printable(name) + " in "
                    + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM " + TABLE + " WHERE name_hash = ? AND owner = ?")) {
            delete.setString(1, FileNames.sha256Hex(name));
            delete.setString(2, owner);
            delete.executeUpdate();
        } catch (SQLException e) {
            // the lease stays this instance's: its next file under the name is taken here, which is no loss
            LOG.warn("Cannot give up the lease of inbox file {} in {}: {}", FileNames.printable(name), where,
                    e.getMessage());
        }
    }

    @Override
    public void releaseWhere(Predicate<String> nothingLeft) {
        List<Map.Entry<String, Long>> leases = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT name, renewed_at FROM " + TABLE + " WHERE owner = ?")) {
                select.setString(1, owner);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        leases.add(Map.entry(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            // a lease renewed or taken again since it was read is left for the next time
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE
                    + " WHERE name_hash = ? AND owner = ? AND renewed_at = ?")) {
                for (Map.Entry<String, Long> lease : leases) {
                    if (nothingLeft.test(lease.getKey())) {
                        delete.setString(1, FileNames.sha256Hex(lease.getKey()));
                        delete.setString(2, owner);
                        delete.setLong(3, lease.getValue());
                        delete.executeUpdate();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot look at this instance's inbox leases in " + where + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Says this instance lives, for all its leases at once. A renewal that fails is logged once, and its recovery:
     * the thread goes on, and leases not renewed within the lease time become the others'.
     */
    void renew() {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE " + TABLE + " SET renewed_at = ? WHERE owner = ?")) {
            update.setLong(1, System.currentTimeMillis());
            update.setString(2, owner);
            update.executeUpdate();
            if (renewFailing) {
                LOG.info("The shared inbox's leases are renewed in {} again", where);
                renewFailing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!renewFailing) {
                LOG.warn("Cannot renew the shared inbox's leases in {}: {} (tried again every {} ms; leases not "
                        + "renewed within {} ms go to other instances)", where, e.getMessage(),
                        Math.max(1, leaseMs / 3), leaseMs);
                renewFailing = true;
            }
        }
    }
}
