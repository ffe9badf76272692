package io.carpgate.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that starts real servers or processes (carpgate, the simulated backup, Chromium, a JVM). Left out
 * of {@code mvn test}, which runs the unit tests in seconds; {@code mvn verify} runs them all.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
public @interface EndToEnd {}
