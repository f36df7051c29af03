package io.nimbusverse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class H2UrlTest {

    @Test
    void anH2FileDatabaseWritesEachCommitAtOnce() {
        assertThat(NimbusConfiguration.durable("jdbc:h2:file:./data/h2/nimbus;MODE=MySQL"))
                .isEqualTo("jdbc:h2:file:./data/h2/nimbus;MODE=MySQL;WRITE_DELAY=0");
        assertThat(NimbusConfiguration.durable("jdbc:h2:./x")).isEqualTo("jdbc:h2:./x;WRITE_DELAY=0");
        assertThat(NimbusConfiguration.durable("jdbc:h2:file:/abs/x")).isEqualTo("jdbc:h2:file:/abs/x;WRITE_DELAY=0");
    }

    @Test
    void aPathUnderARelativeDataFolderIsMadeExplicitAsH2Requires() {
        assertThat(NimbusConfiguration.durable("jdbc:h2:file:data/h2/nimbus;MODE=MySQL"))
                .isEqualTo("jdbc:h2:file:./data/h2/nimbus;MODE=MySQL;WRITE_DELAY=0");
        assertThat(NimbusConfiguration.durable("jdbc:h2:file:~/h2/x")).isEqualTo("jdbc:h2:file:~/h2/x;WRITE_DELAY=0");
    }

    @Test
    void aDelayTheUserChoseAndOtherDatabasesAreLeftAlone() {
        assertThat(NimbusConfiguration.durable("jdbc:h2:file:./x;write_delay=500"))
                .isEqualTo("jdbc:h2:file:./x;write_delay=500");
        assertThat(NimbusConfiguration.durable("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
        assertThat(NimbusConfiguration.durable("jdbc:h2:tcp://localhost/x")).isEqualTo("jdbc:h2:tcp://localhost/x");
        assertThat(NimbusConfiguration.durable("jdbc:mariadb://db:3306/shop")).isEqualTo("jdbc:mariadb://db:3306/shop");
    }
}
