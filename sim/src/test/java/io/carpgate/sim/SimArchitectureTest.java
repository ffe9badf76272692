package io.carpgate.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.carpgate.demo.DemoCommand;
import java.net.URISyntaxException;
import java.nio.file.Path;
import io.carpgate.testkit.ArchRules;
import org.junit.jupiter.api.Test;

/**
 * The rules of this module (docs/development.md, "Modules"). That the product never uses the simulator needs no
 * rule: core cannot name this module. Here: the simulated backup stands on its own (it uses of the product only
 * the CARP status words and the TLS helpers, so what it answers is not carpgate's own reading of a request) and
 * knows nothing of the demo. The classes are read from this module's own class folders, not core's.
 */
class SimArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(folderOf(DemoCommand.class));
    private static final JavaClasses TESTS = new ClassFileImporter().importPath(folderOf(SimArchitectureTest.class));

    private static Path folderOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }


    @Test
    void theSimulatedBackupUsesOfTheProductOnlyTheCarpWordsAndTls() {
        noClasses().that().resideInAPackage("io.carpgate.sim..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("sim", "carp", "tls"))
                .check(MAIN);
    }

    /** The simulated backup is a backup: it knows nothing of the demo that plays the master against it. */
    @Test
    void theSimulatedBackupDoesNotKnowTheDemo() {
        noClasses().that().resideInAPackage("io.carpgate.sim..")
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.demo..")
                .check(MAIN);
    }

    @Test
    void everyTestOfTheEndToEndPackageIsTaggedSoMvnTestLeavesItOut() {
        ArchRules.END_TO_END_TESTS_ARE_TAGGED.check(TESTS);
    }
}
