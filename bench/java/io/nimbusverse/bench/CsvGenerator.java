package io.nimbusverse.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.SplittableRandom;

/** Writes a deterministic CSV of 12 typed columns: long, decimal, double, boolean, date, timestamp and text. */
public final class CsvGenerator {

    static final String HEADER = "order_id,customer_id,amount,discount_ratio,quantity,is_paid,order_date,"
            + "created_at,category,customer_name,country,comment";
    private static final String[] CATEGORIES = {"books", "garden", "toys", "grocery", "electronics", "sports",
        "music", "health", "beauty", "automotive"};
    private static final String[] COUNTRIES = {"FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "SE", "PL", "JP",
        "BR"};
    private static final String[] WORDS = {"fast", "delivery", "gift", "wrapped", "returned", "damaged", "great",
        "value", "late", "again", "customer", "asked", "for", "invoice", "blue", "large", "small", "thanks"};

    private CsvGenerator() {
    }

    /** Writes rows until the file reaches {@code targetBytes}; returns the number of data rows. */
    public static long generate(Path file, long targetBytes) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        LocalDate firstDay = LocalDate.of(2020, 1, 1);
        LocalDateTime firstTime = LocalDateTime.of(2020, 1, 1, 0, 0);
        long rows = 0;
        long bytes;
        StringBuilder line = new StringBuilder(256);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            bytes = HEADER.length() + 1;
            while (bytes < targetBytes) {
                line.setLength(0);
                long id = rows + 1;
                line.append(id).append(',');
                line.append(1_000 + random.nextInt(250_000)).append(',');
                long cents = random.nextLong(1, 10_000_000);
                line.append(cents / 100).append('.').append(String.format("%02d", cents % 100)).append(',');
                line.append(random.nextDouble()).append(',');
                line.append(1 + random.nextInt(20)).append(',');
                line.append(random.nextBoolean()).append(',');
                line.append(firstDay.plusDays(random.nextInt(2_000))).append(',');
                LocalDateTime t = firstTime.plusSeconds(random.nextLong(170_000_000L));
                line.append(t.toLocalDate()).append(' ').append(t.toLocalTime().withNano(0));
                if (t.getSecond() == 0) {
                    line.append(":00");
                }
                line.append(',');
                line.append(CATEGORIES[random.nextInt(CATEGORIES.length)]).append(',');
                line.append("customer ").append(random.nextInt(50_000)).append(',');
                line.append(COUNTRIES[random.nextInt(COUNTRIES.length)]).append(',');
                int words = 3 + random.nextInt(8);
                boolean quote = random.nextInt(10) == 0;
                if (quote) {
                    line.append('"');
                }
                for (int w = 0; w < words; w++) {
                    if (w > 0) {
                        line.append(quote && w == 2 ? ", " : " ");
                    }
                    line.append(WORDS[random.nextInt(WORDS.length)]);
                }
                if (quote) {
                    line.append('"');
                }
                line.append('\n');
                out.append(line);
                bytes += line.length();
                rows++;
            }
        }
        return rows;
    }
}
