package io.nimbusverse.convert;

import java.io.IOException;
import java.util.Arrays;

import io.nimbusverse.convert.ColumnChunkWriter.PageSettings;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.BooleanStatistics;
import org.apache.parquet.column.statistics.DoubleStatistics;
import org.apache.parquet.column.statistics.FloatStatistics;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/** The column writers of each physical type, and the dictionaries they use. */
final class ColumnChunkWriters {

    private ColumnChunkWriters() {
    }

    static ColumnChunkWriter create(ColumnDescriptor descriptor, CsvColumn column, boolean useDictionary,
            PageSettings settings) {
        if (column.isWideDecimal()) {
            return new WideDecimals(descriptor, settings);
        }
        return switch (column.type()) {
            case DOUBLE -> new Doubles(descriptor, useDictionary, settings);
            case BOOLEAN -> new Booleans(descriptor, settings);
            case NONE, STRING -> new Texts(descriptor, useDictionary, settings);
            default -> new Numbers(descriptor, useDictionary, settings);
        };
    }

    /** INT64 or INT32 values: longs, decimals, dates, timestamps. */
    static final class Numbers extends ColumnChunkWriter {
        private final boolean int32;
        private final long[] values;
        private int n;
        private int nonNull;
        private long min;
        private long max;
        private final LongIds dict;

        Numbers(ColumnDescriptor d, boolean useDictionary, PageSettings settings) {
            super(d, useDictionary, settings);
            this.int32 = type.getPrimitiveTypeName() == PrimitiveTypeName.INT32;
            this.values = new long[settings.pageValues()];
            this.dict = useDictionary ? new LongIds() : null;
        }

        @Override
        void append(RowBatch batch, int column) throws IOException {
            long[] src = batch.longs[column];
            boolean[] present = batch.present[column];
            boolean deferred = batch.deferred[column];
            for (int r = 0; r < batch.size; r++) {
                if (!present[r]) {
                    addNull();
                    continue;
                }
                long v = deferred ? Deferred.parseLong(batch, column, r) : src[r];
                if (nonNull++ == 0) {
                    min = v;
                    max = v;
                } else if (v < min) {
                    min = v;
                } else if (v > max) {
                    max = v;
                }
                if (dictionary) {
                    ids[idCount++] = dict.idOf(v);
                    valueAdded();
                    checkDictionarySize();
                } else {
                    values[n++] = v;
                    valueAdded();
                }
            }
        }

        @Override
        void writePlainValues(Output out) {
            if (int32) {
                out.writeIntsLE(values, n);
            } else {
                out.writeLongsLE(values, n);
            }
        }

        @Override
        Statistics<?> pageStatistics() {
            Statistics<?> statistics = Statistics.createStats(type);
            if (nonNull > 0) {
                if (int32) {
                    ((IntStatistics) statistics).setMinMax((int) min, (int) max);
                } else {
                    ((LongStatistics) statistics).setMinMax(min, max);
                }
            }
            return statistics;
        }

        @Override
        long pageValueBytes() {
            return dictionary ? idCount : (long) n * (int32 ? 4 : 8);
        }

        @Override
        void resetPage() {
            n = 0;
            nonNull = 0;
        }

        @Override
        int writeDictionary(Output out) {
            if (int32) {
                out.writeIntsLE(dict.values, dict.size);
            } else {
                out.writeLongsLE(dict.values, dict.size);
            }
            return dict.size;
        }

        @Override
        int dictionarySize() {
            return dict.size;
        }

        @Override
        long dictionaryBytes() {
            return (long) dict.size * (int32 ? 4 : 8);
        }

        @Override
        void resetDictionary() {
            dict.clear();
        }
    }

    /**
     * DECIMAL values of more digits than a long holds, as FIXED_LEN_BYTE_ARRAY: the unscaled value in two's
     * complement, big-endian, sign-extended to the column's length. No dictionary: such values rarely repeat.
     */
    static final class WideDecimals extends ColumnChunkWriter {
        private final int width;
        private final byte[] values;
        private int n;
        private Statistics<?> statistics;

        WideDecimals(ColumnDescriptor d, PageSettings settings) {
            super(d, false, settings);
            this.width = d.getPrimitiveType().getTypeLength();
            this.values = new byte[settings.pageValues() * width];
            this.statistics = Statistics.createStats(type);
        }

        @Override
        void append(RowBatch batch, int column) throws IOException {
            boolean[] present = batch.present[column];
            for (int r = 0; r < batch.size; r++) {
                if (!present[r]) {
                    addNull();
                    continue;
                }
                // the parsing thread left the value as its fixed-length bytes
                int at = n * width;
                System.arraycopy(batch.text[column], batch.textOffsets[column][r], values, at, width);
                statistics.updateStats(Binary.fromReusedByteArray(values, at, width));
                n++;
                valueAdded();
            }
        }

        @Override
        void writePlainValues(Output out) {
            out.writeBytes(values, 0, n * width);
        }

        @Override
        Statistics<?> pageStatistics() {
            return statistics;
        }

        @Override
        long pageValueBytes() {
            return (long) n * width;
        }

        @Override
        void resetPage() {
            n = 0;
            statistics = Statistics.createStats(type);
        }
    }

    /** DOUBLE or FLOAT values (a float held widened, exactly); NaN stays out of the statistics. */
    static final class Doubles extends ColumnChunkWriter {
        private final boolean float32;
        private final double[] values;
        private int n;
        private boolean ordered;
        private double min;
        private double max;
        private final LongIds dict;

        Doubles(ColumnDescriptor d, boolean useDictionary, PageSettings settings) {
            super(d, useDictionary, settings);
            this.float32 = type.getPrimitiveTypeName() == PrimitiveTypeName.FLOAT;
            this.values = new double[settings.pageValues()];
            this.dict = useDictionary ? new LongIds() : null;
        }

        @Override
        void append(RowBatch batch, int column) throws IOException {
            double[] src = batch.doubles[column];
            boolean[] present = batch.present[column];
            boolean deferred = batch.deferred[column];
            for (int r = 0; r < batch.size; r++) {
                if (!present[r]) {
                    addNull();
                    continue;
                }
                double v = deferred ? Deferred.parseDouble(batch, column, r) : src[r];
                if (!Double.isNaN(v)) {
                    if (!ordered) {
                        min = v;
                        max = v;
                        ordered = true;
                    } else if (v < min) {
                        min = v;
                    } else if (v > max) {
                        max = v;
                    }
                }
                if (dictionary) {
                    ids[idCount++] = dict.idOf(float32 ? Float.floatToRawIntBits((float) v)
                            : Double.doubleToRawLongBits(v));
                    valueAdded();
                    checkDictionarySize();
                } else {
                    values[n++] = v;
                    valueAdded();
                }
            }
        }

        @Override
        void writePlainValues(Output out) {
            if (float32) {
                out.writeFloatsLE(values, n);
            } else {
                out.writeDoublesLE(values, n);
            }
        }

        @Override
        Statistics<?> pageStatistics() {
            Statistics<?> statistics = Statistics.createStats(type);
            if (ordered) {
                if (float32) {
                    ((FloatStatistics) statistics).setMinMax((float) min, (float) max);
                } else {
                    ((DoubleStatistics) statistics).setMinMax(min, max);
                }
            }
            return statistics;
        }

        @Override
        long pageValueBytes() {
            return dictionary ? idCount : n * (float32 ? 4L : 8L);
        }

        @Override
        void resetPage() {
            n = 0;
            ordered = false;
        }

        @Override
        int writeDictionary(Output out) {
            // the raw bits of a double (a float), little-endian, are its PLAIN encoding
            if (float32) {
                out.writeIntsLE(dict.values, dict.size);
            } else {
                out.writeLongsLE(dict.values, dict.size);
            }
            return dict.size;
        }

        @Override
        int dictionarySize() {
            return dict.size;
        }

        @Override
        long dictionaryBytes() {
            return dict.size * (float32 ? 4L : 8L);
        }

        @Override
        void resetDictionary() {
            dict.clear();
        }
    }

    /** BOOLEAN values, bit-packed. */
    static final class Booleans extends ColumnChunkWriter {
        private final boolean[] values;
        private int n;
        private boolean anyTrue;
        private boolean anyFalse;

        Booleans(ColumnDescriptor d, PageSettings settings) {
            super(d, false, settings);
            this.values = new boolean[settings.pageValues()];
        }

        @Override
        void append(RowBatch batch, int column) throws IOException {
            boolean[] src = batch.booleans[column];
            boolean[] present = batch.present[column];
            for (int r = 0; r < batch.size; r++) {
                if (!present[r]) {
                    addNull();
                    continue;
                }
                boolean v = src[r];
                anyTrue |= v;
                anyFalse |= !v;
                values[n++] = v;
                valueAdded();
            }
        }

        @Override
        void writePlainValues(Output out) {
            out.ensure((n + 7) / 8);
            for (int i = 0; i < n; i += 8) {
                int packed = 0;
                for (int bit = 0; bit < 8 && i + bit < n; bit++) {
                    if (values[i + bit]) {
                        packed |= 1 << bit;
                    }
                }
                out.write(packed);
            }
        }

        @Override
        Statistics<?> pageStatistics() {
            BooleanStatistics statistics = (BooleanStatistics) Statistics.createStats(type);
            if (anyTrue || anyFalse) {
                statistics.setMinMax(!anyFalse, anyTrue);
            }
            return statistics;
        }

        @Override
        long pageValueBytes() {
            return (n + 7) / 8;
        }

        @Override
        void resetPage() {
            n = 0;
            anyTrue = false;
            anyFalse = false;
        }
    }

    /** BYTE_ARRAY values (UTF-8 text); statistics compare bytes unsigned, as Parquet orders strings. */
    static final class Texts extends ColumnChunkWriter {
        private byte[] arena;
        private int used;
        private final int[] offsets;
        private final int[] lengths;
        private int n;
        private int nonNull;
        private byte[] minBytes;
        private int minOff;
        private int minLen;
        private byte[] maxBytes;
        private int maxOff;
        private int maxLen;
        private final BytesIds dict;

        Texts(ColumnDescriptor d, boolean useDictionary, PageSettings settings) {
            super(d, useDictionary, settings);
            this.arena = new byte[Math.min(1 << 16, settings.pageValues() * 16)];
            this.offsets = new int[settings.pageValues()];
            this.lengths = new int[settings.pageValues()];
            this.dict = useDictionary ? new BytesIds() : null;
        }

        @Override
        void append(RowBatch batch, int column) throws IOException {
            byte[] src = batch.text[column];
            int[] srcOffsets = batch.textOffsets[column];
            int[] srcLengths = batch.textLengths[column];
            boolean[] present = batch.present[column];
            for (int r = 0; r < batch.size; r++) {
                if (!present[r]) {
                    addNull();
                    continue;
                }
                int off = srcOffsets[r];
                int len = srcLengths[r];
                if (dictionary) {
                    int id = dict.idOf(src, off, len);
                    ids[idCount++] = id;
                    // statistics keep references to the dictionary's copy of the value
                    trackMinMax(dict.arena, dict.offsets[id], len);
                    valueAdded();
                    checkDictionarySize();
                } else {
                    if (arena.length - used < len) {
                        // min and max may point into the old array: it keeps its bytes, so they stay right
                        arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + len));
                    }
                    System.arraycopy(src, off, arena, used, len);
                    offsets[n] = used;
                    lengths[n] = len;
                    n++;
                    trackMinMax(arena, used, len);
                    used += len;
                    valueAdded();
                }
            }
        }

        private void trackMinMax(byte[] b, int off, int len) {
            if (nonNull++ == 0) {
                minBytes = b;
                minOff = off;
                minLen = len;
                maxBytes = b;
                maxOff = off;
                maxLen = len;
                return;
            }
            if (Arrays.compareUnsigned(b, off, off + len, minBytes, minOff, minOff + minLen) < 0) {
                minBytes = b;
                minOff = off;
                minLen = len;
            } else if (Arrays.compareUnsigned(b, off, off + len, maxBytes, maxOff, maxOff + maxLen) > 0) {
                maxBytes = b;
                maxOff = off;
                maxLen = len;
            }
        }

        @Override
        void writePlainValues(Output out) {
            out.ensure(used + 4 * n);
            for (int i = 0; i < n; i++) {
                out.writeIntLE(lengths[i]);
                out.writeBytes(arena, offsets[i], lengths[i]);
            }
        }

        @Override
        Statistics<?> pageStatistics() {
            BinaryStatistics statistics = (BinaryStatistics) Statistics.createStats(type);
            if (nonNull > 0) {
                statistics.setMinMax(
                        Binary.fromConstantByteArray(Arrays.copyOfRange(minBytes, minOff, minOff + minLen)),
                        Binary.fromConstantByteArray(Arrays.copyOfRange(maxBytes, maxOff, maxOff + maxLen)));
            }
            return statistics;
        }

        @Override
        long pageValueBytes() {
            return dictionary ? idCount : used + 4L * n;
        }

        @Override
        void resetPage() {
            n = 0;
            used = 0;
            nonNull = 0;
            minBytes = null;
            maxBytes = null;
        }

        @Override
        int writeDictionary(Output out) {
            for (int id = 0; id < dict.size; id++) {
                out.writeIntLE(dict.lengths[id]);
                out.writeBytes(dict.arena, dict.offsets[id], dict.lengths[id]);
            }
            return dict.size;
        }

        @Override
        int dictionarySize() {
            return dict.size;
        }

        @Override
        long dictionaryBytes() {
            return dict.used + 4L * dict.size;
        }

        @Override
        void resetDictionary() {
            dict.clear();
        }
    }

    /** Values of the columns the parsing thread left as text, parsed here on the writing thread. */
    static final class Deferred {
        private Deferred() {
        }

        static long parseLong(RowBatch batch, int column, int row) {
            byte[] b = batch.text[column];
            int off = batch.textOffsets[column][row];
            int len = batch.textLengths[column][row];
            try {
                return switch (batch.types[column]) {
                    case DATE -> CsvValues.parseDate(b, off, len);
                    case TIMESTAMP -> CsvValues.parseTimestampMicros(b, off, len, false);
                    case TIMESTAMP_TZ -> CsvValues.parseTimestampMicros(b, off, len, true);
                    case DECIMAL -> CsvValues.parseUnscaled(b, off, len, batch.precisions[column],
                            batch.scales[column]);
                    default -> CsvValues.parseLong(b, off, len);
                };
            } catch (IllegalArgumentException mismatch) {
                throw new TypedRowHandler.ColumnWidening(column, CsvValues.shape(b, off, len), batch.lines[row]);
            }
        }

        static double parseDouble(RowBatch batch, int column, int row) {
            byte[] b = batch.text[column];
            int off = batch.textOffsets[column][row];
            int len = batch.textLengths[column][row];
            try {
                return CsvValues.parseDouble(b, off, len);
            } catch (IllegalArgumentException mismatch) {
                throw new TypedRowHandler.ColumnWidening(column, CsvValues.shape(b, off, len), batch.lines[row]);
            }
        }
    }

    /** Ids of long values in first-seen order: an open-addressing table, no boxing. */
    static final class LongIds {
        long[] values = new long[16];
        int size;
        private long[] keys = new long[32];
        private int[] slots = new int[32];

        int idOf(long key) {
            int mask = slots.length - 1;
            int i = mix(key) & mask;
            while (slots[i] != 0) {
                if (keys[i] == key) {
                    return slots[i] - 1;
                }
                i = (i + 1) & mask;
            }
            keys[i] = key;
            slots[i] = size + 1;
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size] = key;
            int id = size++;
            if (size * 2 > slots.length) {
                rehash();
            }
            return id;
        }

        private void rehash() {
            long[] oldKeys = keys;
            int[] oldSlots = slots;
            keys = new long[oldKeys.length * 2];
            slots = new int[oldSlots.length * 2];
            int mask = slots.length - 1;
            for (int j = 0; j < oldSlots.length; j++) {
                if (oldSlots[j] != 0) {
                    int i = mix(oldKeys[j]) & mask;
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    slots[i] = oldSlots[j];
                }
            }
        }

        void clear() {
            size = 0;
            Arrays.fill(slots, 0);
        }

        private static int mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }

    /** Ids of byte strings in first-seen order, each stored once in an arena. */
    static final class BytesIds {
        byte[] arena = new byte[256];
        int used;
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        private int[] hashes = new int[16];
        int size;
        private int[] slots = new int[32];

        int idOf(byte[] b, int off, int len) {
            int hash = hash(b, off, len);
            int mask = slots.length - 1;
            int i = hash & mask;
            while (slots[i] != 0) {
                int id = slots[i] - 1;
                if (hashes[id] == hash && lengths[id] == len
                        && Arrays.equals(arena, offsets[id], offsets[id] + len, b, off, off + len)) {
                    return id;
                }
                i = (i + 1) & mask;
            }
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            if (arena.length - used < len) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + len));
            }
            System.arraycopy(b, off, arena, used, len);
            offsets[size] = used;
            lengths[size] = len;
            hashes[size] = hash;
            used += len;
            slots[i] = size + 1;
            int id = size++;
            if (size * 2 > slots.length) {
                rehash();
            }
            return id;
        }

        private void rehash() {
            slots = new int[slots.length * 2];
            int mask = slots.length - 1;
            for (int id = 0; id < size; id++) {
                int i = hashes[id] & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = id + 1;
            }
        }

        void clear() {
            size = 0;
            used = 0;
            Arrays.fill(slots, 0);
        }

        private static int hash(byte[] b, int off, int len) {
            int h = 0x811C9DC5;
            for (int i = off; i < off + len; i++) {
                h = (h ^ b[i]) * 0x01000193;
            }
            return h ^ (h >>> 16);
        }
    }
}
