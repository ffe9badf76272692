package io.carpgate.observe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One exchange's phases on carpgate's side, as a Java Flight Recorder event (the benchmark's burst workload reads
 * them). Off unless a recording enables {@code io.carpgate.ExchangePhases}: then {@link #shouldCommit()} is false
 * and an exchange pays a few {@code System.nanoTime()} reads only. Names the first call's method, never a value of
 * the body or a header.
 */
@Name("io.carpgate.ExchangePhases")
@Label("carpgate exchange phases")
@Category("carpgate")
@Description("Where one exchange's time went on carpgate's side (nanoseconds, -1: the phase did not happen)")
@Enabled(false)
@StackTrace(false)
final class PhaseEvent extends jdk.jfr.Event {
    @Label("Pair")
    String pair;
    @Label("Method")
    String method;
    @Label("Status")
    int status;
    @Label("Body bytes")
    long bodyBytes;
    @Label("Reading the body") @Timespan
    long readNanos;
    @Label("Deciding (a wait for the CARP reading included: io.carpgate.CarpWait)") @Timespan
    long decideNanos;
    @Label("Upstream connection (a pooled one, or a new TCP connect)") @Timespan
    long connectNanos;
    @Label("Sending the request upstream (a new connection's TLS handshake included)") @Timespan
    long sendNanos;
    @Label("At the backup (sent whole to its answer's head)") @Timespan
    long backupNanos;
    @Label("The answer (its head to the exchange's end)") @Timespan
    long answerNanos;
    @Label("Whole exchange") @Timespan
    long totalNanos;
}
