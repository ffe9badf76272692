package io.carpgate.sim;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** A decoded Basic Authorization header. Kept inside the simulator; only the user name ever leaves it. */
record BasicAuth(String user, String password) {
    /** Like OPNsense: split on spaces, scheme "Basic", base64-decode, split once on ':'. */
    static Optional<BasicAuth> parse(String header) {
        String[] tags = header.split(" ");
        if (tags.length < 2 || !tags[0].equals("Basic")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getMimeDecoder().decode(tags[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        // explode(':', ..., 2) must give two parts, or xmlrpc.php does not try to authenticate at all.
        return colon < 0 ? Optional.empty()
                : Optional.of(new BasicAuth(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    boolean matches(String expectedUser, String expectedPassword) {
        // Constant-time compare of the secret part, out of habit.
        return user.equals(expectedUser) && java.security.MessageDigest.isEqual(
                password.getBytes(StandardCharsets.UTF_8), expectedPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + "]";
    }
}
