package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** README's configuration reference lists every setting of application.properties, with its default. */
class ConfigReferenceTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.\\[\\]-]+)` \\| (?:`([^`]*)`|\\(empty\\)) \\|",
            Pattern.MULTILINE);

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        Properties defaults = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            defaults.load(reader);
        }
        String readme = Files.readString(Path.of("README.md"));
        Set<String> documented = new LinkedHashSet<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            String key = row.group(1);
            documented.add(key);
            assertThat(defaults).as("README documents %s, which application.properties lacks", key).containsKey(key);
            // a pipe inside a table cell is written \| (GitHub's tables)
            assertThat(row.group(2) == null ? "" : row.group(2).replace("\\|", "|")).as("default of %s", key)
                    .isEqualTo(defaults.getProperty(key));
        }
        assertThat(documented).containsAll(defaults.stringPropertyNames());
    }
}
