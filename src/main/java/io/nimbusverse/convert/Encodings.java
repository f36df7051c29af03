package io.nimbusverse.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The encodings a text file may come in, and how the converter reads them: its parser works on UTF-8 bytes, so
 * any other encoding is decoded and encoded to UTF-8 on the way in (a UTF-8 file, with or without byte order mark,
 * is read as it is).
 *
 * <p>Detection, when a rule does not name the encoding: a byte order mark says UTF-8 or UTF-16; otherwise the first
 * {@value #SAMPLE_BYTES} bytes that decode as UTF-8 say UTF-8, and anything else is windows-1252 (a superset of
 * ISO-8859-1's printable characters, and what spreadsheets on Windows write). A file detected as UTF-8 from its
 * start that holds other bytes further on is read again as windows-1252 (see CsvToParquet).
 */
public final class Encodings {

    public static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    static final int SAMPLE_BYTES = 1 << 16;

    private Encodings() {
    }

    /** The file's encoding by its byte order mark, else by whether its first bytes are UTF-8. */
    public static Charset detect(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SAMPLE_BYTES);
        }
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
            return StandardCharsets.UTF_16;
        }
        return isUtf8Prefix(head) ? StandardCharsets.UTF_8 : WINDOWS_1252;
    }

    /** Whether the bytes are UTF-8, allowing a sequence cut at the end (the sample's end may fall inside one). */
    static boolean isUtf8Prefix(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(4096);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (true) {
            CoderResult result = decoder.decode(in, out, false);
            if (result.isError()) {
                return false;
            }
            if (result.isUnderflow()) {
                return in.remaining() < 4;
            }
            out.clear();
        }
    }

    /** The stream as UTF-8 bytes: itself when it is UTF-8, else transcoded. */
    static InputStream asUtf8(InputStream in, Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            return in;
        }
        return new Utf8Transcoder(new InputStreamReader(in, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    /** Characters read from a decoder, handed out as UTF-8 bytes. */
    private static final class Utf8Transcoder extends InputStream {
        private final Reader reader;
        private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer chars = CharBuffer.allocate(8192);
        private final ByteBuffer bytes = ByteBuffer.allocate(3 * 8192 + 8);
        private boolean eof;

        Utf8Transcoder(Reader reader) {
            this.reader = reader;
            bytes.flip();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (!bytes.hasRemaining()) {
                if (eof) {
                    return -1;
                }
                fill();
            }
            int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }

        private void fill() throws IOException {
            bytes.compact();
            int read = reader.read(chars);
            if (read < 0) {
                eof = true;
            }
            chars.flip();
            CoderResult result = encoder.encode(chars, bytes, eof);
            if (result.isError()) {
                result.throwException();
            }
            if (eof) {
                encoder.flush(bytes);
            }
            chars.compact();
            bytes.flip();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
