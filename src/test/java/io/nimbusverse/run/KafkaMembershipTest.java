package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class KafkaMembershipTest {

    @Test
    void aRestartIsTheSameMemberAndAnotherDataFolderAnotherOne() {
        String first = KafkaMembership.instanceId("", Path.of("data"));
        assertThat(first).matches("nimbus-.+-[0-9a-f]{12}")
                .isEqualTo(KafkaMembership.instanceId("", Path.of("data/../data").toAbsolutePath()))
                .isNotEqualTo(KafkaMembership.instanceId("", Path.of("other-data")));
        assertThat(KafkaMembership.instanceId("worker-2", Path.of("data"))).isEqualTo("worker-2");
    }
}
