package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupCacheTest {
    @Test
    void aCacheInUseIsNamedWithTheJavaBuild() {
        assertThat(StartupCache.describe(Runtime.Version.parse("25.0.3+9-LTS"), Optional.of("/opt/carpgate/carpgate.aot"),
                Optional.empty())).contains("Java 25.0.3+9-LTS, start-up cache /opt/carpgate/carpgate.aot");
    }

    @Test
    void withoutOneTheReasonIsGivenAndAnOlderJavaIsToldWhatStartsFastest() {
        assertThat(StartupCache.describe(Runtime.Version.parse("17.0.15+6"), Optional.empty(),
                Optional.of("no start-up cache /opt/carpgate/carpgate.jsa (build it with: carpgate aot-cache)")))
                .contains("Java 17.0.15+6, starting without a start-up cache (first calls slower): no start-up cache "
                        + "/opt/carpgate/carpgate.jsa (build it with: carpgate aot-cache); Java 25 or newer starts fastest");
        assertThat(StartupCache.describe(Runtime.Version.parse("25.0.3"), Optional.empty(), Optional.of("stale")))
                .hasValueSatisfying(line -> assertThat(line).endsWith("stale").doesNotContain("starts fastest"));
    }

    @Test
    void aPlainJavaDashJarSaysNothing() {
        assertThat(StartupCache.describe(Runtime.version(), Optional.empty(), Optional.empty())).isEmpty();
    }
}
