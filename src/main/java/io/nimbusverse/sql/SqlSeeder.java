package io.nimbusverse.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On the first run of the local profile, creates and fills the sample tables of the source database. */
public class SqlSeeder {

    private static final Logger LOG = LoggerFactory.getLogger(SqlSeeder.class);

    private final DataSource source;
    private final Path script;
    private final Path marker;

    public SqlSeeder(DataSource source, Path script, Path dataDir) {
        this.source = source;
        this.script = script;
        this.marker = dataDir.resolve(".sql-seeded");
    }

    /** Runs the script's statements (separated by ';' at line ends) once per data folder. */
    public void seedOnce() throws IOException, SQLException {
        if (Files.exists(marker) || !Files.exists(script)) {
            return;
        }
        String text = Files.readString(script, StandardCharsets.UTF_8);
        int statements = 0;
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            for (String sql : text.split(";\\s*\\n")) {
                String statement = sql.lines().filter(l -> !l.trim().startsWith("--"))
                        .reduce("", (a, b) -> a + "\n" + b).trim();
                if (!statement.isEmpty()) {
                    st.execute(statement);
                    statements++;
                }
            }
        }
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "seeded from " + script + "\n");
        LOG.info("First run: {} statements of {} seeded the source database", statements, script);
    }
}
