package io.nimbusverse.convert;

import java.io.IOException;
import java.util.Arrays;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Compresses page bytes. SNAPPY, the default, calls snappy-java straight on the arrays; the other codecs go
 * through parquet-java's codec factory (Hadoop's codec streams).
 */
abstract class PageCompressor {

    abstract byte[] compress(byte[] bytes, int length) throws IOException;

    static PageCompressor of(CompressionCodecName codec, BytesInputCompressor viaParquet) {
        return switch (codec) {
            case SNAPPY -> new SnappyPages();
            case UNCOMPRESSED -> new PageCompressor() {
                @Override
                byte[] compress(byte[] bytes, int length) {
                    return Arrays.copyOf(bytes, length);
                }
            };
            default -> new PageCompressor() {
                @Override
                byte[] compress(byte[] bytes, int length) throws IOException {
                    return viaParquet.compress(BytesInput.from(bytes, 0, length)).toByteArray();
                }
            };
        };
    }

    private static final class SnappyPages extends PageCompressor {
        private byte[] out = new byte[1 << 16];

        @Override
        byte[] compress(byte[] bytes, int length) throws IOException {
            int max = Snappy.maxCompressedLength(length);
            if (out.length < max) {
                out = new byte[max];
            }
            int size = Snappy.compress(bytes, 0, length, out, 0);
            return Arrays.copyOf(out, size);
        }
    }
}
