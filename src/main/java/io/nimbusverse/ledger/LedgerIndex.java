package io.nimbusverse.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Every key of the ledger in about 60 bytes of heap: the key's 32-byte digest (a file's SHA-256 as it is, any other
 * key hashed), where its latest row starts in the file, its status and its batch (a batch id of the pipeline packs
 * into a long). The rows themselves stay in the file. An open-addressing table of entry numbers finds a key.
 *
 * <p>Not thread-safe: the ledger calls it under its own lock.
 */
final class LedgerIndex {

    private static final int DIGEST = 32;
    private static final byte DERIVED = 1;
    private static final byte TOUCHED = 2;
    private static final ItemStatus[] STATUSES = ItemStatus.values();
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] digests;
    private long[] offsets;
    private long[] batches;
    private byte[] statuses;
    private byte[] flags;
    private int size;
    /** entry number + 1 per slot; 0 is a free slot */
    private int[] table;
    /** the entries that went into each batch, by batch code (an entry that moved on is skipped when read) */
    private final Map<Long, int[]> batchEntries = new HashMap<>();
    /** batch ids that do not pack into a long, by negative code */
    private final List<String> otherBatches = new ArrayList<>();
    private final Map<String, Long> otherBatchCodes = new HashMap<>();

    LedgerIndex(int expected) {
        int capacity = Math.max(16, expected);
        digests = new byte[capacity * DIGEST];
        offsets = new long[capacity];
        batches = new long[capacity];
        statuses = new byte[capacity];
        flags = new byte[capacity];
        table = new int[tableSizeFor(capacity)];
    }

    int size() {
        return size;
    }

    /** The entry number of the key, or -1. */
    int find(String key) {
        boolean derived = isDerived(key);
        return find(digestOf(key, derived), derived);
    }

    /** Records the latest row of a key; returns the status its previous row had, or null for a new key. */
    ItemStatus put(String key, ItemStatus status, String batchId, long offset, boolean touched) {
        boolean derived = isDerived(key);
        byte[] digest = digestOf(key, derived);
        int entry = find(digest, derived);
        ItemStatus previous = entry < 0 ? null : status(entry);
        if (entry < 0) {
            entry = append(digest, derived);
        }
        statuses[entry] = (byte) status.ordinal();
        long code = batchCode(batchId);
        if (code != 0 && (previous == null || batches[entry] != code)) {
            addToBatch(code, entry);
        }
        batches[entry] = code;
        offsets[entry] = offset;
        flags[entry] = (byte) ((derived ? DERIVED : 0) | (touched || (flags[entry] & TOUCHED) != 0 ? TOUCHED : 0));
        return previous;
    }

    ItemStatus status(int entry) {
        return STATUSES[statuses[entry]];
    }

    long offset(int entry) {
        return offsets[entry];
    }

    boolean touched(int entry) {
        return (flags[entry] & TOUCHED) != 0;
    }

    /** Calls back with every entry of the batch, once each, without looking at the entries of other batches. */
    void forEachOfBatch(String batchId, IntConsumer action) {
        forEachListedIn(batchId, true, action);
    }

    /** Calls back with every entry that was in the batch and is in another one now (a replay, a reload), once each. */
    void forEachFormerOfBatch(String batchId, IntConsumer action) {
        forEachListedIn(batchId, false, action);
    }

    /** The entries ever listed under the batch that are in it now ({@code current}), or that went on to another. */
    private void forEachListedIn(String batchId, boolean current, IntConsumer action) {
        long code = existingBatchCode(batchId);
        int[] entries = code == 0 ? null : batchEntries.get(code);
        if (entries == null) {
            return;
        }
        // an entry that left the batch and came back is listed twice: only its first listing counts
        Set<Integer> seen = new HashSet<>();
        for (int i = 1; i <= entries[0]; i++) {
            int entry = entries[i];
            if ((batches[entry] == code) == current && seen.add(entry)) {
                action.accept(entry);
            }
        }
    }

    /** Lists the entry under the batch: an int array whose first element counts the entries that follow. */
    private void addToBatch(long code, int entry) {
        int[] entries = batchEntries.get(code);
        if (entries == null) {
            entries = new int[5];
        } else if (entries[0] + 1 == entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        entries[++entries[0]] = entry;
        batchEntries.put(code, entries);
    }

    // ---- digests and the table ----

    /** Whether the key is not a SHA-256 in lower-case hex (a file's key), and is hashed to make its digest. */
    private static boolean isDerived(String key) {
        if (key.length() != DIGEST * 2) {
            return true;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return true;
            }
        }
        return false;
    }

    private static byte[] digestOf(String key, boolean derived) {
        if (!derived) {
            return HexFormat.of().parseHex(key);
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private int find(byte[] digest, boolean derived) {
        int mask = table.length - 1;
        for (int slot = slotOf(digest, mask); ; slot = (slot + 1) & mask) {
            int entry = table[slot] - 1;
            if (entry < 0) {
                return -1;
            }
            if (((flags[entry] & DERIVED) != 0) == derived
                    && Arrays.equals(digests, entry * DIGEST, entry * DIGEST + DIGEST, digest, 0, DIGEST)) {
                return entry;
            }
        }
    }

    private int append(byte[] digest, boolean derived) {
        if (size == offsets.length) {
            grow();
        }
        int entry = size++;
        System.arraycopy(digest, 0, digests, entry * DIGEST, DIGEST);
        flags[entry] = derived ? DERIVED : 0;
        if (size * 2L > table.length) {
            rehash(table.length * 2);
        } else {
            insert(entry, table);
        }
        return entry;
    }

    private void insert(int entry, int[] into) {
        int mask = into.length - 1;
        int slot = slotOf(digests, entry * DIGEST, mask);
        while (into[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        into[slot] = entry + 1;
    }

    private void rehash(int tableSize) {
        table = new int[tableSize];
        for (int entry = 0; entry < size; entry++) {
            insert(entry, table);
        }
    }

    private void grow() {
        int capacity = offsets.length + (offsets.length >> 1);
        digests = Arrays.copyOf(digests, capacity * DIGEST);
        offsets = Arrays.copyOf(offsets, capacity);
        batches = Arrays.copyOf(batches, capacity);
        statuses = Arrays.copyOf(statuses, capacity);
        flags = Arrays.copyOf(flags, capacity);
    }

    private static int tableSizeFor(int capacity) {
        return Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
    }

    private static int slotOf(byte[] digest, int mask) {
        return slotOf(digest, 0, mask);
    }

    /** All 32 bytes mixed (a key that is not a real hash, or made to collide, still spreads over the table). */
    private static int slotOf(byte[] bytes, int from, int mask) {
        long h = 0;
        for (int i = 0; i < DIGEST; i += Long.BYTES) {
            h = h * 31 + (long) LONGS.get(bytes, from + i);
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    // ---- batch ids ----

    /** A pipeline batch id ({@code 20261125T181833Z-3fa9c1}) packed as its epoch second and random part, plus 1. */
    private long batchCode(String batchId) {
        if (batchId == null || batchId.isEmpty()) {
            return 0;
        }
        long packed = packed(batchId);
        if (packed > 0) {
            return packed;
        }
        return otherBatchCodes.computeIfAbsent(batchId, id -> {
            otherBatches.add(id);
            return (long) -otherBatches.size();
        });
    }

    private long existingBatchCode(String batchId) {
        long packed = packed(batchId);
        return packed > 0 ? packed : otherBatchCodes.getOrDefault(batchId, 0L);
    }

    private static long packed(String batchId) {
        if (batchId.length() != 23 || batchId.charAt(8) != 'T' || batchId.charAt(15) != 'Z'
                || batchId.charAt(16) != '-') {
            return -1;
        }
        for (int i = 0; i < 15; i++) {
            if (i != 8 && !Character.isDigit(batchId.charAt(i))) {
                return -1;
            }
        }
        long random = 0;
        for (int i = 17; i < 23; i++) {
            int digit = Character.digit(batchId.charAt(i), 16);
            if (digit < 0 || Character.isUpperCase(batchId.charAt(i))) {
                return -1;
            }
            random = random << 4 | digit;
        }
        try {
            long seconds = LocalDateTime.of(number(batchId, 0, 4), number(batchId, 4, 6), number(batchId, 6, 8),
                    number(batchId, 9, 11), number(batchId, 11, 13), number(batchId, 13, 15))
                    .toEpochSecond(ZoneOffset.UTC);
            return seconds < 0 ? -1 : (seconds << 24 | random) + 1;
        } catch (DateTimeException e) {
            return -1;
        }
    }

    private static int number(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + text.charAt(i) - '0';
        }
        return value;
    }
}
