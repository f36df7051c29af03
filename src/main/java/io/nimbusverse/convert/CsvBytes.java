package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits CSV bytes into records and fields without decoding them: RFC 4180 quoting (a quote doubled inside a quoted
 * field), or another quote character and an escape character before a quote, LF, CRLF or CR line ends, empty lines
 * skipped, a UTF-8 byte order mark ignored. Fields are handed out as slices of the read buffer, valid during the
 * sink's call only; each says whether it was quoted, so that {@code ""} (an empty text) differs from an empty field.
 */
final class CsvBytes {

    /** Receives each record; returns false to stop reading. */
    public interface Sink {
        boolean record(Record record);
    }

    /** The fields of one record, as slices of a buffer. */
    public static final class Record {
        private final int maxFields;
        int count;
        byte[][] buffers = new byte[16][];
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        boolean[] quoted = new boolean[16];
        /** line of the file where the record starts, from 1 */
        long line;

        public Record(int maxFields) {
            this.maxFields = maxFields;
        }

        private void add(byte[] buffer, int offset, int length) {
            add(buffer, offset, length, false);
        }

        /** Starts the record over, as a reader of other formats fills it field by field. */
        void reset(long startLine) {
            count = 0;
            line = startLine;
        }

        void add(byte[] buffer, int offset, int length, boolean wasQuoted) {
            if (count == maxFields) {
                throw new TooLarge("CSV, line " + line + ": more than " + maxFields + " fields", Limits.MAX_COLUMNS,
                        maxFields);
            }
            if (count == offsets.length) {
                int size = count * 2;
                buffers = Arrays.copyOf(buffers, size);
                offsets = Arrays.copyOf(offsets, size);
                lengths = Arrays.copyOf(lengths, size);
                quoted = Arrays.copyOf(quoted, size);
            }
            buffers[count] = buffer;
            offsets[count] = offset;
            lengths[count] = length;
            quoted[count] = wasQuoted;
            count++;
        }
    }

    /** The file breaks the CSV syntax (an unclosed quote, text after a closing quote, a huge record). */
    static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A record holds more bytes or fields than the limits allow: the file is refused, never read into memory. The
     * message is the reason as the user reads it: what was read (CSV, a JSON or XML record) and where.
     */
    static final class TooLarge extends RuntimeException {
        final String setting;
        final long limit;

        TooLarge(String message, String setting, long limit) {
            super(message, null, false, false);
            this.setting = setting;
            this.limit = limit;
        }
    }

    private enum Outcome { RECORD, MORE, END }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;

    private final InputStream in;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final long delimiters;
    private final int maxRecordBytes;
    private final Record record;
    private byte[] buffer;
    private byte[] unescaped = new byte[1024];
    private int unescapedUsed;
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1;
    /** the record's only field was "" (an empty text, not an empty line) */
    private boolean quotedEmpty;

    /**
     * @param maxRecordBytes the most bytes one record may take (its line end included)
     * @param maxFields      the most fields one record may have
     */
    CsvBytes(InputStream in, char delimiter, int maxRecordBytes, int maxFields) {
        this(in, delimiter, '"', '"', maxRecordBytes, maxFields);
    }

    /**
     * @param quote  the quote character (ASCII)
     * @param escape the character before a quote inside a quoted field that makes it part of the value; the quote
     *               itself for RFC 4180, where a doubled quote is one quote
     */
    CsvBytes(InputStream in, char delimiter, char quote, char escape, int maxRecordBytes, int maxFields) {
        this.in = in;
        this.quote = (byte) quote;
        this.escape = (byte) escape;
        this.maxRecordBytes = maxRecordBytes;
        this.record = new Record(maxFields);
        this.buffer = new byte[Math.min(1 << 20, maxRecordBytes + 2)];
        this.delimiter = (byte) delimiter;
        this.delimiters = 0x0101010101010101L * (delimiter & 0xFF);
    }

    void parse(Sink sink) throws IOException {
        fill();
        if (limit >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
            pos = 3;
        }
        while (true) {
            int start = pos;
            Outcome outcome = nextRecord();
            if (outcome == Outcome.END) {
                return;
            }
            if (outcome == Outcome.MORE) {
                compactAndFill();
                continue;
            }
            if (pos - start > maxRecordBytes) {
                throw recordTooLong(record.line);
            }
            boolean emptyLine = record.count == 1 && record.lengths[0] == 0 && record.buffers[0] == buffer
                    && !quotedEmpty;
            if (!emptyLine && !sink.record(record)) {
                return;
            }
        }
    }

    /** Parses one record at {@code pos}; on MORE nothing is consumed and the record is parsed again later. */
    private Outcome nextRecord() {
        int p = pos;
        if (p >= limit) {
            return eof ? Outcome.END : Outcome.MORE;
        }
        record.count = 0;
        record.line = line;
        unescapedUsed = 0;
        quotedEmpty = false;
        long lines = line;
        byte[] b = buffer;
        while (true) {
            if (p < limit && b[p] == quote) {
                int start = p + 1;
                int q = start;
                boolean escaped = false;
                while (true) {
                    if (q >= limit) {
                        if (!eof) {
                            return Outcome.MORE;
                        }
                        throw new SyntaxError("line " + record.line + ": a quoted field is never closed");
                    }
                    byte d = b[q];
                    if (d == escape && escape != quote) {
                        if (q + 1 >= limit) {
                            if (!eof) {
                                return Outcome.MORE;
                            }
                            throw new SyntaxError("line " + record.line + ": a quoted field is never closed");
                        }
                        if (b[q + 1] == '\n') {
                            lines++;
                        }
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    if (d == quote) {
                        if (q + 1 >= limit && !eof) {
                            return Outcome.MORE;
                        }
                        if (q + 1 < limit && b[q + 1] == quote) {
                            escaped = true;
                            q += 2;
                            continue;
                        }
                        break;
                    }
                    if (d == '\n') {
                        lines++;
                    }
                    q++;
                }
                if (escaped) {
                    addUnescaped(b, start, q);
                } else {
                    record.add(b, start, q - start, true);
                }
                quotedEmpty = q == start;
                p = q + 1;
                if (p >= limit) {
                    if (!eof) {
                        return Outcome.MORE;
                    }
                    return finish(p, lines);
                }
                byte next = b[p];
                if (next == delimiter) {
                    p++;
                    if (p >= limit && eof) {
                        record.add(b, p, 0);
                        return finish(p, lines);
                    }
                    continue;
                }
                if (next != '\n' && next != '\r') {
                    throw new SyntaxError("line " + lines + ": text after the closing quote of a field");
                }
                return endOfLine(p, lines);
            }
            int q = endOfField(b, p);
            if (q >= limit && !eof) {
                return Outcome.MORE;
            }
            record.add(b, p, q - p);
            if (q >= limit) {
                return finish(q, lines);
            }
            if (b[q] == delimiter) {
                p = q + 1;
                if (p >= limit) {
                    if (!eof) {
                        return Outcome.MORE;
                    }
                    record.add(b, p, 0);
                    return finish(p, lines);
                }
                continue;
            }
            return endOfLine(q, lines);
        }
    }

    /**
     * The position of the first delimiter, \n or \r from {@code p} on, or {@code limit}. Eight bytes are tested at
     * once (SWAR): most fields are long enough for it to pay.
     */
    private int endOfField(byte[] b, int p) {
        int q = p;
        while (q + 8 <= limit) {
            long word = (long) LONGS.get(b, q);
            long found = zeroByte(word ^ delimiters) | zeroByte(word ^ LINE_FEEDS) | zeroByte(word ^ RETURNS);
            if (found != 0) {
                return q + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            q += 8;
        }
        while (q < limit) {
            byte d = b[q];
            if (d == delimiter || d == '\n' || d == '\r') {
                break;
            }
            q++;
        }
        return q;
    }

    /** A high bit set in each byte of {@code v} that is zero; the lowest one is exact. */
    private static long zeroByte(long v) {
        return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
    }

    /** {@code p} is on \n or \r. */
    private Outcome endOfLine(int p, long lines) {
        if (buffer[p] == '\r') {
            if (p + 1 >= limit && !eof) {
                return Outcome.MORE;
            }
            if (p + 1 < limit && buffer[p + 1] == '\n') {
                p++;
            }
        }
        return finish(p + 1, lines + 1);
    }

    private Outcome finish(int next, long lines) {
        pos = next;
        line = lines;
        return Outcome.RECORD;
    }

    private void addUnescaped(byte[] b, int start, int end) {
        if (unescaped.length - unescapedUsed < end - start) {
            // the fields of this record that point into the old array stay valid: it is not reused
            unescaped = new byte[Math.max(unescaped.length * 2, end - start + 1024)];
            unescapedUsed = 0;
        }
        int out = unescapedUsed;
        for (int i = start; i < end; i++) {
            if (b[i] == escape && escape != quote) {
                i++;
                unescaped[out++] = b[i];
                continue;
            }
            unescaped[out++] = b[i];
            if (b[i] == quote) {
                i++;
            }
        }
        record.add(unescaped, unescapedUsed, out - unescapedUsed, true);
        unescapedUsed = out;
    }

    private void compactAndFill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        } else if (limit == buffer.length) {
            // one record fills the buffer: it grows only until the record is known to be too long
            if (buffer.length > maxRecordBytes) {
                throw recordTooLong(line);
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(Math.min(buffer.length * 2L, maxRecordBytes + 2L),
                    Integer.MAX_VALUE - 16));
        }
        fill();
    }

    private TooLarge recordTooLong(long atLine) {
        return new TooLarge("CSV, line " + atLine + ": a record of more than " + maxRecordBytes + " bytes",
                Limits.MAX_RECORD_BYTES, maxRecordBytes);
    }

    private void fill() throws IOException {
        while (limit < buffer.length) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                eof = true;
                return;
            }
            limit += n;
        }
    }
}
