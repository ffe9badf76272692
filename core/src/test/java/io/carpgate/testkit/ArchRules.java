package io.carpgate.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import io.carpgate.e2e.EndToEnd;

/** What both modules' architecture tests (core's ArchitectureTest, sim's SimArchitectureTest) say the same way. */
public final class ArchRules {
    private ArchRules() {}

    /** A class of carpgate's own outside the given packages. */
    public static DescribedPredicate<JavaClass> carpgateOutside(String... packages) {
        String[] patterns = java.util.Arrays.stream(packages).map(p -> "io.carpgate." + p + "..").toArray(String[]::new);
        return JavaClass.Predicates.resideInAPackage("io.carpgate..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(patterns)))
                .as("carpgate classes outside " + String.join(", ", packages));
    }

    /** Every test class of an {@code e2e} package is tagged, so that {@code mvn test} leaves it out. */
    public static final ArchRule END_TO_END_TESTS_ARE_TAGGED = classes().that().resideInAPackage("io.carpgate.e2e..")
            .and().haveSimpleNameEndingWith("Test").and().areTopLevelClasses()
            .should().beAnnotatedWith(EndToEnd.class);
}
