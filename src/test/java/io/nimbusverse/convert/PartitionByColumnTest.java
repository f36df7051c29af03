package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.nimbusverse.ParquetFiles;
import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ParquetPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule that partitions by a date column: one Parquet file per day, however many days a file spans. */
class PartitionByColumnTest {

    private static final String RULES = """
            rules:
              - id: sales
                match: {file: "sales*.csv"}
                dataset: sales
                partition: {column: sold_on}
                schema:
                  columns: {qty: long}
              - id: clicks
                match: {file: "clicks*.csv"}
                dataset: clicks
                partition: {column: at}
              - id: wrong
                match: {file: "wrong*.csv"}
                dataset: wrong
                partition: {column: qty}
            """;

    @TempDir
    Path dir;

    @Test
    void everyDayOfTheColumnGetsItsOwnFileEvenBeyondTheFilesOpenAtOnce() throws Exception {
        StringBuilder csv = new StringBuilder("id,sold_on,qty\n");
        LocalDate first = LocalDate.of(2026, 11, 1);
        int id = 0;
        // 20 days, interleaved: more than one pass of 8 open files
        for (int round = 0; round < 3; round++) {
            for (int day = 0; day < 20; day++) {
                csv.append(++id).append(',').append(first.plusDays(day)).append(',').append(day).append('\n');
            }
        }
        csv.append(++id).append(",,1\n");
        csv.append(++id).append(",2026-11-03,many\n");
        BatchItem item = new RuledConverter(dir, RULES).convert("sales.csv", csv.toString());

        ParquetPart parquet = item.getParquet();
        assertThat(parquet.path()).isNull();
        assertThat(parquet.rows()).isEqualTo(61);
        assertThat(item.getBadRows()).as("a bad row is counted once, whatever the passes").isEqualTo(1);
        Map<String, Long> rowsByPartition = parquet.pieces().stream()
                .collect(Collectors.toMap(ParquetPart.Piece::partition, ParquetPart.Piece::rows));
        assertThat(rowsByPartition).hasSize(21).containsEntry("sold_on=2026-11-01", 3L)
                .containsEntry("sold_on=2026-11-20", 3L).containsEntry("sold_on=__HIVE_DEFAULT_PARTITION__", 1L);
        for (ParquetPart.Piece piece : parquet.pieces()) {
            List<Map<String, Object>> rows = ParquetFiles.rows(Path.of(piece.path()));
            assertThat(rows).as(piece.partition()).hasSize((int) piece.rows());
            if (!piece.partition().endsWith("__")) {
                int day = (int) LocalDate.parse(piece.partition().substring("sold_on=".length())).toEpochDay();
                assertThat(rows).as(piece.partition()).allMatch(r -> r.get("sold_on").equals(day));
            }
        }
        Path badRows = Path.of(RuledConverter.metadata(item).path("badRowsFile").asText());
        assertThat(Files.readAllLines(badRows)).hasSize(2).last().asString().contains("many");
        assertThat(RuledConverter.metadata(item).path("partitions")).hasSize(21);
    }

    @Test
    void aTimestampIsPartitionedByItsDayAndAColumnThatIsNoDateIsRefused() throws Exception {
        RuledConverter stage = new RuledConverter(dir, RULES);
        BatchItem clicks = stage.convert("clicks.csv", "id,at\n1,2026-11-30T23:59:59Z\n2,2026-12-01T00:00:00Z\n");
        assertThat(clicks.getParquet().pieces()).extracting(ParquetPart.Piece::partition)
                .containsExactlyInAnyOrder("at=2026-11-30", "at=2026-12-01");

        assertThatThrownBy(() -> stage.convert("wrong.csv", "id,qty\n1,2\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("column qty")
                .hasMessageContaining("not dates");
        assertThatThrownBy(() -> stage.convert("sales-without.csv", "id,qty\n1,2\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("no column sold_on");
    }
}
