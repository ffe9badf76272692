package io.carpgate.cli;

import io.carpgate.runtime.Carpgate;
import picocli.CommandLine;

/** The version Maven wrote into the jar. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"carpgate " + version(), "Java " + System.getProperty("java.version")};
    }

    /** carpgate's version, as Maven wrote it into the jar ("unknown" when run from classes without it). */
    static String version() {
        return Carpgate.version();
    }
}
