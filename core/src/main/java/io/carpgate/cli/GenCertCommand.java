package io.carpgate.cli;

import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "gen-cert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Create a self-signed ECDSA P-256 certificate and key (PEM) for carpgate's listener and print "
                + "its SHA-256 fingerprint. Exit status 1 when a file exists and --force is not given.")
final class GenCertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cert", paramLabel = "FILE", defaultValue = "certs/carpgate.crt", description = "default: ${DEFAULT-VALUE}")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", defaultValue = "certs/carpgate.key", description = "default: ${DEFAULT-VALUE}")
    Path key;

    @Option(names = "--name", paramLabel = "CN", defaultValue = "carpgate", description = "subject CN, also a DNS name in the certificate")
    String name;

    @Option(names = "--san", paramLabel = "NAME", split = ",", description = "more DNS names or IP addresses for the certificate")
    List<String> alternativeNames = List.of();

    @Option(names = "--force", description = "overwrite existing files")
    boolean force;

    @Override
    public Integer call() throws Exception {
        for (Path file : List.of(cert, key)) {
            if (Files.exists(file) && !force) {
                spec.commandLine().getErr().println("carpgate: " + file + " exists; use --force to replace it");
                return 1;
            }
        }
        List<String> names = new java.util.ArrayList<>(List.of(name, "localhost", "127.0.0.1"));
        names.addAll(alternativeNames);
        Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, name, names.stream().distinct().toList());
        spec.commandLine().getOut().println("wrote " + cert + " and " + key + " (key readable by its owner only)");
        spec.commandLine().getOut().println("SHA-256 " + fingerprint);
        return 0;
    }
}
