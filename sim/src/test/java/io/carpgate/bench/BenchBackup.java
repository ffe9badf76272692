package io.carpgate.bench;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.CallDelay;
import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.time.Duration;

/**
 * The benchmark's backup, in a JVM of its own so that neither the load generator nor carpgate shares its
 * heap or GC. Prints {@code PORT n} and {@code PIN fingerprint} on stdout, then serves until its stdin
 * closes (the driver holds it open; when the driver exits, so does this). {@code --opnsense-delays}: each call
 * takes as long as on OPNsense ({@link #opnsenseDelay}).
 */
public final class BenchBackup {
    static final String USER = "root";
    static final String PASSWORD = "bench-sync-password";
    static final String API_KEY = "bench-api-key";
    static final String API_SECRET = "bench-api-secret";
    static final int MAX_BODY = 96 * 1024 * 1024;

    private BenchBackup() {}

    /**
     * What OPNsense's PHP takes per call (with {@code --opnsense-delays}): each call starts PHP and loads the
     * configuration (tens of ms), the API's MVC stack more, and a restore's IXR parser works through the body
     * at about 5 MiB/s. Fixed, not random, so that medians of a few samples compare.
     */
    static Duration opnsenseDelay(String call, int bodyBytes) {
        return switch (call) {
            case "opnsense.firmware_version" -> Duration.ofMillis(75);
            case "opnsense.restore_config_section" -> Duration.ofMillis(150 + bodyBytes / (5 * 1024 * 1024 / 1000));
            case "opnsense.filter_configure" -> Duration.ofMillis(300);
            case "opnsense.configd_reload_all_templates" -> Duration.ofMillis(500);
            case "opnsense.list_services" -> Duration.ofMillis(150);
            case "opnsense.restart_service", "opnsense.start_service" -> Duration.ofMillis(250);
            case "/api/diagnostics/interface/get_vip_status" -> Duration.ofMillis(100);
            case "/api/interfaces/vip_settings/search_item" -> Duration.ofMillis(75);
            default -> Duration.ofMillis(50);
        };
    }

    public static void main(String[] args) throws IOException {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(USER, PASSWORD)
                .withApiCredentials(API_KEY, API_SECRET)
                .withMaxBody(MAX_BODY)
                .withoutRecording()
                .withCallDelay(java.util.List.of(args).contains("--opnsense-delays")
                        ? BenchBackup::opnsenseDelay : CallDelay.NONE))) {
            // wg0 (VHID 7 on opt2) may start, wg1 (VHID 2 on lan) stays BACKUP.
            backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
            System.out.println("PORT " + backup.baseUrl().getPort());
            System.out.println("PIN " + backup.fingerprint());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream()); // returns at EOF
        }
    }
}
