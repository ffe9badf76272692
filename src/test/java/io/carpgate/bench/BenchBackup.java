package io.carpgate.bench;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;

/**
 * The benchmark's backup, in a JVM of its own so that neither the load generator nor carpgate shares its
 * heap or GC. Prints {@code PORT n} and {@code PIN fingerprint} on stdout, then serves until its stdin
 * closes (the driver holds it open; when the driver exits, so does this).
 */
public final class BenchBackup {
    static final String USER = "root";
    static final String PASSWORD = "bench-sync-password";
    static final String API_KEY = "bench-api-key";
    static final String API_SECRET = "bench-api-secret";
    static final int MAX_BODY = 96 * 1024 * 1024;

    private BenchBackup() {}

    public static void main(String[] args) throws IOException {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(USER, PASSWORD)
                .withApiCredentials(API_KEY, API_SECRET)
                .withMaxBody(MAX_BODY)
                .withoutRecording())) {
            // wg0 (VHID 7 on opt2) may start, wg1 (VHID 2 on lan) stays BACKUP.
            backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
            System.out.println("PORT " + backup.baseUrl().getPort());
            System.out.println("PIN " + backup.fingerprint());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream()); // returns at EOF
        }
    }
}
