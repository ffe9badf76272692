package io.carpgate.cli;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.memory.PairMemories;
import io.carpgate.watch.Conflict;
import io.carpgate.watch.ConflictDetector;
import io.carpgate.watch.WatchReader;
import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.PairConfig;
import io.carpgate.tls.TlsContexts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jetty.client.HttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Read and validate the configuration, each VHID map and every file they name (API credentials, "
                + "backup.ca, the listener's certificate and key when present) and print what was found, with warnings "
                + "for values left as in the example. Then reach each pair's backup API with the configured TLS trust "
                + "and credentials and print the backup's CARP VIPs, the items of the VHID map (by kind) and, unless "
                + "watch.interval is off, the conflicts the watch finds on the backup (items carpgate remembers in "
                + "state-dir whose interface is up while the backup is not MASTER, relays down while it is).",
                "With --offline nothing is contacted: for guarding a reload (systemd ExecReload=) or a CI job.",
                "Exit status 0 when all is well, 2 for a configuration or map error, 1 for a backup or API problem "
                        + "(never with --offline)."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration")
    Path config;

    @Option(names = "--offline", description = "Read and validate only; contact no backup. Exit status 0 valid, 2 invalid.")
    boolean offline;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.util.Optional<String> first = FirstConfiguration.hint(config);
        if (first.isPresent()) {
            err.println(first.get());
            return 2;
        }
        OfflineCheck.Report report;
        try {
            report = OfflineCheck.run(config, System.getenv(), Instant.now());
        } catch (ConfigException e) {
            err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        }
        report.lines().forEach(out::println);
        report.warnings().forEach(w -> out.println("WARNING: " + w));
        if (offline) {
            out.println("offline: configuration valid; no backup was contacted");
            return 0;
        }
        CarpgateConfig loaded = report.config();
        int status = 0;
        for (int i = 0; i < loaded.pairs().size(); i++) {
            out.println();
            status = Math.max(status, checkPair(loaded, loaded.pairs().get(i), out, err));
        }
        return status;
    }

    private static int checkPair(CarpgateConfig loaded, PairConfig pair, PrintWriter out, PrintWriter err)
            throws Exception {
        out.println("pair " + pair.name() + " at " + pair.path() + ", backup " + pair.backup().url() + ":");
        Optional<String> problem = BackupProbe.problem(pair, loaded.limits().apiTimeout());
        if (problem.isPresent()) {
            err.println("carpgate: pair " + pair.name() + ": backup " + pair.backup().url() + ": " + problem.get());
            return 1;
        }
        HttpClient http = BackupApiClient.newHttpClient(TlsContexts.client(pair.backup().trust()));
        CarpView view;
        Optional<WatchReader.Answer> network = Optional.empty();
        try {
            view = new BackupApiClient(http, pair.backup().url(), pair.backup().apiCredentials().key(),
                    pair.backup().apiCredentials().secret(), loaded.limits().apiTimeout(), Clock.systemUTC()).readNow();
            if (!loaded.watch().off() && view instanceof CarpView.Known) {
                network = Optional.of(new WatchReader(http, pair.backup().url(), pair.backup().apiCredentials().key(),
                        pair.backup().apiCredentials().secret(), loaded.limits().apiTimeout()).readNow());
            }
        } finally {
            http.stop();
        }
        if (view instanceof CarpView.Unavailable down) {
            err.println("carpgate: pair " + pair.name() + ": backup " + pair.backup().url() + ": " + down.reason());
            return 1;
        }
        CarpView.Known known = (CarpView.Known) view;
        out.println("backup " + pair.backup().url() + ": TLS and API ok");
        out.println();
        out.printf("%-5s %-10s %-38s %s%n", "VHID", "INTERFACE", "BACKUP VIP UUID", "CARP STATE");
        for (BackupVip vip : known.vips()) {
            out.printf("%-5d %-10s %-38s %s%n", vip.vhid(), vip.iface(), vip.uuid(),
                    state(known.statusOf(vip.vhid(), Optional.of(vip.iface()))));
        }
        out.println();
        int watched = watch(loaded, pair, known, network, out, err);
        if (pair.vhidMap().all().isEmpty()) {
            out.println("No entries in the VHID map: WireGuard instances, OpenVPN instances and DHCP relays follow the VIP "
                    + "their carp_depend_on names in each sync.");
            return watched;
        }
        boolean allResolved = true;
        out.printf("%-9s %-38s %-5s %-10s %-38s %s%n", "KIND", "ITEM (VHID MAP)", "VHID", "INTERFACE", "BACKUP VIP",
                "CARP STATE");
        for (io.carpgate.policy.VhidMapEntry entry : pair.vhidMap().all()) {
            CarpView.Resolved<String> vip = entry.backupVip().map(uuid -> mappedVip(uuid, known))
                    .orElseGet(() -> known.backupVipUuid(entry.vhid(), entry.iface()));
            allResolved &= vip instanceof CarpView.Resolved.Yes;
            out.printf("%-9s %-38s %-5d %-10s %-38s %s%n", entry.kind().key(), entry.key(), entry.vhid(),
                    entry.iface().orElse("-"),
                    vip instanceof CarpView.Resolved.Yes<String> yes ? yes.value()
                            : "UNRESOLVED: " + ((CarpView.Resolved.No<String>) vip).reason(),
                    state(known.statusOf(entry.vhid(), entry.iface())));
        }
        if (!allResolved) {
            err.println("carpgate: pair " + pair.name() + ": some VHID map entries name a VHID the backup cannot "
                    + "resolve (see above)");
            return 1;
        }
        return watched;
    }

    /**
     * The watch, once: the backup's interfaces and routes against what carpgate remembers of the pair's items (the
     * state folder's file; a running carpgate keeps it). 1 when a conflict stands or the read failed, else 0.
     */
    private static int watch(CarpgateConfig loaded, PairConfig pair, CarpView.Known known,
                             Optional<WatchReader.Answer> network, PrintWriter out, PrintWriter err) {
        if (network.isEmpty()) {
            out.println("watch: off (watch.interval)");
            out.println();
            return 0;
        }
        if (network.get() instanceof WatchReader.Answer.Failed failed) {
            err.println("carpgate: pair " + pair.name() + ": watch: " + failed.reason());
            return 1;
        }
        java.util.Collection<io.carpgate.policy.CarpItem> items = loaded.stateDir()
                .map(dir -> PairMemories.look(dir, pair.name(), pair.backup().url().toString()))
                .filter(PairMemories.Remembered.Items.class::isInstance)
                .map(r -> ((PairMemories.Remembered.Items) r).book().all())
                .orElse(java.util.List.of());
        java.util.List<Conflict> conflicts = ConflictDetector.detect(items, known,
                ((WatchReader.Answer.Read) network.get()).network());
        if (conflicts.isEmpty()) {
            out.println("watch: no conflict on the backup (" + items.size() + " item(s) known from syncs)");
            out.println();
            return 0;
        }
        out.println("CONFLICTS ON THE BACKUP:");
        conflicts.forEach(c -> out.println("  " + c.kind().key() + " " + c.item() + ": " + c.text()));
        out.println();
        err.println("carpgate: pair " + pair.name() + ": " + conflicts.size() + " conflict(s) on the backup (see above)");
        return 1;
    }

    /** A map's backup-vip must be a VIP the backup has: else carpgate would write a dependency that dangles. */
    private static CarpView.Resolved<String> mappedVip(String uuid, CarpView.Known known) {
        return known.vips().stream().anyMatch(v -> v.uuid().equals(uuid))
                ? new CarpView.Resolved.Yes<>(uuid)
                : new CarpView.Resolved.No<>("backup-vip " + uuid + " is not a VIP of the backup");
    }

    private static String state(CarpView.Resolved<io.carpgate.carp.CarpStatus> status) {
        return status instanceof CarpView.Resolved.Yes<io.carpgate.carp.CarpStatus> yes ? yes.value().name()
                : "UNKNOWN (" + ((CarpView.Resolved.No<io.carpgate.carp.CarpStatus>) status).reason() + ")";
    }
}
