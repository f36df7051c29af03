package io.nimbusverse.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.nimbusverse.signal.BatchItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The count of conversions that ended the process, kept in the item's work folder while it converts: whatever a
 * killed start left there, the item converts again or is set aside, and never fails the batch over the count itself.
 */
class EndedAttemptsTest {

    private static final String NAME = "orders.csv";
    private static final String CONTENT = "id,amount\n1,2.50\n2,3.75\n";

    @TempDir
    Path dir;

    private RuledConverter stage;

    @BeforeEach
    void newStage() throws Exception {
        stage = new RuledConverter(dir, "rules: []\n");
    }

    /** Where the item's count is kept: in the work folder the stage gives it. */
    private Path countFile() {
        return stage.workFolderOf(NAME, CONTENT.getBytes(StandardCharsets.UTF_8)).resolve(ItemConverter.ATTEMPTS_FILE);
    }

    private Stream<Path> countFilesLeft() throws Exception {
        return Files.list(countFile().getParent())
                .filter(p -> p.getFileName().toString().startsWith(ItemConverter.ATTEMPTS_FILE));
    }

    /** An empty count: a start killed between emptying the file and writing it (written in place before). */
    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "x7", "-4"})
    void aCountThatIsNoNumberIsOneEndedAttempt(String leftBehind) throws Exception {
        Files.createDirectories(countFile().getParent());
        Files.writeString(countFile(), leftBehind);

        BatchItem item = stage.convert(NAME, CONTENT);

        assertThat(item.getParquet().rows()).isEqualTo(2);
        assertThat(countFilesLeft()).as("the count and its temporary file are gone once it converted").isEmpty();
    }

    @Test
    void anItemThatEndedTheProcessThreeTimesIsSetAside() throws Exception {
        Files.createDirectories(countFile().getParent());
        Files.writeString(countFile(), "3");

        assertThatThrownBy(() -> stage.convert(NAME, CONTENT)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("converting it ended the process 3 times");
    }

    @Test
    void aThirdAttemptThatConvertsLeavesNoCount() throws Exception {
        Files.createDirectories(countFile().getParent());
        Files.writeString(countFile(), "2");

        assertThat(stage.convert(NAME, CONTENT).getParquet().rows()).isEqualTo(2);
        assertThat(countFilesLeft()).isEmpty();
    }
}
