package io.nimbusverse.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Ledgers of a given number of items, as the pipeline leaves them: every item claimed, then DONE (2 rows each, the
 * file before a compaction), one in a thousand still on its way, in batches of 100; and the same keys one per line,
 * as Camel's FileIdempotentRepository stores them.
 */
final class LedgerFile {

    private static final DateTimeFormatter BATCH_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private LedgerFile() {
    }

    /** The content key of item n, as the pipeline makes them: a SHA-256 (of the number). */
    static String key(long n) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Long.toString(n).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeLedger(Path file, int items) throws IOException {
        Instant at = Instant.parse("2026-11-30T10:00:00Z");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("key,source,name,size,media_type,class,status,batch_id,claimed_at,updated_at,s3_key,detail\n");
            for (int n = 0; n < items; n++) {
                Instant claimed = at.plusMillis(n);
                String batch = BATCH_TIME.format(at.plusSeconds(n / 100)) + String.format("-%06x", n / 100);
                String head = key(n) + ",file,orders-" + n + ".csv," + (1000 + n % 5000) + ",";
                out.write(head + ",,CLAIMED,," + claimed + "," + claimed + ",,\n");
                String status = n % 1000 == 999 ? "UPLOADED" : "DONE";
                out.write(head + "text/csv,structured," + status + "," + batch + "," + claimed + ","
                        + claimed.plusSeconds(3) + ",raw/ingest_date=2026-11-30/" + batch + "/orders-" + n
                        + ".csv,rows=" + (n % 400) + "\n");
            }
        }
    }

    static void writeKeys(Path file, int items) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int n = 0; n < items; n++) {
                out.write(key(n));
                out.write('\n');
            }
        }
    }
}
