package io.nimbusverse.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.nimbusverse.names.FileNames;
import io.nimbusverse.run.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger in a table of a JDBC database (MySQL, MariaDB; H2 for tests), which several instances share. A key's
 * row is found by the SHA-256 of the key (a primary key whatever the key's length); its status and batch are columns
 * of their own, and the whole row is kept in the report's CSV layout, so that what is read back is exactly what was
 * written. A claim is one INSERT, or one UPDATE of a released claim: the database's primary key lets exactly one of
 * two instances claiming one key win. Every change is also appended to a history table, for the console's timelines
 * and for the items a batch lost to a replay.
 */
public class JdbcLedger implements Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLedger.class);
    private static final String ROWS = "nimbus_ledger";
    private static final String HISTORY = "nimbus_ledger_history";
    private static final String IN_FLIGHT = quoted(ItemStatus.IN_FLIGHT);
    private static final String RELEASED = quoted(Set.of(ItemStatus.REMOVED, ItemStatus.REQUEUED));
    /** a claim that meets another transaction's lock on its key is tried again, this many times at most */
    private static final int CLAIM_TRIES = 5;
    /** how often other instances' rows are looked for, and how many at most per look */
    private static final long FOLLOW_PERIOD_MS = 1000;
    private static final int FOLLOW_BATCH = 10_000;
    /** how far back a look reaches for rows committed after later ones (more than commit within one look) */
    private static final long LATE_COMMITS = 2_000;
    private static final Comparator<LedgerEntry> CLAIM_ORDER = Comparator.comparing(LedgerEntry::claimedAt)
            .thenComparing(LedgerEntry::key);

    private final DataSource dataSource;
    private final String where;
    /** the instance that writes, the same after a restart: a row names the instance that wrote it last */
    private final String instance;
    /** this run's mark on the rows it writes, for {@link #touchedSinceOpen()} */
    private final String runId = UUID.randomUUID().toString();
    private final List<Consumer<LedgerEntry>> listeners = new CopyOnWriteArrayList<>();
    /** the thread that tells the listeners other instances' rows, once there is a listener */
    private ScheduledExecutorService follower;
    /** the highest seq of another instance's row told, and those told within reach of a late commit */
    private volatile long followedUpTo;
    private final NavigableSet<Long> toldOthers = new TreeSet<>();
    private boolean followFailing;

    /**
     * @param where    the database, as the log and errors name it (its URL without credentials)
     * @param instance this instance's id, the same after a restart ({@link #inFlightHere()})
     */
    public JdbcLedger(DataSource dataSource, String where, String instance) {
        this.dataSource = dataSource;
        this.where = where;
        this.instance = instance;
    }

    @Override
    public void open() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + ROWS + " ("
                    + "key_hash CHAR(64) NOT NULL PRIMARY KEY, "
                    + "position BIGINT NOT NULL AUTO_INCREMENT UNIQUE, "
                    + "status VARCHAR(16) NOT NULL, "
                    + "batch_id VARCHAR(64) NOT NULL, "
                    + "run_id VARCHAR(36) NOT NULL, "
                    + "instance_id VARCHAR(255) NOT NULL DEFAULT '', "
                    + "entry MEDIUMTEXT NOT NULL, "
                    + "INDEX nimbus_ledger_status (status), "
                    + "INDEX nimbus_ledger_batch (batch_id))");
            st.execute("CREATE TABLE IF NOT EXISTS " + HISTORY + " ("
                    + "seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    + "key_hash CHAR(64) NOT NULL, "
                    + "batch_id VARCHAR(64) NOT NULL, "
                    + "run_id VARCHAR(36) NOT NULL DEFAULT '', "
                    + "entry MEDIUMTEXT NOT NULL, "
                    + "INDEX nimbus_ledger_history_batch (batch_id))");
            addColumn(c, HISTORY, "run_id VARCHAR(36) NOT NULL DEFAULT ''");
            if (addColumn(c, ROWS, "instance_id VARCHAR(255) NOT NULL DEFAULT ''")) {
                // one instance kept a ledger of that layout: the one that opens it now takes its rows on
                try (PreparedStatement adopt = c.prepareStatement("UPDATE " + ROWS + " SET instance_id = ?")) {
                    adopt.setString(1, instance);
                    adopt.executeUpdate();
                }
            }
        } catch (SQLException e) {
            // the start ends with one message naming the settings, as for any database the start cannot use
            throw new Settings.InvalidSettingException("Ledger in " + where + " (nimbus.ledger.jdbc-url, environment "
                    + "variable NIMBUS_LEDGER_JDBC_URL; user nimbus.ledger.jdbc-user): cannot make its tables ("
                    + e.getMessage() + ").");
        }
        LOG.info("Ledger in {} (tables {} and {}): {} keys, {} on their way", where, ROWS, HISTORY, size(),
                inFlight().size());
    }

    /** A table of an earlier version lacks the column (the history's run_id, the rows' instance_id): true if added. */
    private static boolean addColumn(Connection c, String table, String column) throws SQLException {
        String name = column.substring(0, column.indexOf(' '));
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT " + name + " FROM " + table + " WHERE 1 = 0").close();
            return false;
        } catch (SQLException noColumn) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + table + " ADD COLUMN " + column);
            }
            return true;
        }
    }

    @Override
    public synchronized void close() {
        // the data source belongs to the registry, which closes it
        if (follower != null) {
            follower.shutdownNow();
        }
    }

    // ---- IdempotentRepository: a claim is a CLAIMED row ----

    @Override
    public boolean contains(String key) {
        return query("SELECT status FROM " + ROWS + " WHERE key_hash = ?", List.of(hash(key)),
                rs -> ItemStatus.valueOf(rs.getString(1))).stream().anyMatch(s -> !s.releasesClaim());
    }

    /** Releases a claim: a REMOVED row, so the release is seen by every instance and survives a restart. */
    @Override
    public boolean remove(String key) {
        Optional<LedgerEntry> entry = find(key);
        entry.ifPresent(e -> record(e.withStatus(ItemStatus.REMOVED, "claim released")));
        return entry.isPresent();
    }

    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM " + HISTORY);
            st.executeUpdate("DELETE FROM " + ROWS);
        } catch (SQLException e) {
            throw failed("clear", e);
        }
    }

    // ---- the ledger's own API ----

    /**
     * Calls the listener with the rows this instance writes, at once, and with those other instances write, within a
     * second or so: a thread reads the history past the last row it told, every {@link #FOLLOW_PERIOD_MS}.
     */
    @Override
    public synchronized void onChange(Consumer<LedgerEntry> listener) {
        listeners.add(listener);
        if (follower == null) {
            long last = query("SELECT COALESCE(MAX(seq), 0) FROM " + HISTORY, List.of(), rs -> rs.getLong(1)).get(0);
            // the rows already there are the history's: those within reach of a late commit count as told
            query("SELECT seq FROM " + HISTORY + " WHERE seq > ?", List.of(String.valueOf(last - LATE_COMMITS)),
                    rs -> rs.getLong(1)).forEach(toldOthers::add);
            followedUpTo = last;
            follower = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "ledger-follow");
                thread.setDaemon(true);
                return thread;
            });
            follower.scheduleWithFixedDelay(this::followOthers, FOLLOW_PERIOD_MS, FOLLOW_PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Tells the listeners the rows other instances wrote since the last look. A row's seq is given at its insert,
     * and a transaction may commit after a later one: the look reaches back {@link #LATE_COMMITS} rows, and tells
     * each row once. A look that fails is told once, and the next looks go on: the thread never dies.
     */
    private void followOthers() {
        try {
            List<Map.Entry<Long, String>> rows = query("SELECT seq, entry FROM " + HISTORY
                    + " WHERE seq > ? AND run_id <> ? ORDER BY seq LIMIT " + FOLLOW_BATCH,
                    List.of(String.valueOf(followedUpTo - LATE_COMMITS), runId),
                    rs -> Map.entry(rs.getLong(1), rs.getString(2)));
            List<LedgerEntry> news = new ArrayList<>();
            for (Map.Entry<Long, String> row : rows) {
                if (toldOthers.add(row.getKey())) {
                    followedUpTo = Math.max(followedUpTo, row.getKey());
                    try {
                        news.add(parse(row.getValue()));
                    } catch (IllegalStateException unreadable) {
                        LOG.error("{}: the console skips it", unreadable.getMessage());
                    }
                }
            }
            toldOthers.headSet(followedUpTo - LATE_COMMITS, true).clear();
            tell(news);
            if (followFailing) {
                LOG.info("The console follows other instances' rows in {} again", where);
                followFailing = false;
            }
        } catch (RuntimeException e) {
            if (!followFailing) {
                LOG.warn("The console cannot follow other instances' rows in {}: {} (looked at again every second)",
                        where, e.getMessage());
                followFailing = true;
            }
        }
    }

    @Override
    public void history(Consumer<LedgerEntry> reader) {
        stream("SELECT entry FROM " + HISTORY + " ORDER BY seq", row -> reader.accept(parse(row)));
    }

    /**
     * Inserts the row of a new key, or takes over a released claim of it; of two instances claiming one key at once,
     * the database's primary key lets exactly one win.
     */
    @Override
    public boolean claim(LedgerEntry entry) {
        for (int tried = 1; ; tried++) {
            try {
                return tryClaim(entry);
            } catch (SQLException e) {
                if (!isLockConflict(e) || tried == CLAIM_TRIES) {
                    throw failed("claim " + FileNames.printable(entry.key()) + " in", e);
                }
                LOG.debug("Claim of {} met another transaction ({}): tried again", entry.key(), e.getMessage());
            }
        }
    }

    private boolean tryClaim(LedgerEntry entry) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean claimed = insert(c, entry) || update(c, entry, " AND status IN (" + RELEASED + ")") == 1;
                if (claimed) {
                    appendHistory(c, List.of(entry));
                }
                c.commit();
                if (claimed) {
                    tell(List.of(entry));
                }
                return claimed;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Writes every row in one transaction: all of them, or none. */
    @Override
    public void recordAll(Collection<LedgerEntry> changed) {
        if (changed.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (LedgerEntry entry : changed) {
                    if (update(c, entry, "") == 0 && !insert(c, entry)) {
                        // another instance wrote the key's first row meanwhile
                        update(c, entry, "");
                    }
                }
                appendHistory(c, changed);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("write " + changed.size() + " rows to", e);
        }
        tell(changed);
    }

    @Override
    public Optional<LedgerEntry> find(String key) {
        return rows("SELECT entry FROM " + ROWS + " WHERE key_hash = ? AND status <> '" + ItemStatus.REMOVED + "'",
                List.of(hash(key))).stream().findFirst();
    }

    @Override
    public List<LedgerEntry> batch(String batchId) {
        return rows("SELECT entry FROM " + ROWS + " WHERE batch_id = ? AND status <> '" + ItemStatus.REMOVED + "'",
                List.of(batchId)).stream().sorted(CLAIM_ORDER).toList();
    }

    @Override
    public List<LedgerEntry> movedOutOf(String batchId) {
        return rows("SELECT entry FROM " + ROWS + " WHERE batch_id <> ? AND status <> '" + ItemStatus.REMOVED
                + "' AND key_hash IN (SELECT key_hash FROM " + HISTORY + " WHERE batch_id = ?)",
                List.of(batchId, batchId)).stream().sorted(CLAIM_ORDER).toList();
    }

    @Override
    public List<String> batchesWith(Set<ItemStatus> statuses) {
        Ledger.onTheirWay(statuses);
        return query("SELECT DISTINCT batch_id FROM " + ROWS + " WHERE batch_id <> '' AND status IN ("
                + quoted(statuses) + ") ORDER BY batch_id", List.of(), rs -> rs.getString(1));
    }

    @Override
    public boolean anyBatchWith(Set<ItemStatus> statuses) {
        Ledger.onTheirWay(statuses);
        return !query("SELECT 1 FROM " + ROWS + " WHERE batch_id <> '' AND status IN (" + quoted(statuses)
                + ") LIMIT 1", List.of(), rs -> rs.getInt(1)).isEmpty();
    }

    @Override
    public List<LedgerEntry> inFlight() {
        return rows("SELECT entry FROM " + ROWS + " WHERE status IN (" + IN_FLIGHT + ")", List.of());
    }

    /** The items on their way whose row this instance wrote last: what it claimed, batched or moved on. */
    @Override
    public List<LedgerEntry> inFlightHere() {
        return rows("SELECT entry FROM " + ROWS + " WHERE status IN (" + IN_FLIGHT + ") AND instance_id = ?",
                List.of(instance));
    }

    @Override
    public Set<String> namesInFlight() {
        return inFlight().stream().map(LedgerEntry::name).collect(Collectors.toSet());
    }

    @Override
    public List<LedgerEntry> touchedSinceOpen() {
        return rows("SELECT entry FROM " + ROWS + " WHERE run_id = ? AND status <> '" + ItemStatus.REMOVED
                + "' ORDER BY position", List.of(runId));
    }

    @Override
    public List<LedgerEntry> entries() {
        return rows("SELECT entry FROM " + ROWS + " WHERE status <> '" + ItemStatus.REMOVED + "' ORDER BY position",
                List.of());
    }

    @Override
    public void forEachEntry(Consumer<LedgerEntry> reader) {
        stream("SELECT entry FROM " + ROWS + " WHERE status <> '" + ItemStatus.REMOVED + "' ORDER BY position",
                row -> reader.accept(parse(row)));
    }

    @Override
    public Map<ItemStatus, Long> countByStatus() {
        Map<ItemStatus, Long> byStatus = new EnumMap<>(ItemStatus.class);
        query("SELECT status, COUNT(*) FROM " + ROWS + " WHERE status <> '" + ItemStatus.REMOVED
                + "' GROUP BY status", List.of(), rs -> Map.entry(ItemStatus.valueOf(rs.getString(1)), rs.getLong(2)))
                .forEach(e -> byStatus.put(e.getKey(), e.getValue()));
        return byStatus;
    }

    @Override
    public int size() {
        return query("SELECT COUNT(*) FROM " + ROWS + " WHERE status <> '" + ItemStatus.REMOVED + "'", List.of(),
                rs -> rs.getInt(1)).get(0);
    }

    // ---- the tables ----

    private int update(Connection c, LedgerEntry entry, String condition) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + ROWS
                + " SET status = ?, batch_id = ?, run_id = ?, instance_id = ?, entry = ? WHERE key_hash = ?"
                + condition)) {
            update.setString(1, entry.status().name());
            update.setString(2, nullToEmpty(entry.batchId()));
            update.setString(3, runId);
            update.setString(4, instance);
            update.setString(5, LedgerCsv.format(entry));
            update.setString(6, hash(entry.key()));
            return update.executeUpdate();
        }
    }

    /**
     * Inserts the key's row; false when the key has a row already. A savepoint keeps the transaction usable after
     * the refused insert, whatever the database.
     */
    private boolean insert(Connection c, LedgerEntry entry) throws SQLException {
        Savepoint before = c.setSavepoint();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + ROWS
                + " (key_hash, status, batch_id, run_id, instance_id, entry) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, hash(entry.key()));
            insert.setString(2, entry.status().name());
            insert.setString(3, nullToEmpty(entry.batchId()));
            insert.setString(4, runId);
            insert.setString(5, instance);
            insert.setString(6, LedgerCsv.format(entry));
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            c.rollback(before);
            return false;
        }
    }

    private void appendHistory(Connection c, Collection<LedgerEntry> changed) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + HISTORY
                + " (key_hash, batch_id, run_id, entry) VALUES (?, ?, ?, ?)")) {
            for (LedgerEntry entry : changed) {
                insert.setString(1, hash(entry.key()));
                insert.setString(2, nullToEmpty(entry.batchId()));
                insert.setString(3, runId);
                insert.setString(4, LedgerCsv.format(entry));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void tell(Collection<LedgerEntry> written) {
        for (Consumer<LedgerEntry> listener : listeners) {
            written.forEach(listener);
        }
    }

    private List<LedgerEntry> rows(String sql, List<String> parameters) {
        List<LedgerEntry> rows = new ArrayList<>();
        for (String row : query(sql, parameters, rs -> rs.getString(1))) {
            rows.add(parse(row));
        }
        return rows;
    }

    private LedgerEntry parse(String row) {
        return LedgerCsv.parse(row, LedgerCsv.FIELDS).orElseThrow(() -> new IllegalStateException(
                "Ledger in " + where + ": a row cannot be read: " + FileNames.printable(row)));
    }

    /** Reads the rows of one query as they come: the memory of a row at a time, however many there are. */
    private void stream(String sql, Consumer<String> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            // MariaDB's driver streams the rows then (MySQL's driver and H2 take it as a hint only)
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    reader.accept(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw failed("read", e);
        }
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, List<String> parameters, Column<T> column) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                st.setString(i + 1, parameters.get(i));
            }
            List<T> values = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    values.add(column.read(rs));
                }
            }
            return values;
        } catch (SQLException e) {
            throw failed("read", e);
        }
    }

    /** SQLState class 23 is an integrity constraint violation: here, the key is there already. */
    private static boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    /**
     * Another transaction held the key: a deadlock or serialization failure (SQLState class 40), a lock wait that
     * timed out (HYT00, MySQL's 1205), H2's concurrent update (90131).
     */
    private static boolean isLockConflict(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("40") || state.equals("HYT00") || e.getErrorCode() == 1205
                || e.getErrorCode() == 90131;
    }

    private static String quoted(Set<ItemStatus> statuses) {
        return statuses.stream().map(s -> "'" + s + "'").collect(Collectors.joining(","));
    }

    private static String hash(String key) {
        return FileNames.sha256Hex(key);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** A database that fails is the outside world: the stage's transient failure, retried (routes/errors.yaml). */
    private UncheckedIOException failed(String what, SQLException e) {
        String message = "Ledger in " + where + ": cannot " + what + " the ledger tables (" + e.getMessage() + ")";
        return new UncheckedIOException(message, new IOException(message, e));
    }
}
