package io.carpgate.cli;

/**
 * A command that a module beside the product adds to carpgate's command line: the demo, from {@code carpgate-sim}.
 * {@link Main} finds each through {@link java.util.ServiceLoader}, so the product compiles and runs without them and
 * cannot name them: the compiler, not only a rule, keeps the simulated backup out of the product.
 * An implementation is a picocli {@code @Command} with a public no-argument constructor, listed in
 * {@code META-INF/services/io.carpgate.cli.AddedCommand}.
 */
public interface AddedCommand {}
