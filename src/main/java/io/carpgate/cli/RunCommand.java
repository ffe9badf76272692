package io.carpgate.cli;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Start the proxy. Exit status 2 on a configuration or map error, 1 when it cannot start.")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "YAML configuration (see conf/carpgate.yml)")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        CarpgateConfig loaded;
        try {
            loaded = ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        }
        LogSetup.toFolder(loaded.logsDir());
        Launcher.Running running;
        try {
            running = Launcher.start(loaded, out);
        } catch (ConfigException e) {
            System.err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            System.err.println("carpgate: cannot start: " + e.getMessage());
            return 1;
        }
        out.println("carpgate listening on https://" + loaded.listen().host() + ":" + running.port()
                + "/ -> backup " + loaded.backup().url());
        out.println("on the master, set Synchronize Config to IP to https://<this host>:" + running.port() + "/");
        out.println("logs: " + loaded.logsDir().toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("carpgate: shutdown: " + e.getMessage());
            }
        }, "carpgate-shutdown"));
        running.server().join();
        return 0;
    }
}
