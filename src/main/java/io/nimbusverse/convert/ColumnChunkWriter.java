package io.nimbusverse.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Encodes one column of a row group into Parquet data pages (format v1): definition levels as RLE for a nullable
 * column, values PLAIN, or as dictionary ids for a column whose values repeat. Pages are compressed as they fill and
 * kept until the row group is written, like parquet-java does, but values are taken a column at a time from a
 * {@link RowBatch}, with no record assembly in between.
 */
abstract class ColumnChunkWriter {

    /** Dictionaries with more entries than this fall back to PLAIN for the rest of the row group. */
    static final int DICTIONARY_MAX_ENTRIES = 1 << 16;

    /**
     * What every column of a file shares: the codec, the page sizes, how large a dictionary may grow, and the
     * buffers a page is encoded in. Pages are flushed one at a time on the writing thread, so one set of buffers
     * serves all columns: a file of thousands of columns does not hold thousands of them.
     *
     * @param pageValues         values per page at most
     * @param pageBytes          bytes of values per page at most
     * @param dictionaryMaxBytes a dictionary larger than this falls back to PLAIN for the rest of the row group
     */
    record PageSettings(PageCompressor compressor, CompressionCodecName codec, int pageValues, int pageBytes,
            int dictionaryMaxBytes, Output body, Output levelBytes) {

        PageSettings(PageCompressor compressor, CompressionCodecName codec, int pageValues, int pageBytes,
                int dictionaryMaxBytes) {
            this(compressor, codec, pageValues, pageBytes, dictionaryMaxBytes, new Output(), new Output());
        }
    }

    private record Page(byte[] bytes, int uncompressedSize, int valueCount, Statistics<?> statistics,
            Encoding encoding) {
    }

    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    final boolean optional;
    private final PageCompressor compressor;
    private final CompressionCodecName codec;
    private final int pageValues;
    private final int pageBytes;
    private final int dictionaryMaxBytes;
    private final List<Page> pages = new ArrayList<>();
    private final Output body;
    private final Output levelBytes;

    /** definition levels of the page (nullable columns only) */
    private final int[] levels;
    /** values of the page, nulls included */
    int pageCount;
    int pageNulls;
    /** dictionary ids of the page's values, while the dictionary is in use */
    final int[] ids;
    int idCount;
    private final boolean useDictionary;
    boolean dictionary;
    private boolean dictionaryPagesWritten;
    private long chunkValues;
    private long chunkBytes;

    ColumnChunkWriter(ColumnDescriptor descriptor, boolean useDictionary, PageSettings settings) {
        this.descriptor = descriptor;
        this.type = descriptor.getPrimitiveType();
        this.optional = descriptor.getMaxDefinitionLevel() > 0;
        this.compressor = settings.compressor();
        this.codec = settings.codec();
        this.pageValues = settings.pageValues();
        this.pageBytes = settings.pageBytes();
        this.dictionaryMaxBytes = settings.dictionaryMaxBytes();
        this.body = settings.body();
        this.levelBytes = settings.levelBytes();
        this.levels = optional ? new int[pageValues] : null;
        this.useDictionary = useDictionary;
        this.dictionary = useDictionary;
        this.ids = useDictionary ? new int[pageValues] : null;
    }

    /** Appends column {@code column} of the batch's rows. */
    abstract void append(RowBatch batch, int column) throws IOException;

    /** PLAIN bytes of the page's non-null values. */
    abstract void writePlainValues(Output out);

    /** Min, max and null count of the page. */
    abstract Statistics<?> pageStatistics();

    /** Bytes the page's values take so far. */
    abstract long pageValueBytes();

    abstract void resetPage();

    /**
     * PLAIN bytes of the dictionary, or nothing when no dictionary was built. Writers that never keep one (booleans,
     * wide decimals) leave these four as they are.
     */
    int writeDictionary(Output out) {
        return 0;
    }

    int dictionarySize() {
        return 0;
    }

    long dictionaryBytes() {
        return 0;
    }

    void resetDictionary() {
    }

    final void addNull() throws IOException {
        levels[pageCount++] = 0;
        pageNulls++;
        if (pageCount == pageValues) {
            flushPage();
        }
    }

    /** Called after a value was stored: its definition level, and a new page when this one is full. */
    final void valueAdded() throws IOException {
        if (optional) {
            levels[pageCount] = 1;
        }
        pageCount++;
        if (pageCount == pageValues || pageValueBytes() >= pageBytes) {
            flushPage();
        }
    }

    /** Stops using the dictionary once it is too big: the pages so far keep it, the next ones are PLAIN. */
    final void checkDictionarySize() throws IOException {
        if (dictionary && (dictionaryBytes() > dictionaryMaxBytes || dictionarySize() >= DICTIONARY_MAX_ENTRIES)) {
            flushPage();
            dictionary = false;
        }
    }

    final void flushPage() throws IOException {
        if (pageCount == 0) {
            return;
        }
        body.reset();
        if (optional) {
            levelBytes.reset();
            RleHybrid.encode(levels, pageCount, 1, levelBytes);
            body.writeIntLE(levelBytes.size());
            levelBytes.writeTo(body);
        }
        Encoding encoding;
        if (dictionary) {
            int bitWidth = RleHybrid.bitWidth(Math.max(0, dictionarySize() - 1));
            body.write(bitWidth);
            RleHybrid.encode(ids, idCount, bitWidth, body);
            encoding = Encoding.RLE_DICTIONARY;
            dictionaryPagesWritten = true;
        } else {
            writePlainValues(body);
            encoding = Encoding.PLAIN;
        }
        Statistics<?> statistics = pageStatistics();
        statistics.incrementNumNulls(pageNulls);
        byte[] compressed = compressor.compress(body.buffer(), body.size());
        pages.add(new Page(compressed, body.size(), pageCount, statistics, encoding));
        chunkValues += pageCount;
        chunkBytes += compressed.length;
        pageCount = 0;
        pageNulls = 0;
        idCount = 0;
        resetPage();
    }

    /** Compressed bytes held for the row group, plus what the open page and the dictionary take. */
    final long bufferedBytes() {
        return chunkBytes + pageValueBytes() + (useDictionary ? dictionaryBytes() : 0);
    }

    final void writeTo(ParquetFileWriter writer) throws IOException {
        flushPage();
        writer.startColumn(descriptor, chunkValues, codec);
        if (dictionaryPagesWritten) {
            body.reset();
            int entries = writeDictionary(body);
            byte[] compressed = compressor.compress(body.buffer(), body.size());
            writer.writeDictionaryPage(new DictionaryPage(BytesInput.from(compressed), body.size(), entries,
                    Encoding.PLAIN));
        }
        for (Page page : pages) {
            writer.writeDataPage(page.valueCount(), page.uncompressedSize(), BytesInput.from(page.bytes()),
                    page.statistics(), page.valueCount(), Encoding.BIT_PACKED,
                    optional ? Encoding.RLE : Encoding.BIT_PACKED, page.encoding());
        }
        writer.endColumn();
        pages.clear();
        chunkValues = 0;
        chunkBytes = 0;
        if (useDictionary) {
            resetDictionary();
            dictionary = true;
            dictionaryPagesWritten = false;
        }
    }

    /** A byte array output stream that shows its buffer, and writes little-endian numbers. */
    static final class Output extends ByteArrayOutputStream {
        Output() {
            super(1 << 12);
        }

        byte[] buffer() {
            return buf;
        }

        void ensure(int more) {
            if (buf.length - count < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        void writeIntLE(int v) {
            ensure(4);
            buf[count] = (byte) v;
            buf[count + 1] = (byte) (v >>> 8);
            buf[count + 2] = (byte) (v >>> 16);
            buf[count + 3] = (byte) (v >>> 24);
            count += 4;
        }

        void writeLongsLE(long[] values, int n) {
            ensure(n * 8);
            ByteBuffer.wrap(buf, count, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(values, 0, n);
            count += n * 8;
        }

        void writeIntsLE(long[] values, int n) {
            ensure(n * 4);
            IntBuffer out = ByteBuffer.wrap(buf, count, n * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
            for (int i = 0; i < n; i++) {
                out.put((int) values[i]);
            }
            count += n * 4;
        }

        void writeDoublesLE(double[] values, int n) {
            ensure(n * 8);
            ByteBuffer.wrap(buf, count, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, 0, n);
            count += n * 8;
        }

        void writeFloatsLE(double[] values, int n) {
            ensure(n * 4);
            FloatBuffer out = ByteBuffer.wrap(buf, count, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < n; i++) {
                out.put((float) values[i]);
            }
            count += n * 4;
        }

        void writeBytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }
    }
}
