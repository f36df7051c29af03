package io.nimbusverse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects of the S3 landing prefix written into the inbox (LandingObjects). */
class LandingObjectsTest {

    private static final Instant DROPPED = Instant.parse("2026-11-30T10:15:30Z");

    @TempDir
    Path inbox;

    private void land(String key, String content) throws Exception {
        new LandingObjects(inbox, null, "nimbus-data", "landing/").land(key, DROPPED,
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anObjectIsWrittenWholeUnderTheRestOfItsKeyWithItsModificationTime() throws Exception {
        land("landing/sales/2026/orders.csv", "id\n1\n");

        Path landed = inbox.resolve("sales/2026/orders.csv");
        assertThat(landed).hasContent("id\n1\n");
        assertThat(Files.getLastModifiedTime(landed).toInstant()).isEqualTo(DROPPED);
        try (Stream<Path> writing = Files.list(inbox.resolve(LandingObjects.LANDING_FOLDER))) {
            assertThat(writing).isEmpty();
        }
    }

    @Test
    void anObjectLandedAgainIsTheSameVersionOfTheSameFile() throws Exception {
        land("landing/orders.csv", "id\n1\n");
        long size = Files.size(inbox.resolve("orders.csv"));

        land("landing/orders.csv", "id\n1\n");

        assertThat(inbox.resolve("orders.csv")).hasContent("id\n1\n");
        assertThat(Files.size(inbox.resolve("orders.csv"))).isEqualTo(size);
        assertThat(Files.getLastModifiedTime(inbox.resolve("orders.csv")).toInstant()).isEqualTo(DROPPED);
    }

    @Test
    void aFolderMarkerLandsNothing() throws Exception {
        land("landing/sales/", "");
        land("landing/", "");

        try (Stream<Path> files = Files.walk(inbox)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void keysAFileSystemCannotHoldBecomeNamesInsideTheInbox() {
        assertThat(LandingObjects.inboxName("landing/orders.csv", "landing/")).isEqualTo("orders.csv");
        assertThat(LandingObjects.inboxName("landing/../../etc/passwd", "landing/")).isEqualTo("etc/passwd");
        assertThat(LandingObjects.inboxName("landing/a//b/./c.csv", "landing/")).isEqualTo("a/b/c.csv");
        assertThat(LandingObjects.inboxName("landing/..", "landing/")).isNull();
        assertThat(LandingObjects.inboxName("landing/a/b/", "landing/")).isNull();
        // a line break is a name like any other in the inbox; a NUL is not
        assertThat(LandingObjects.inboxName("landing/two\nlines.csv", "landing/")).isEqualTo("two\nlines.csv");
        assertThat(LandingObjects.inboxName("landing/nul\0.csv", "landing/")).doesNotContain("\0").endsWith(".csv");
        String longName = "x".repeat(300) + ".csv";
        String bounded = LandingObjects.inboxName("landing/deep/" + longName, "landing/");
        assertThat(bounded).startsWith("deep/xxx").endsWith(".csv");
        assertThat(bounded.substring("deep/".length()).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
    }

    @Test
    void aNameOverAFileSystemsLimitIsLandedUnderItsBoundedName() throws Exception {
        String longName = "é".repeat(200) + ".csv";
        land("landing/" + longName, "id\n1\n");

        try (Stream<Path> files = Files.list(inbox)) {
            assertThat(files.filter(Files::isRegularFile)).singleElement()
                    .satisfies(file -> assertThat(file).hasContent("id\n1\n"));
        }
    }
}
