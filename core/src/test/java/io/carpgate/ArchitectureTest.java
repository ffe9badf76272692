package io.carpgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.testkit.ArchRules;
import org.junit.jupiter.api.Test;

/**
 * The package rules of README's "How it is built", as tests. The core (reading, CARP state, the decision)
 * depends on nothing of the shell, so it stays pure and testable on its own; the simulated backup is in the sim
 * module, which this one cannot name (the compiler keeps it out; sim's own rules are in its
 * {@code SimArchitectureTest}); the parity reference is written without carpgate's code, or it
 * would check carpgate against itself.
 */
class ArchitectureTest {
    /**
     * The classes are read once (reading them is most of this test's time) and split by where they came from:
     * ArchUnit's own options would read the class path once for each.
     */
    private static final JavaClasses ALL = new ClassFileImporter().importPackages("io.carpgate");
    private static final JavaClasses MAIN = ALL.that(from(new ImportOption.DoNotIncludeTests()));
    private static final JavaClasses TESTS = ALL.that(from(new ImportOption.OnlyIncludeTests()));

    /** The classes whose file an import option keeps. */
    private static DescribedPredicate<JavaClass> from(ImportOption option) {
        return DescribedPredicate.describe("read from " + option.getClass().getSimpleName(),
                c -> c.getSource().map(source -> option.includes(com.tngtech.archunit.core.importer.Location.of(
                        source.getUri()))).orElse(false));
    }


    @Test
    void readingRequestsDependsOnNoOtherPackageOfCarpgate() {
        noClasses().that().resideInAPackage("io.carpgate.xmlrpc..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("xmlrpc"))
                .check(MAIN);
    }

    @Test
    void theCarpViewDependsOnNoOtherPackageOfCarpgate() {
        noClasses().that().resideInAPackage("io.carpgate.carp..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("carp"))
                .check(MAIN);
    }

    /** The pure decision ({@code Gate} and its parts): no state, so neither the pair's memory nor the decider. */
    @Test
    void theDecisionDependsOnlyOnReadingAndTheCarpView() {
        noClasses().that().resideInAPackage("io.carpgate.policy..").and().doNotBelongToAnyOf(Gatekeeper.class)
                .should().dependOnClassesThat(ArchRules.carpgateOutside("policy", "xmlrpc", "carp"))
                .orShould().dependOnClassesThat().belongToAnyOf(Gatekeeper.class)
                .check(MAIN);
    }

    /** The decider: the pure decision, run in the call's turn in the pair's memory, on the CARP view. */
    @Test
    void theGatekeeperDependsOnlyOnTheDecisionThePairMemoryReadingAndTheCarpView() {
        noClasses().that().belongToAnyOf(Gatekeeper.class)
                .should().dependOnClassesThat(ArchRules.carpgateOutside("policy", "memory", "xmlrpc", "carp"))
                .check(MAIN);
    }

    /** Deciding and remembering know calls, items and answers, not HTTP: the proxy turns them into requests. */
    @Test
    void theDecisionAndThePairMemoryKnowNoHttp() {
        noClasses().that().resideInAnyPackage("io.carpgate.policy..", "io.carpgate.memory..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "java.net.http..")
                .check(MAIN);
    }

    /**
     * The pair's memory knows items and answers, not configuration or the proxy that feeds it; it holds the
     * decision's values, never the decider (which uses the memory: the two would be one knot).
     */
    @Test
    void thePairMemoryDependsOnlyOnTheDecisionAndReading() {
        noClasses().that().resideInAPackage("io.carpgate.memory..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("memory", "policy", "xmlrpc", "carp"))
                .orShould().dependOnClassesThat().belongToAnyOf(Gatekeeper.class)
                .check(MAIN);
    }

    /**
     * The watch reads the backup and names conflicts from what carpgate knows (policy's items, the CARP view): it
     * depends on nothing of the sync path, the admin listener or the commands, so it cannot write to the backup
     * through them, and only the composition (proxy), the composition root (runtime, which owns the watch book as it
     * owns the memories), the warm-up (its private server's own book), the status (observe's rows come from proxy)
     * and check use it.
     */
    @Test
    void theWatchDependsOnlyOnTheCarpViewAndTheDecisionsItems() {
        noClasses().that().resideInAPackage("io.carpgate.watch..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("watch", "carp", "policy"))
                .check(MAIN);
        noClasses().that().resideInAPackage("io.carpgate..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("io.carpgate.watch..",
                        "io.carpgate.proxy..", "io.carpgate.runtime..", "io.carpgate.warmup..", "io.carpgate.cli..")))
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.watch..")
                .check(MAIN);
    }

    /**
     * The composition root builds a running carpgate from the parts; only the commands use it, so no part can reach
     * back up to the whole (its listeners, its reload), and the root knows no command.
     */
    @Test
    void onlyTheCommandsUseTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackages("io.carpgate.cli..", "io.carpgate.runtime..")
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.runtime..")
                .check(MAIN);
    }

    @Test
    void theCompositionRootUsesNoCommand() {
        noClasses().that().resideInAPackage("io.carpgate.runtime..")
                .should().dependOnClassesThat().resideInAPackage("io.carpgate.cli..")
                .check(MAIN);
    }

    @Test
    void theParityReferenceImportsNoMainCode() {
        noClasses().that().resideInAPackage("io.carpgate.reference..")
                .should().dependOnClassesThat(ArchRules.carpgateOutside("reference"))
                .check(TESTS);
    }

    @Test
    void everyTestOfTheEndToEndPackageIsTaggedSoMvnTestLeavesItOut() {
        ArchRules.END_TO_END_TESTS_ARE_TAGGED.check(TESTS);
    }
}
