package io.carpgate.xmlrpc;

/**
 * The heap {@link BackupReader} may take for the values it keeps (the tree a decision reads), asked for as the
 * tree grows. The reader never gives anything back: the caller knows what it granted, and releases it once the
 * tree is no longer reachable.
 *
 * <p>Why: any method but a restore is kept whole, and a kept tree weighs several times its body (a body of
 * 3,000,000 one-char values, 48 MB, kept about 350 MB); bounding the bodies alone let one call exhaust the heap.
 */
public interface KeptBudget {
    /** No bound: for a caller whose bodies are bounded otherwise (a test, a tool reading a known file). */
    KeptBudget UNBOUNDED = bytes -> true;

    /** Takes {@code bytes} if they fit: false, and nothing taken, when they do not (the reader then stops). */
    boolean take(long bytes);
}
