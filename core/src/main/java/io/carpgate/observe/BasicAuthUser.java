package io.carpgate.observe;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** The user name of a Basic Authorization header. The password is decoded only to be cut off, and never kept. */
public final class BasicAuthUser {
    private BasicAuthUser() {}

    public static Optional<String> of(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                // No "user:" part: what there is may be a password alone, and never goes into a log.
                return Optional.of("(malformed)");
            }
            String user = decoded.substring(0, colon);
            // Printable, bounded: the name lands in logs an admin reads, unquoted.
            String clean = LogText.token(user);
            return Optional.of(clean.length() > 64 ? clean.substring(0, 64) + "..." : clean)
                    .filter(u -> !u.isEmpty());
        } catch (IllegalArgumentException e) {
            return Optional.of("(malformed)".toLowerCase(Locale.ROOT));
        }
    }
}
