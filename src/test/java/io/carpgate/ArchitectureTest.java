package io.carpgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.carpgate.e2e.EndToEnd;
import org.junit.jupiter.api.Test;

/**
 * The package rules of README's "How it is built", as tests. The core (reading, CARP state, the decision)
 * depends on nothing of the shell, so it stays pure and testable on its own; the simulated backup is a
 * command's tool, never part of the proxy; the parity reference is written without carpgate's code, or it
 * would check carpgate against itself.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.carpgate");
    private static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS).importPackages("io.carpgate");

    /** A class of carpgate's own outside the given packages. */
    private static DescribedPredicate<JavaClass> carpgateOutside(String... packages) {
        String[] patterns = java.util.Arrays.stream(packages).map(p -> "io.carpgate." + p + "..").toArray(String[]::new);
        return JavaClass.Predicates.resideInAPackage("io.carpgate..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(patterns)))
                .as("carpgate classes outside " + String.join(", ", packages));
    }

    @Test
    void readingRequestsDependsOnNoOtherPackageOfCarpgate() {
        noClasses().that().resideInAPackage("io.carpgate.xmlrpc..")
                .should().dependOnClassesThat(carpgateOutside("xmlrpc"))
                .check(MAIN);
    }

    @Test
    void theCarpViewDependsOnNoOtherPackageOfCarpgate() {
        noClasses().that().resideInAPackage("io.carpgate.carp..")
                .should().dependOnClassesThat(carpgateOutside("carp"))
                .check(MAIN);
    }

    @Test
    void theDecisionDependsOnlyOnReadingAndTheCarpView() {
        noClasses().that().resideInAPackage("io.carpgate.policy..")
                .should().dependOnClassesThat(carpgateOutside("policy", "xmlrpc", "carp"))
                .check(MAIN);
    }

    /** The pair's memory knows items and answers, not HTTP, configuration or the proxy that feeds it. */
    @Test
    void thePairMemoryDependsOnlyOnTheDecisionAndReading() {
        noClasses().that().resideInAPackage("io.carpgate.memory..")
                .should().dependOnClassesThat(carpgateOutside("memory", "policy", "xmlrpc", "carp"))
                .check(MAIN);
    }

    /**
     * The watch reads the backup and names conflicts from what carpgate knows (policy's items, the CARP view): it
     * depends on nothing of the sync path, the admin listener or the commands, so it cannot write to the backup
     * through them, and only the composition (proxy), the status (observe's rows come from proxy) and check use it.
     */
    @Test
    void theWatchDependsOnlyOnTheCarpViewAndTheDecisionsItems() {
        noClasses().that().resideInAPackage("io.carpgate.watch..")
                .should().dependOnClassesThat(carpgateOutside("watch", "carp", "policy"))
                .check(MAIN);
        noClasses().that().resideInAPackage("io.carpgate..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("io.carpgate.watch..",
                        "io.carpgate.proxy..", "io.carpgate.cli..")))
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.watch..")
                .check(MAIN);
    }

    @Test
    void onlyTheCommandsUseTheSimulatedBackup() {
        noClasses().that().resideOutsideOfPackages("io.carpgate.cli..", "io.carpgate.sim..")
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.sim..")
                .check(MAIN);
    }

    @Test
    void theParityReferenceImportsNoMainCode() {
        noClasses().that().resideInAPackage("io.carpgate.reference..")
                .should().dependOnClassesThat(carpgateOutside("reference"))
                .check(TESTS);
    }

    @Test
    void everyTestOfTheEndToEndPackageIsTaggedSoMvnTestLeavesItOut() {
        classes().that().resideInAPackage("io.carpgate.e2e..").and().haveSimpleNameEndingWith("Test")
                .and().areTopLevelClasses()
                .should().beAnnotatedWith(EndToEnd.class)
                .check(TESTS);
    }
}
