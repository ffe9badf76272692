package io.carpgate.cli;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.PairConfig;
import io.carpgate.config.VhidMap;
import io.carpgate.config.VhidMapEntry;
import io.carpgate.config.VhidMapLoader;
import io.carpgate.tls.TlsContexts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jetty.client.HttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Validate the configuration and VHID map, reach the backup's API with the configured TLS trust "
                + "and credentials, and print the backup's CARP VIPs and the items of the VHID map (by kind). "
                + "Exit status 0 when all is well, 2 for a configuration or map error, 1 for a backup or API problem.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CarpgateConfig loaded;
        List<VhidMap> maps = new ArrayList<>();
        try {
            loaded = ConfigLoader.load(config, System.getenv());
            for (PairConfig pair : loaded.pairs()) {
                maps.add(pair.vhidMap().isPresent() ? VhidMapLoader.load(pair.vhidMap().get()) : VhidMap.empty());
            }
        } catch (ConfigException e) {
            err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        }
        out.println("configuration " + loaded.source() + ": ok; " + loaded.pairs().size() + " pair(s)");
        out.println("clients: " + loaded.access().describe());
        int status = 0;
        for (int i = 0; i < loaded.pairs().size(); i++) {
            out.println();
            status = Math.max(status, checkPair(loaded, loaded.pairs().get(i), maps.get(i), out, err));
        }
        return status;
    }

    private static int checkPair(CarpgateConfig loaded, PairConfig pair, VhidMap map, PrintWriter out, PrintWriter err)
            throws Exception {
        out.println("pair " + pair.name() + " at " + pair.path() + "; VHID map: "
                + map.source().map(p -> p + " (" + map.entries().size() + " entries)").orElse("none"));
        HttpClient http = BackupApiClient.newHttpClient(TlsContexts.client(pair.backup().trust()));
        CarpView view;
        try {
            view = new BackupApiClient(http, pair.backup().url(), pair.backup().apiCredentials().key(),
                    pair.backup().apiCredentials().secret(), loaded.limits().apiTimeout(), Clock.systemUTC()).readNow();
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
        if (map.entries().isEmpty()) {
            out.println("No entries in the VHID map: WireGuard instances, OpenVPN instances and DHCP relays follow the VIP "
                    + "their carp_depend_on names in each sync.");
            return 0;
        }
        boolean allResolved = true;
        out.printf("%-9s %-38s %-5s %-10s %-38s %s%n", "KIND", "ITEM (VHID MAP)", "VHID", "INTERFACE", "BACKUP VIP",
                "CARP STATE");
        for (VhidMapEntry entry : map.entries()) {
            CarpView.Resolved<String> vip = entry.backupVip().<CarpView.Resolved<String>>map(CarpView.Resolved.Yes::new)
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
        return 0;
    }

    private static String state(CarpView.Resolved<io.carpgate.carp.CarpStatus> status) {
        return status instanceof CarpView.Resolved.Yes<io.carpgate.carp.CarpStatus> yes ? yes.value().name()
                : "UNKNOWN (" + ((CarpView.Resolved.No<io.carpgate.carp.CarpStatus>) status).reason() + ")";
    }
}
