package io.nimbusverse.sql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.intake.DurableFiles;
import io.nimbusverse.ledger.ItemStatus;
import io.nimbusverse.ledger.Ledger;
import io.nimbusverse.ledger.LedgerEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each table stands, kept on disk so that a restart resumes where it stopped: for a table read by a
 * watermark, the watermark and key of the last row exported (handed to its query as typed JDBC parameters); for a
 * table read by a processed flag, the flags themselves, set on the exported rows.
 *
 * <p>A row is marked exported (its flag set, the durable watermark moved past it) only once its chunk is in S3 and
 * the ledger says so (UPLOADED or later): a flag means the data is safe. Until then the chunk's move is pending:
 * written down before the chunk is claimed, one file per chunk in claim order, and the table is read past it (the
 * read position is the last pending chunk's), so its rows are not read again meanwhile. Before every poll of a
 * table, {@link #resolvePending(String)} settles its pending moves in order: carried out when the ledger has the
 * chunk uploaded (or set aside for good), dropped when the ledger never had it (a crash between the two: its rows are
 * read again), kept while the chunk is on its way. A restart reads the pending moves back.
 */
public class SqlPositions {

    private static final Logger LOG = LoggerFactory.getLogger(SqlPositions.class);
    private static final int KEYS_PER_UPDATE = 1000;

    private final Path watermarksFile;
    private final Path pendingDir;
    private final DataSource source;
    private final Ledger ledger;
    private final ObjectMapper json;
    private final Properties watermarks = new Properties();
    private final Map<String, Integer> columnTypes = new ConcurrentHashMap<>();
    /** when each table was last polled, by this process */
    private final Map<String, Instant> lastPolls = new ConcurrentHashMap<>();
    /** the pending moves of each table, in claim order */
    private final Map<String, List<Pending>> pending = new ConcurrentHashMap<>();

    /** A move of a table past a chunk, as it is written down while pending. */
    public record Move(String table, String chunk, String keyColumn, String watermarkColumn, String flagColumn,
            String lastWatermark, String lastKey, List<Object> keys) {

        static Move of(SqlChunk chunk) {
            return new Move(chunk.getTable(), chunk.getKey(), chunk.getKeyColumn(), chunk.getWatermarkColumn(),
                    chunk.getFlagColumn(), SqlChunks.text(chunk.getLastWatermark()),
                    SqlChunks.text(chunk.getLastKey()), chunk.getFlagColumn() == null ? List.of() : chunk.getKeys());
        }
    }

    /** A pending move and the file it is written down in; the file's number is its place in the claim order. */
    private record Pending(long order, Path file, Move move) {
    }

    public SqlPositions(Path dir, DataSource source, Ledger ledger, ObjectMapper json) {
        this.watermarksFile = dir.resolve("watermarks.properties");
        this.pendingDir = dir.resolve("pending");
        this.source = source;
        this.ledger = ledger;
        this.json = json;
    }

    public void open() throws IOException {
        Files.createDirectories(pendingDir);
        if (Files.exists(watermarksFile)) {
            try (Reader reader = Files.newBufferedReader(watermarksFile)) {
                watermarks.load(reader);
            }
        }
        try (Stream<Path> entries = Files.list(pendingDir)) {
            for (Path entry : entries.sorted().toList()) {
                if (Files.isDirectory(entry)) {
                    readPending(entry);
                } else if (entry.getFileName().toString().endsWith(".json")) {
                    // one move per table, as earlier versions wrote it: it becomes the table's first
                    Move move = json.readValue(entry.toFile(), Move.class);
                    Path file = pendingDir.resolve(move.table()).resolve("0.json");
                    DurableFiles.replace(file, Files.readAllBytes(entry));
                    Files.delete(entry);
                    pending.computeIfAbsent(move.table(), t -> new ArrayList<>()).add(new Pending(0, file, move));
                }
            }
        }
    }

    private void readPending(Path tableDir) throws IOException {
        List<Pending> moves = new ArrayList<>();
        try (Stream<Path> files = Files.list(tableDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("\\d+\\.json")).toList()) {
                String name = file.getFileName().toString();
                moves.add(new Pending(Long.parseLong(name.substring(0, name.length() - 5)), file,
                        json.readValue(file.toFile(), Move.class)));
            }
        }
        moves.sort(Comparator.comparingLong(Pending::order));
        if (!moves.isEmpty()) {
            pending.computeIfAbsent(moves.get(0).move().table(), t -> new ArrayList<>()).addAll(moves);
        }
    }

    /**
     * Where a table stands, as the console shows it: its exported watermark and key (a table read by a flag has
     * none: its flags are in the table itself), the chunks on their way, and its last poll since the start.
     */
    public record Position(String table, String watermark, String key, int chunksOnTheirWay, Instant lastPoll) {
    }

    /** Every table polled or with a position, by name. */
    public synchronized List<Position> positions() {
        SortedSet<String> tables = new TreeSet<>(lastPolls.keySet());
        tables.addAll(pending.keySet());
        watermarks.stringPropertyNames().forEach(name -> tables.add(name.substring(0, name.lastIndexOf('.'))));
        return tables.stream().map(table -> new Position(table, watermarks.getProperty(table + ".watermark"),
                watermarks.getProperty(table + ".key"), pending.getOrDefault(table, List.of()).size(),
                lastPolls.get(table))).toList();
    }

    /** Where the table is read from: past its last pending chunk, or its last exported row. */
    public synchronized Object value(String table, String column) throws SQLException {
        return typed(table, column, lastPending(table).map(Move::lastWatermark)
                .orElse(watermarks.getProperty(table + ".watermark")));
    }

    /**
     * The key the table is read past: that of its last pending chunk, else of its last exported row (a table read
     * by a flag has none: its flags say what was exported), else a value below any.
     */
    public synchronized Object key(String table, String column) throws SQLException {
        return typed(table, column, lastPending(table).map(Move::lastKey)
                .orElse(watermarks.getProperty(table + ".key")));
    }

    private Optional<Move> lastPending(String table) {
        List<Pending> moves = pending.getOrDefault(table, List.of());
        return moves.isEmpty() ? Optional.empty() : Optional.of(moves.get(moves.size() - 1).move());
    }

    /**
     * Writes down, durably, that the table moves past the chunk once the chunk is safe, and reads past it from now
     * on. Written before the chunk is claimed; a chunk already pending is left as it is.
     */
    synchronized void pending(SqlChunk chunk) {
        List<Pending> moves = pending.computeIfAbsent(chunk.getTable(), t -> new ArrayList<>());
        if (moves.stream().anyMatch(p -> p.move().chunk().equals(chunk.getKey()))) {
            return;
        }
        long order = moves.isEmpty() ? 0 : moves.get(moves.size() - 1).order() + 1;
        Path file = pendingDir.resolve(chunk.getTable()).resolve(order + ".json");
        Move move = Move.of(chunk);
        try {
            DurableFiles.replace(file, json.writeValueAsBytes(move));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        moves.add(new Pending(order, file, move));
    }

    /**
     * Settles the table's pending moves, in claim order: a chunk the ledger never had is dropped (its rows are read
     * again); a chunk in S3 (UPLOADED or later) or set aside for good moves the table past it; the first chunk still
     * on its way stops the settling, so that a table never moves past a row that is not safe. Called before each
     * poll of that table, on the thread that also claims its chunks, so it never meets a claim half done.
     */
    public synchronized void resolvePending(String table) throws IOException, SQLException {
        lastPolls.put(table, Instant.now());
        List<Pending> moves = pending.get(table);
        if (moves == null || moves.isEmpty()) {
            return;
        }
        for (Pending never : moves.stream().filter(p -> !ledger.contains(p.move().chunk())).toList()) {
            LOG.info("{} was never claimed: its rows are read again", never.move().chunk());
            Files.deleteIfExists(never.file());
            moves.remove(never);
        }
        while (!moves.isEmpty()) {
            Pending first = moves.get(0);
            ItemStatus status = ledger.find(first.move().chunk()).map(LedgerEntry::status).orElseThrow();
            if (!status.reached(ItemStatus.UPLOADED)) {
                return;
            }
            carryOut(first.move());
            Files.deleteIfExists(first.file());
            moves.remove(0);
        }
    }

    private void carryOut(Move move) throws SQLException {
        if (move.flagColumn() != null) {
            setFlags(move);
        } else {
            watermarks.setProperty(move.table() + ".watermark", move.lastWatermark());
            watermarks.setProperty(move.table() + ".key", move.lastKey());
            saveWatermarks();
        }
    }

    private void setFlags(Move move) throws SQLException {
        try (Connection c = source.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (int from = 0; from < move.keys().size(); from += KEYS_PER_UPDATE) {
                    List<Object> keys = move.keys().subList(from, Math.min(move.keys().size(), from + KEYS_PER_UPDATE));
                    String marks = String.join(", ", Collections.nCopies(keys.size(), "?"));
                    try (PreparedStatement update = c.prepareStatement("UPDATE " + move.table() + " SET "
                            + move.flagColumn() + " = TRUE WHERE " + move.keyColumn() + " IN (" + marks + ")")) {
                        for (int i = 0; i < keys.size(); i++) {
                            update.setObject(i + 1, keys.get(i));
                        }
                        update.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private void saveWatermarks() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.ISO_8859_1)) {
                watermarks.store(writer, "where each table read by a watermark stands (NimbusVerse)");
            }
            DurableFiles.replace(watermarksFile, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the watermarks in " + watermarksFile, e);
        }
    }

    private Object typed(String table, String column, String saved) throws SQLException {
        int type = typeOf(table, column);
        return switch (type) {
            case Types.TIMESTAMP -> saved == null ? LocalDateTime.of(1, 1, 1, 0, 0) : LocalDateTime.parse(saved);
            case Types.DATE -> saved == null ? LocalDate.of(1, 1, 1) : LocalDate.parse(saved);
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC,
                    Types.REAL, Types.FLOAT, Types.DOUBLE -> saved == null
                            ? BigDecimal.valueOf(Long.MIN_VALUE).subtract(BigDecimal.ONE) : new BigDecimal(saved);
            default -> saved == null ? "" : saved;
        };
    }

    private int typeOf(String table, String column) throws SQLException {
        Integer known = columnTypes.get(table + "." + column);
        if (known != null) {
            return known;
        }
        try (Connection c = source.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table + " WHERE 1 = 0")) {
            int type = rs.getMetaData().getColumnType(1);
            columnTypes.put(table + "." + column, type);
            return type;
        }
    }
}
