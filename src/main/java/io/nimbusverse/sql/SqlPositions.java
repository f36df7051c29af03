package io.nimbusverse.sql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nimbusverse.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each table stands, kept on disk so that a restart resumes where it stopped: for a table read by a
 * watermark, the watermark and key of the last row exported (handed to its query as typed JDBC parameters); for a
 * table read by a processed flag, the flags themselves, set on the exported rows.
 *
 * <p>A chunk moves its table forward only once it is claimed in the ledger, and the claim and the move cannot
 * happen at once. So the move is first written down as pending, then the chunk is claimed, then the table moved,
 * then the pending move dropped. A crash in between leaves the pending move, which {@link #resolvePending(String)}
 * (before every poll of the table) carries out when the ledger has the chunk and drops when it has not: the rows of a chunk are
 * never read again once exported, and never skipped when not.
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

    /** A move of a table past a chunk, as it is written down while pending. */
    public record Move(String table, String chunk, String keyColumn, String watermarkColumn, String flagColumn,
            String lastWatermark, String lastKey, List<Object> keys) {

        static Move of(SqlChunk chunk) {
            return new Move(chunk.getTable(), chunk.getKey(), chunk.getKeyColumn(), chunk.getWatermarkColumn(),
                    chunk.getFlagColumn(), SqlChunks.text(chunk.getLastWatermark()),
                    SqlChunks.text(chunk.getLastKey()), chunk.getFlagColumn() == null ? List.of() : chunk.getKeys());
        }
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
    }

    /** The watermark of the last row exported, or a value below any when none was. */
    public synchronized Object value(String table, String column) throws SQLException {
        return typed(table, column, watermarks.getProperty(table + ".watermark"));
    }

    /** The key of the last row exported, or a value below any when none was. */
    public synchronized Object key(String table, String column) throws SQLException {
        return typed(table, column, watermarks.getProperty(table + ".key"));
    }

    /** Writes down, durably, that the table is about to move past the chunk. */
    synchronized void pending(SqlChunk chunk) {
        Path file = pendingFile(chunk.getTable());
        try {
            writeDurably(file, json.writeValueAsBytes(Move.of(chunk)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Moves the table past a claimed chunk and drops the pending move. */
    synchronized void move(SqlChunk chunk) throws SQLException {
        carryOut(Move.of(chunk));
    }

    /**
     * Carries out the table's pending move when the ledger has its chunk, and drops it when not. Called before each
     * poll of that table, on the thread that also claims its chunks, so it never meets a claim half done.
     */
    public synchronized void resolvePending(String table) throws IOException, SQLException {
        Path file = pendingFile(table);
        if (!Files.exists(file)) {
            return;
        }
        Move move = json.readValue(file.toFile(), Move.class);
        if (ledger.contains(move.chunk())) {
            LOG.info("{} was claimed before the last stop: moving {} past it", move.chunk(), move.table());
            carryOut(move);
        } else {
            LOG.info("{} was never claimed: its rows are read again", move.chunk());
            Files.delete(file);
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
        try {
            Files.deleteIfExists(pendingFile(move.table()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot drop the pending move of " + move.table(), e);
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
            writeDurably(watermarksFile, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the watermarks in " + watermarksFile, e);
        }
    }

    /** Replaces the file at once, its content on disk before it returns. */
    private static void writeDurably(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path pendingFile(String table) {
        return pendingDir.resolve(table + ".json");
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
