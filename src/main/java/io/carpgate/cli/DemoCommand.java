package io.carpgate.cli;

import io.carpgate.carp.CarpStatus;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import io.carpgate.sim.SimulatedBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run carpgate's main job on an embedded simulated HA pair: \"Synchronize and reconfigure all\" "
                + "straight to a BACKUP node and through carpgate, then with the backup MASTER. Needs nothing but the "
                + "jar; exit status 0 when every outcome is the expected one.")
final class DemoCommand implements Callable<Integer> {
    private static final String USER = "root";
    private static final String PASSWORD = "demo-sync-password";
    private static final String API_KEY = "demo-api-key";
    private static final String API_SECRET = "demo-api-secret";

    @Spec
    CommandSpec spec;

    private record Outcome(String stored, boolean up, String answer) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("carpgate-demo");
        SimulatedBackup.Options options = SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(USER, PASSWORD).withApiCredentials(API_KEY, API_SECRET);
        out.println("Simulated pair: the backup has CARP VIP " + "VHID 7 on opt2 (WAN2) in state BACKUP, its own uuid "
                + "differs from the master's; the master's WireGuard instance " + DemoMaster.INSTANCE_NAME
                + " depends on the master's VIP uuid " + DemoMaster.MASTER_VIP + ".");
        out.println();

        Outcome direct;
        try (SimulatedBackup backup = SimulatedBackup.start(options)) {
            String answer = new DemoMaster(backup.baseUrl().toString(), USER, PASSWORD).synchronizeAndReconfigureAll();
            direct = outcome(backup, answer);
        }

        Outcome gated;
        Outcome afterMaster;
        try (SimulatedBackup backup = SimulatedBackup.start(options)) {
            CarpgateConfig config = ConfigLoader.load(writeConfig(work, backup), Map.of());
            LogSetup.configure(config.logs());
            ByteArrayOutputStream startup = new ByteArrayOutputStream();
            try (Launcher.Running carpgate = Launcher.start(config, new PrintStream(startup, true, StandardCharsets.UTF_8))) {
                DemoMaster master = new DemoMaster("https://127.0.0.1:" + carpgate.port() + "/", USER, PASSWORD);
                gated = outcome(backup, master.synchronizeAndReconfigureAll());
                backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
                Thread.sleep(50); // past the demo's 10 ms CARP cache
                afterMaster = outcome(backup, master.restartWireGuard());
            }
        }

        String backupVip = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        out.printf("%-34s | %-44s | %s%n", "", "straight to the backup", "through carpgate");
        out.printf("%-34s | %-44s | %s%n", "carp_depend_on stored on backup", direct.stored(), gated.stored());
        out.printf("%-34s | %-44s | %s%n", "wg0 on the BACKUP after the sync", direct.up() ? "UP (black hole)" : "down",
                gated.up() ? "UP" : "down");
        out.printf("%-34s | %-44s | %s%n", "answer to restart_service", shorten(direct.answer()), shorten(gated.answer()));
        out.println();
        out.println("Backup becomes CARP MASTER for VHID 7, master restarts the instance through carpgate:");
        out.println("  wg0 on the backup: " + (afterMaster.up() ? "UP" : "down") + "   answer: " + afterMaster.answer());
        out.println();
        out.println("carpgate's logs of this run: " + work.resolve("logs"));

        boolean expected = direct.up() && direct.stored().equals(DemoMaster.MASTER_VIP)
                && !gated.up() && gated.stored().equals(backupVip) && gated.answer().startsWith("carpgate suppressed")
                && afterMaster.up();
        out.println(expected
                ? "Verdict: without carpgate WireGuard came up on the BACKUP; with carpgate it was stored with the backup's "
                        + "own VIP and started only once the backup was MASTER."
                : "Verdict: UNEXPECTED outcome, see above.");
        out.flush();
        return expected ? 0 : 1;
    }

    private static Outcome outcome(SimulatedBackup backup, String answer) {
        var stored = backup.wireguardInstances().get(DemoMaster.INSTANCE);
        return new Outcome(stored == null ? "(not stored)" : stored.carpDependOn(),
                backup.wireguardUp().contains(DemoMaster.INSTANCE), answer);
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static Path writeConfig(Path work, SimulatedBackup backup) throws java.io.IOException {
        Files.writeString(work.resolve("backup-api.txt"), API_KEY + ":" + API_SECRET + "\n");
        Files.writeString(work.resolve("vhid-map.yml"), "instances:\n  " + DemoMaster.INSTANCE_NAME
                + ":\n    vhid: 7\n    interface: opt2\n");
        Path file = work.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: certs/carpgate.crt, key: certs/carpgate.key}\n"
                + "backup:\n  url: " + backup.baseUrl() + "\n  pin-sha256: \"" + backup.fingerprint() + "\"\n"
                + "  api-credentials: backup-api.txt\n"
                + "vhid-map: vhid-map.yml\n"
                + "logs: {dir: logs}\n"
                + "admin: {enabled: false}\n"
                // The demo flips CARP state and asks again at once; production keeps the 2 s default.
                + "limits: {carp-cache: 10ms}\n");
        return file;
    }
}
