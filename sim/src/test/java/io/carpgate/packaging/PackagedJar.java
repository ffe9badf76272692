package io.carpgate.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * The jar Maven's package step builds, for the end-to-end tests that run it. mvn verify packages it before them; run
 * alone (mvn test -Dunit.excludedGroups=none -Dtest=...) without it, they are skipped with the reason and the command,
 * except under CI=true, where a missing jar is a failure.
 */
final class PackagedJar {
    static final Path JAR = Paths.get("target/carpgate.jar").toAbsolutePath();

    private PackagedJar() {}

    static Path require() {
        if (!Files.isRegularFile(JAR)) {
            String reason = "no packaged jar at " + JAR + ": build it first with mvn -B -q package -DskipTests "
                    + "(mvn -B verify does so before the end-to-end tests)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
        return JAR;
    }
}
