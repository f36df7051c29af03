package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import io.nimbusverse.signal.BatchItem;
import io.nimbusverse.signal.ColumnSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinned types, formats, rows quarantined, and a dataset's schema kept from file to file under each policy. */
class SchemaPoliciesTest {

    @TempDir
    Path dir;

    private static String rule(String evolution, String badValues) {
        return """
                rules:
                  - id: orders
                    match: {file: "orders_*.csv"}
                    dataset: orders
                    csv: {nullValues: ["n/a"]}
                    schema:
                      columns:
                        amount: decimal(12,2)
                        day: {type: date, format: dd.MM.yyyy}
                        at: {type: timestamp, format: "dd/MM/yyyy HH:mm"}
                      evolution: %s
                      badValues: %s
                """.formatted(evolution, badValues);
    }

    @Test
    void valuesThatDoNotFitAPinnedTypeGoToTheRowsQuarantineFileWithTheirLinesAndTheRestLoads() throws Exception {
        RuledConverter stage = new RuledConverter(dir, rule("widen", "quarantine-rows"));
        BatchItem item = stage.convert("orders_2026-11-30.csv", "id,amount,day,at\n"
                + "1,12.50,30.11.2026,30/11/2026 08:15\n"
                + "2,n/a,01.12.2026,01/12/2026 09:00\n"
                + "3,twelve,02.12.2026,02/12/2026 10:00\n"
                + "4,7,2026-12-03,03/12/2026 11:00\n"
                + "5,1.005,04.12.2026,04/12/2026 12:00\n"
                + "6,8,05.12.2026,05/12/2026 13:00\n");

        assertThat(item.getParquet().schema()).extracting(ColumnSchema::type)
                .containsExactly("long", "decimal(12,2)", "date", "timestamp");
        assertThat(item.getParquet().rows()).isEqualTo(3);
        assertThat(item.getBadRows()).isEqualTo(3);
        assertThat(RuledConverter.rows(item)).extracting(r -> r.get("id")).containsExactly(1L, 2L, 6L);
        assertThat(RuledConverter.rows(item).get(0)).containsEntry("amount", new BigDecimal("12.50"))
                .containsEntry("day", (int) LocalDate.of(2026, 11, 30).toEpochDay())
                .containsEntry("at", LocalDateTime.of(2026, 11, 30, 8, 15).toEpochSecond(ZoneOffset.UTC) * 1_000_000);
        assertThat(RuledConverter.rows(item).get(1)).as("n/a is null, not a bad value").doesNotContainKey("amount");

        Path badRows = Path.of(RuledConverter.metadata(item).path("badRowsFile").asText());
        assertThat(badRows.getParent()).isEqualTo(dir.resolve("quarantine"));
        assertThat(Files.readAllLines(badRows)).containsExactly("line,column,type,value",
                "4,\"amount\",\"decimal(12,2)\",\"twelve\"",
                "5,\"day\",\"date\",\"2026-12-03\"",
                "6,\"amount\",\"decimal(12,2)\",\"1.005\"");
        assertThat(RuledConverter.metadata(item).path("badRows").asLong()).isEqualTo(3);
        assertThat(RuledConverter.metadata(item).path("rule").asText()).isEqualTo("orders");
    }

    @Test
    void withBadValuesQuarantineFileTheWholeFileIsQuarantinedNamingTheColumnAndLine() throws Exception {
        RuledConverter stage = new RuledConverter(dir, rule("widen", "quarantine-file"));
        assertThatThrownBy(() -> stage.convert("orders_1.csv", "id,amount,day,at\n1,x,01.01.2026,01/01/2026 00:00\n"))
                .isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("line 2").hasMessageContaining("amount").hasMessageContaining("x");
    }

    @Test
    void widenKeepsTheDatasetsTypesFromFileToFileDurably() throws Exception {
        RuledConverter stage = new RuledConverter(dir, rule("widen", "quarantine-rows"));
        stage.convert("orders_1.csv", "id,amount,day,at,score\n1,1.50,01.01.2026,01/01/2026 00:00,2.5\n");
        // a later file whose scores are whole numbers is read with the dataset's decimal, not as longs
        BatchItem second = stage.convert("orders_2.csv", "id,amount,day,at,score,extra\n2,3,02.01.2026,"
                + "02/01/2026 00:00,4,new\n");
        assertThat(second.getParquet().schema()).extracting(c -> c.name() + " " + c.type())
                .containsExactly("id long", "amount decimal(12,2)", "day date", "at timestamp",
                        "score decimal(2,1)", "extra string");

        // the dataset's schema is kept on disk: a new converter (a restart) reads the next file with it
        BatchItem third = new RuledConverter(dir, rule("widen", "quarantine-rows"))
                .convert("orders_3.csv", "id,amount,day,at,score\n3,4,03.01.2026,03/01/2026 00:00,5\n");
        assertThat(third.getParquet().schema()).extracting(c -> c.name() + " " + c.type())
                .contains("score decimal(2,1)");
        assertThat(RuledConverter.metadata(third).path("datasetSchema").toString())
                .contains("\"extra\"", "decimal(2,1)");
        assertThat(dir.resolve("datasets/orders.json")).exists();
    }

    @Test
    void failQuarantinesAFileThatWouldChangeTheSchemaNamingTheColumnAndLine() throws Exception {
        RuledConverter stage = new RuledConverter(dir, rule("fail", "quarantine-rows"));
        stage.convert("orders_1.csv", "id,amount,day,at,note\n1,1.50,01.01.2026,01/01/2026 00:00,x\n");

        assertThatThrownBy(() -> stage.convert("orders_2.csv",
                "id,amount,day,at,note,extra\n2,1,02.01.2026,02/01/2026 00:00,y,z\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("column extra")
                .hasMessageContaining("line 1").hasMessageContaining("evolution is fail");
        assertThatThrownBy(() -> stage.convert("orders_3.csv",
                "id,amount,day,at,note\n3,1,03.01.2026,03/01/2026 00:00,y\n4,1,04.01.2026,04/01/2026 00:00,z\n"
                        + "5.5,1,05.01.2026,05/01/2026 00:00,w\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("line 4")
                .hasMessageContaining("column id").hasMessageContaining("evolution: fail");
        assertThatThrownBy(() -> stage.convert("orders_4.csv", "id,amount,day,at\n6,1,06.01.2026,06/01/2026 00:00\n"))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("column note")
                .hasMessageContaining("missing");
        // a file that fits is read as before
        BatchItem fits = stage.convert("orders_5.csv", "id,amount,day,at,note\n7,2,07.01.2026,07/01/2026 00:00,v\n");
        assertThat(fits.getParquet().rows()).isEqualTo(1);
    }

    @Test
    void addColumnsTakesNewColumnsAndKeepsTheKnownTypesMakingMisfitsBadRows() throws Exception {
        RuledConverter stage = new RuledConverter(dir, rule("add-columns", "quarantine-rows"));
        stage.convert("orders_1.csv", "id,amount,day,at,qty\n1,1.50,01.01.2026,01/01/2026 00:00,3\n");
        BatchItem second = stage.convert("orders_2.csv",
                "id,amount,day,at,qty,colour\n2,1,02.01.2026,02/01/2026 00:00,4,red\n"
                        + "3,1,03.01.2026,03/01/2026 00:00,many,blue\n");
        assertThat(second.getParquet().schema()).extracting(c -> c.name() + " " + c.type())
                .contains("qty long", "colour string");
        assertThat(second.getParquet().rows()).isEqualTo(1);
        assertThat(second.getBadRows()).isEqualTo(1);
    }
}
