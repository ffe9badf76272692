package io.carpgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The product's command line gets {@code demo} from this module through {@code ServiceLoader}
 * ({@code META-INF/services/io.carpgate.cli.AddedCommand}), never by name: core's {@code CliTest} sees no demo.
 */
class DemoOnTheCommandLineTest {
    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        assertThat(cli.execute(args)).as(String.join(" ", args) + ": " + out).isZero();
        return out.toString();
    }

    @Test
    void theDemoIsACommandOfCarpgateWithItsHelpAndVersion() {
        assertThat(Main.commandLine().getSubcommands()).containsKey("demo");
        Object demo = Main.commandLine().getSubcommands().get("demo").getCommand();
        assertThat(demo).isInstanceOf(DemoCommand.class);
        assertThat(run("demo", "--help")).contains("Usage: carpgate demo", "--help", "--version");
        assertThat(run("demo", "--version")).startsWith("carpgate ");
        assertThat(run("--help")).contains("demo", "run", "check");
    }
}
