package io.nimbusverse.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class InstanceIdTest {

    @Test
    void aRestartIsTheSameMemberAndAnotherDataFolderAnotherOne() {
        String first = InstanceId.of("", Path.of("data"));
        assertThat(first).matches("nimbus-.+-[0-9a-f]{12}")
                .isEqualTo(InstanceId.of("", Path.of("data/../data").toAbsolutePath()))
                .isNotEqualTo(InstanceId.of("", Path.of("other-data")));
        assertThat(InstanceId.of("worker-2", Path.of("data"))).isEqualTo("worker-2");
    }
}
