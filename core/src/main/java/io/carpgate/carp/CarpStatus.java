package io.carpgate.carp;

import java.util.Locale;
import java.util.Optional;

/** The CARP states OPNsense reports in get_vip_status. */
public enum CarpStatus {
    MASTER, BACKUP, INIT, DISABLED;

    public static Optional<CarpStatus> parse(String text) {
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
