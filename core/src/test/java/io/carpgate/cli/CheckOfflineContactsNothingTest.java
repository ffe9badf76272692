package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --offline} contacts nothing; {@code check} without it does. */
@EndToEnd
class CheckOfflineContactsNothingTest {
    @TempDir
    Path dir;

    /**
     * The backup's address is a listening socket nobody accepts on: a connection attempt completes in the kernel and
     * waits in its queue, so once the command has returned, an empty queue proves nothing tried to connect.
     */
    @Test
    void onlyCheckWithoutOfflineReachesTheBackup() throws Exception {
        try (ServerSocketChannel backup = ServerSocketChannel.open()) {
            backup.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            backup.configureBlocking(false);
            Path file = CheckOfflineTest.write(dir, "https://127.0.0.1:" + backup.socket().getLocalPort(), "");

            CliRun offline = CliRun.of("check", "--offline", "--config", file.toString());
            assertThat(offline.status()).as(offline.err()).isZero();
            assertThat(offline.out()).contains("offline: configuration valid; no backup was contacted");
            try (SocketChannel contacted = backup.accept()) {
                assertThat(contacted).as("check --offline connected to the backup").isNull();
            }

            // The same command without --offline does reach it: the queue above is a real witness.
            CliRun online = CliRun.of("check", "--config", file.toString());
            assertThat(online.status()).isEqualTo(1);
            try (SocketChannel contacted = backup.accept()) {
                assertThat(contacted).as("check without --offline connects").isNotNull();
            }
        }
    }
}
