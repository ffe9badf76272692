package io.carpgate.carp;

import java.util.Optional;

/**
 * The backup's CARP view for one pair. The sync path asks {@link #current()}, which may read the backup's
 * API; everything that only watches (status page, /readyz, metrics) asks {@link #lastSeen()}, which never
 * does, so no number of scrapes or page views can drive requests to the backup.
 */
public interface CarpSource {
    /** A view at most one cache period old, read now if needed. Never throws: failures come back as {@link CarpView.Unavailable}. */
    CarpView current();

    /**
     * A view for deciding a restore: read after {@code since}, when the backup last stored a restore that may have
     * replaced its VIPs (uuids and all), so a restore's items are never pointed at a VIP an earlier restore removed;
     * read now if needed, with the bounds of {@link #current()}. A source that keeps no readings answers as current().
     */
    default CarpView currentSince(Tick since) {
        return current();
    }

    /** The last reading carpgate made, whatever its age; empty before the first one completes. Never reads. */
    Optional<CarpReading> lastSeen();
}
