package io.nimbusverse.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nimbusverse.loader.ParquetTableLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Datasets" section is true: its rules file holds and does what it says, its catalog is the table's. */
public class DatasetsDocTest {

    @TempDir
    Path dir;

    /** The fenced block of this language that follows the heading in the README. */
    public static String block(String heading, String language) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("\n" + heading + "\n");
        assertThat(at).as("README has %s", heading).isPositive();
        Matcher fence = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(fence.find(at)).isTrue();
        return fence.group(1);
    }

    @Test
    void theReadmesRulesFileHoldsAndTakesTheFilesItsCommentsName() throws Exception {
        Path file = Files.writeString(dir.resolve("datasets.yaml"), block("## Datasets", "yaml"));
        DatasetRules rules = new DatasetRules(file.toString()).open();

        assertThat(rules.rules()).extracting(DatasetRule::id).containsExactly("orders", "stock", "events", "products");
        for (String name : List.of("orders_2026-11-30.csv", "sales/eu/orders_2026-12-01.csv")) {
            assertThat(rules.match(name)).satisfies(m -> {
                assertThat(m.dataset()).isEqualTo("orders");
                assertThat(m.table()).isEqualTo("sales_orders");
            });
        }
        DatasetMatch stock = rules.match("exports/north/stock-2026.txt");
        assertThat(stock.dataset()).isEqualTo("stock_north");
        assertThat(stock.csv().encoding().name()).isEqualTo("ISO-8859-1");
        assertThat(stock.csv().escape()).isEqualTo('\\');
        assertThat(rules.match("events/2026/12/01/clicks.ndjson").dataset()).isEqualTo("events");
        assertThat(rules.match("catalog.xml").rule().records().element()).isEqualTo("product");
    }

    @Test
    void theCatalogsColumnsAreTheOnesTheReadmeNames() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n### The catalog\n");
        String section = readme.substring(start, readme.indexOf("```sql", start));
        List<String> named = new ArrayList<>();
        Matcher code = Pattern.compile("`([a-z_0-9]+)`").matcher(section);
        while (code.find()) {
            named.add(code.group(1));
        }
        assertThat(named).containsAll(ParquetTableLoader.CATALOG_COLUMNS);
    }
}
