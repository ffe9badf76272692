package io.carpgate.demo;

import io.carpgate.carp.CarpStatus;
import io.carpgate.cli.AddedCommand;
import io.carpgate.cli.VersionProvider;
import io.carpgate.demo.DemoMaster.Item;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.LogSettings;
import io.carpgate.observe.LogSetup;
import io.carpgate.runtime.Carpgate;
import io.carpgate.sim.SimVip;
import io.carpgate.sim.SimulatedBackup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run carpgate's main job on an embedded simulated HA pair: \"Synchronize and reconfigure all\" "
                + "of a WireGuard instance, an OpenVPN client and a DHCP relay straight to a BACKUP node and through "
                + "carpgate, then with the backup MASTER; then a start pressed on the backup's own GUI while it is "
                + "BACKUP, which carpgate's read-only watch names. Needs nothing but the jar; exit status 0 when every "
                + "outcome is the expected one.")
public final class DemoCommand implements Callable<Integer>, AddedCommand {
    private static final String USER = "root";
    private static final String PASSWORD = "demo-sync-password";
    private static final String API_KEY = "demo-api-key";
    private static final String API_SECRET = "demo-api-secret";
    /** Every line the demo prints is shorter than this: it is read in an 120-column terminal. */
    static final int WIDTH = 118;
    private static final String ROW = "%-32s | %-36s | %s";

    @Spec
    CommandSpec spec;

    /** Where the demo's own folder (configuration, certificate, logs) goes; removed again when it ends. */
    Path workParent = Path.of(System.getProperty("java.io.tmpdir"));

    /** One item on one simulated backup: the dependency it stored, and whether it ran after the sync and as MASTER. */
    private record Seen(String stored, boolean afterSync, boolean asMaster) {}

    /** One run of the demo against a fresh simulated backup. */
    private record Run(Map<Item, Seen> items, Map<Item, String> answers, Map<Item, String> answersAsMaster) {}

    @Override
    public Integer call() throws Exception {
        // The narrative only: the simulator's and carpgate's own log lines would interleave with it.
        LogSetup.level(LogSettings.Level.ERROR);
        Path work = Files.createTempDirectory(workParent, "carpgate-demo");
        try {
            return demo(spec.commandLine().getOut(), work);
        } finally {
            delete(work);
        }
    }

    private int demo(PrintWriter out, Path work) throws Exception {
        SimulatedBackup.Options options = SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(USER, PASSWORD).withApiCredentials(API_KEY, API_SECRET);
        intro(out, options);
        Run direct = straightToTheBackup(options);
        Run gated = throughCarpgate(options, work);

        out.println(String.format(ROW, "", "straight to the backup", "through carpgate").stripTrailing());
        for (Item item : DemoMaster.ITEMS) {
            Seen d = direct.items().get(item);
            Seen g = gated.items().get(item);
            out.println(String.format(ROW, item.label() + " " + item.name(), "", "").stripTrailing());
            out.println(String.format(ROW, "  carp_depend_on stored", d.stored(), g.stored()));
            out.println(String.format(ROW, "  after the sync, backup BACKUP", afterSync(item, d), afterSync(item, g)));
            out.println(String.format(ROW, "  once the backup is MASTER", asMaster(d), asMaster(g)));
        }
        out.println();
        out.println("carpgate's answers to the master's restarts while the backup was BACKUP:");
        gated.answers().forEach((item, answer) -> wrap(out, "  " + String.format("%-10s", item.kind()),
                answer.startsWith("carpgate") ? answer
                        : answer + " (forwarded: a relay keeps itself down while its VIP is not MASTER)"));
        out.println("Once the backup is MASTER its CARP hooks start all three, and carpgate forwards the restarts:");
        gated.answersAsMaster().forEach((item, answer) -> wrap(out, "  " + String.format("%-10s", item.kind()), answer));
        out.println();

        Optional<String> watched = watchScene(out, options, work);

        boolean expected = expectedWithout(direct) && expectedWith(gated, options) && watched.isPresent();
        if (expected) {
            out.println("Verdict: without carpgate two items came up on the BACKUP and the relay never failed over; "
                    + "through it, none.");
        } else {
            out.println("Verdict: UNEXPECTED outcome, see above.");
        }
        byRelease(out);
        out.flush();
        return expected ? 0 : 1;
    }

    private static void intro(PrintWriter out, SimulatedBackup.Options options) {
        out.println("carpgate demo: \"Synchronize and reconfigure all\" on a simulated HA pair (OPNsense "
                + options.release().version() + "), VIP sync off.");
        wrap(out, "", "The backup is CARP BACKUP and its VIPs have uuids of their own ("
                + String.join(", ", options.vips().stream().map(v -> "VHID " + v.vhid() + " on " + v.iface() + " "
                + v.uuid()).toList()) + "). On the master:");
        for (Item item : DemoMaster.ITEMS) {
            out.println(String.format("  %-19s %-14s depends on the master's VIP %s (VHID %d)", item.label(), item.name(),
                    item.masterVip(), item.vhid()));
        }
        out.println("With VIP sync off only carpgate's VHID map can tell the VHID each follows; it names all three.");
    }

    /**
     * What the backup does without carpgate differs by release only with VIP sync on (docs/PROTOCOL.md, checked
     * on 25.7.11, 26.1.11, 26.7.2): 25.7's OpenVPN start/restart ignore CARP.
     */
    private static void byRelease(PrintWriter out) {
        out.println("On 25.7 the backup starts the OpenVPN client with VIP sync on too; carpgate suppresses it on all.");
    }

    private static String afterSync(Item item, Seen seen) {
        if (!seen.afterSync()) {
            return "down";
        }
        return item == DemoMaster.DHCRELAY ? "UP" : "UP: black hole";
    }

    private static String asMaster(Seen seen) {
        return seen.asMaster() ? "UP" : "down: never starts, no failover";
    }

    private static Run straightToTheBackup(SimulatedBackup.Options options) throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(options)) {
            Map<Item, String> answers = new DemoMaster(backup.baseUrl().toString(), USER, PASSWORD)
                    .synchronizeAndReconfigureAll();
            Map<Item, Seen> afterSync = seen(backup, Map.of());
            promote(backup);
            return new Run(seen(backup, afterSync), answers, Map.of());
        }
    }

    private static Run throughCarpgate(SimulatedBackup.Options options, Path work) throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(options)) {
            CarpgateConfig config = ConfigLoader.load(writeConfig(work, backup), Map.of());
            // carpgate's access and decision logs go to the demo's folder (and go with it); the console only errors.
            LogSetup.configure(config.logs());
            ByteArrayOutputStream startup = new ByteArrayOutputStream();
            try (Carpgate carpgate = Carpgate.start(config, new PrintStream(startup, true, StandardCharsets.UTF_8))) {
                DemoMaster master = new DemoMaster("https://127.0.0.1:" + carpgate.port() + "/", USER, PASSWORD);
                Map<Item, String> answers = master.synchronizeAndReconfigureAll();
                Map<Item, Seen> afterSync = seen(backup, Map.of());
                promote(backup);
                Thread.sleep(50); // past the demo's 10 ms CARP cache
                Map<Item, String> asMaster = master.restartItems();
                return new Run(seen(backup, afterSync), answers, asMaster);
            }
        }
    }

    /** The demo's watch interval: short, so the scene takes seconds (production's default is 60 s). */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    /**
     * The scene no sync path can prevent: someone presses Start for the WireGuard instance on the backup's own GUI
     * while it is BACKUP. carpgate's read-only watch names the conflict within one interval (and its read). Returns
     * the conflict as the watch named it, empty when it did not in time.
     */
    private static Optional<String> watchScene(PrintWriter out, SimulatedBackup.Options options, Path work)
            throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(options)) {
            CarpgateConfig config = ConfigLoader.load(writeConfig(Files.createDirectories(work.resolve("watch")),
                    backup, "watch: {interval: " + WATCH_INTERVAL.toSeconds() + "s}\n"), Map.of());
            LogSetup.configure(config.logs());
            ByteArrayOutputStream startup = new ByteArrayOutputStream();
            try (Carpgate carpgate = Carpgate.start(config, new PrintStream(startup, true, StandardCharsets.UTF_8))) {
                new DemoMaster("https://127.0.0.1:" + carpgate.port() + "/", USER, PASSWORD).synchronizeAndReconfigureAll();
                backup.network().route("10.77.0.0/24", "wg0"); // the peer's network, as the instance's peer adds it
                long pressed = System.nanoTime();
                backup.startOnOwnGui(DemoMaster.WIREGUARD.uuid());
                // One interval, the read itself (the API timeout and a little), and the slack of a loaded machine.
                long deadline = pressed + WATCH_INTERVAL.plus(config.limits().apiTimeout()).plusSeconds(2).toNanos();
                while (System.nanoTime() - deadline < 0) {
                    Optional<String> named = carpgate.server().statuses().stream()
                            .flatMap(p -> p.watch().conflicts().stream()).map(c -> c.text()).findFirst();
                    if (named.isPresent()) {
                        long millis = (System.nanoTime() - pressed) / 1_000_000;
                        out.println("Start pressed on the backup's own GUI while BACKUP: carpgate's read-only watch "
                                + "(every " + WATCH_INTERVAL.toSeconds() + " s here) said " + millis + " ms later:");
                        wrap(out, "  ", named.get());
                        return named;
                    }
                    Thread.sleep(50); // polls carpgate's own status, never the backup
                }
                out.println("Start pressed on the backup's own GUI while BACKUP: the watch named no conflict in time");
                return Optional.empty();
            }
        }
    }

    /** The backup takes over every VHID, as when the master fails. */
    private static void promote(SimulatedBackup backup) {
        for (SimVip vip : backup.vips()) {
            backup.setCarpStatus(vip.vhid(), vip.iface(), CarpStatus.MASTER);
        }
    }

    /** What the backup holds now; {@code before} (when given) is the snapshot after the sync. */
    private static Map<Item, Seen> seen(SimulatedBackup backup, Map<Item, Seen> before) {
        Map<Item, Seen> out = new LinkedHashMap<>();
        for (Item item : DemoMaster.ITEMS) {
            String stored = switch (item.kind()) {
                case "wireguard" -> backup.wireguardInstances().containsKey(item.uuid())
                        ? backup.wireguardInstances().get(item.uuid()).carpDependOn() : "(not stored)";
                case "openvpn" -> backup.openvpnInstances().containsKey(item.uuid())
                        ? backup.openvpnInstances().get(item.uuid()).carpDependOn() : "(not stored)";
                default -> backup.dhcpRelays().containsKey(item.uuid())
                        ? backup.dhcpRelays().get(item.uuid()).carpDependOn() : "(not stored)";
            };
            boolean up = switch (item.kind()) {
                case "wireguard" -> backup.wireguardUp().contains(item.uuid());
                case "openvpn" -> backup.openvpnRunning().contains(item.uuid());
                default -> backup.relaysRunning().contains(item.uuid());
            };
            out.put(item, before.containsKey(item) ? new Seen(stored, before.get(item).afterSync(), up)
                    : new Seen(stored, up, false));
        }
        return out;
    }

    private static boolean expectedWithout(Run direct) {
        Seen wireguard = direct.items().get(DemoMaster.WIREGUARD);
        Seen openvpn = direct.items().get(DemoMaster.OPENVPN);
        Seen relay = direct.items().get(DemoMaster.DHCRELAY);
        return wireguard.afterSync() && openvpn.afterSync() && !relay.afterSync() && !relay.asMaster()
                && DemoMaster.ITEMS.stream().allMatch(i -> direct.items().get(i).stored().equals(i.masterVip()));
    }

    private static boolean expectedWith(Run gated, SimulatedBackup.Options options) {
        for (Item item : DemoMaster.ITEMS) {
            Seen seen = gated.items().get(item);
            String backupVip = options.vips().stream().filter(v -> v.vhid() == item.vhid()).findFirst()
                    .map(SimVip::uuid).orElse("");
            String answer = gated.answers().get(item);
            boolean answered = item == DemoMaster.DHCRELAY ? answer.contains("has been restarted")
                    : answer.startsWith("carpgate suppressed");
            if (!seen.stored().equals(backupVip) || seen.afterSync() || !seen.asMaster() || !answered
                    || !gated.answersAsMaster().get(item).contains("has been restarted")) {
                return false;
            }
        }
        return true;
    }

    /** Prints {@code text} after {@code lead}, broken at spaces so no line reaches {@link #WIDTH}; nothing is cut. */
    static void wrap(PrintWriter out, String lead, String text) {
        String indent = " ".repeat(lead.length());
        StringBuilder line = new StringBuilder(lead);
        for (String word : text.split(" ")) {
            boolean first = line.length() == lead.length();
            if (!first && line.length() + 1 + word.length() > WIDTH) {
                out.println(line);
                line = new StringBuilder(indent);
                first = true;
            }
            line.append(first ? "" : " ").append(word);
        }
        out.println(line);
    }

    private static Path writeConfig(Path work, SimulatedBackup backup) throws IOException {
        return writeConfig(work, backup, "");
    }

    private static Path writeConfig(Path work, SimulatedBackup backup, String extra) throws IOException {
        Files.writeString(work.resolve("backup-api.txt"), API_KEY + ":" + API_SECRET + "\n");
        StringBuilder map = new StringBuilder();
        for (Item item : DemoMaster.ITEMS) {
            map.append(item.kind()).append(":\n  ").append(item.name()).append(": {vhid: ").append(item.vhid())
                    .append(", interface: ").append(item.iface()).append("}\n");
        }
        Files.writeString(work.resolve("vhid-map.yml"), map.toString());
        Path file = work.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                + "allow-from: [127.0.0.1/32]\n"
                + "tls: {cert: certs/carpgate.crt, key: certs/carpgate.key}\n"
                + "backup:\n  url: " + backup.baseUrl() + "\n  pin-sha256: \"" + backup.fingerprint() + "\"\n"
                + "  api-credentials: backup-api.txt\n"
                + "vhid-map: vhid-map.yml\n"
                + "logs: {dir: logs, level: error}\n"
                + "state-dir: state\n"
                + "admin: {enabled: false}\n"
                // The demo flips CARP state and asks again at once; production keeps the 2 s default.
                + "limits: {carp-cache: 10ms}\n" + extra);
        return file;
    }

    /** The demo's folder and everything in it: nothing of a demo run stays behind. */
    private static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

}
