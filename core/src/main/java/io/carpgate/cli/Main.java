package io.carpgate.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar carpgate.jar <command>}. */
@Command(name = "carpgate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "TLS proxy on the OPNsense HA sync path, for the items that depend on a CARP VIP: WireGuard "
                + "instances, OpenVPN clients and DHCP relays. It stores each on the backup with the backup's own CARP "
                + "VIP, so that the backup's CARP logic keeps it down while BACKUP and brings it up as MASTER, and lets "
                + "a WireGuard instance or OpenVPN client start there only where the backup is CARP MASTER.",
        subcommands = {RunCommand.class, CheckCommand.class, GenCertCommand.class, FingerprintCommand.class,
                AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Main());
        // The demo comes from the carpgate-sim module, shaded into the distributed jar; the product never names it.
        ServiceLoader.load(AddedCommand.class, Main.class.getClassLoader()).forEach(line::addSubcommand);
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. run --config conf/carpgate.yml (made from conf/examples/)");
    }
}
