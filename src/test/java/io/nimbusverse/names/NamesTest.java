package io.nimbusverse.names;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void aShortHarmlessNameIsKeptAsItIs() {
        for (String name : List.of("orders.csv", "数据.csv", "plus+and?hash#.csv", "....csv", ".hidden", "a b.pdf")) {
            assertThat(FileNames.bounded(name)).isEqualTo(name);
        }
    }

    @Test
    void aLongNameIsBoundedKeepsItsExtensionAndStaysDistinct() {
        String base = "x".repeat(300);
        String a = FileNames.bounded(base + "-a.csv");
        String b = FileNames.bounded(base + "-b.csv");
        assertThat(a).endsWith(".csv").startsWith("xxxx").isNotEqualTo(b);
        assertThat(a.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
        assertThat(FileNames.bounded(base + "-a.csv")).isEqualTo(a);
        // a multi-byte script is cut between characters, never inside one
        String han = FileNames.bounded("数".repeat(200) + ".json");
        assertThat(han.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
        assertThat(new String(han.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(han);
        assertThat(han).endsWith(".json").doesNotContain("\uFFFD");
    }

    @Test
    void controlCharactersAndBackslashesNeverReachADerivedName() {
        String newline = FileNames.bounded("two\nlines.csv");
        String backslash = FileNames.bounded("dir\\file.csv");
        assertThat(newline).doesNotContain("\n").startsWith("two_lines~").endsWith(".csv");
        assertThat(backslash).doesNotContain("\\").endsWith(".csv");
        assertThat(FileNames.bounded("dir_file.csv")).isNotEqualTo(backslash);
    }

    @Test
    void aPlainTableNameIsItsOwnDatasetAndAnyOtherGetsADistinctStableOne() {
        assertThat(Datasets.ofFile("orders.csv")).isEqualTo("orders");
        assertThat(Datasets.ofFile("orders_2024.CSV")).isEqualTo("orders_2024");
        List<String> names = List.of("数据.csv", "表格.csv", "....csv", "CaseTable.csv", "casetable.CSV", "my data.csv",
                "my_data.csv", "my-data.csv", "2024.csv", "t_2024.csv", "nimbus_loads.csv", "NIMBUS_LOADS.csv");
        List<String> datasets = names.stream().map(Datasets::ofFile).toList();
        assertThat(Set.copyOf(datasets)).as("%s", datasets).hasSize(names.size());
        assertThat(datasets).allSatisfy(d -> assertThat(d).matches("[a-z][a-z0-9_]*").hasSizeLessThanOrEqualTo(64)
                .doesNotStartWith(Datasets.RESERVED_PREFIX));
        assertThat(datasets.stream().collect(Collectors.toList()))
                .isEqualTo(names.stream().map(Datasets::ofFile).toList());
        assertThat(Datasets.ofFile("casetable.CSV")).isEqualTo("casetable");
        assertThat(Datasets.ofFile("CaseTable.csv")).startsWith("casetable_");
        assertThat(Datasets.ofFile("nimbus_loads.csv")).startsWith("t_nimbus_loads_");
        assertThat(Datasets.ofFile("x".repeat(500) + ".csv")).hasSize(64);
    }
}
