package io.carpgate.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Payloads shared by the end-to-end tests. */
final class SyncEndToEndTestSupport {
    private SyncEndToEndTestSupport() {}

    /** The fixture restore as a master with VIP sync off sends it: no virtualip section. */
    static byte[] restoreWithoutVips() throws java.io.IOException {
        String restore = Files.readString(PythonMaster.fixtures().resolve("restore_config_section.request.xml"),
                StandardCharsets.UTF_8);
        int start = restore.indexOf("  <member><name>virtualip</name>");
        int end = restore.indexOf("</member>\n</struct></value></param>");
        return (restore.substring(0, start) + restore.substring(end + "</member>\n".length()))
                .getBytes(StandardCharsets.UTF_8);
    }
}
