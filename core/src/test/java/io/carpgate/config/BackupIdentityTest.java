package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.PairMemories;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One backup is one identity however its URL is written, so it has one memory (one call order): a reload that only
 * writes out the default port, or the host in capitals, neither forgets what carpgate learned nor splits the order.
 */
class BackupIdentityTest {
    private static Backup backup(String url) {
        return new Backup(URI.create(url), new UpstreamTrust.Insecure(), new ApiCredentials("k", "s"));
    }

    @Test
    void theSameBackupWrittenTwoWaysIsOneIdentityAndOneMemory() {
        assertThat(backup("https://FW-B.example:443").identity()).isEqualTo(backup("https://fw-b.example").identity())
                .isEqualTo("https://fw-b.example");
        assertThat(backup("https://192.0.2.2:8443").identity()).isEqualTo("https://192.0.2.2:8443")
                .isNotEqualTo(backup("https://192.0.2.2").identity());
        PairMemories memories = new PairMemories(Optional.empty(), Clock.systemUTC());
        assertThat(memories.of("default", backup("https://192.0.2.2:443").identity()))
                .isSameAs(memories.of("default", backup("https://192.0.2.2").identity()));
    }
}
