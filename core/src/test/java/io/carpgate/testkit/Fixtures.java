package io.carpgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The byte-exact OPNsense fixtures (copied from shared/fixtures/opnsense), read-only, located by the surefire property. */
public final class Fixtures {
    private Fixtures() {}

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(Path.of(System.getProperty("carpgate.fixtures", "core/src/test/resources/opnsense-fixtures"), name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The restores with WireGuard, OpenVPN and DHCP relay items in src/test/resources/opnsense-items/ (written by
     * its make_fixtures.py in the shapes an OPNsense master sends), next to the byte-exact originals.
     */
    public static Path itemsDir() {
        return Path.of(System.getProperty("carpgate.fixtures", "core/src/test/resources/opnsense-fixtures"))
                .resolveSibling("opnsense-items");
    }

    public static byte[] items(String name) {
        try {
            return Files.readAllBytes(itemsDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
