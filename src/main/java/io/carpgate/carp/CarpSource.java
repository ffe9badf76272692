package io.carpgate.carp;

/** Where the live CARP view comes from (the backup's API, cached briefly). */
public interface CarpSource {
    /** Never throws: failures come back as {@link CarpView.Unavailable} with the reason. */
    CarpView current();
}
