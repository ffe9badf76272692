package io.carpgate.carp;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A decision waited for the backup's CARP reading (none was fresh): how long, as a Java Flight Recorder event
 * (its duration). Off unless a recording enables {@code io.carpgate.CarpWait}; a fresh reading records nothing.
 */
@Name("io.carpgate.CarpWait")
@Label("carpgate waited for a CARP reading")
@Category("carpgate")
@Description("A decision waited for the backup's CARP state (the event's duration)")
@Enabled(false)
@StackTrace(false)
final class CarpWaitEvent extends jdk.jfr.Event {
    @Label("Joined a read already on its way")
    boolean joined;
}
