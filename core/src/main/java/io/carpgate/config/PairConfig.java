package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.VhidMap;
import java.util.regex.Pattern;

/**
 * One HA pair: the master reaches it at {@code https://carpgate:PORT<path>/xmlrpc.php}, carpgate forwards to
 * {@code backup}. A single-pair configuration is one pair named {@code default} at {@code /}.
 *
 * @param path "/" or a prefix like "/site-a" (no trailing slash)
 * @param vhidMap the pair's VHID map, read and checked with the configuration ({@link VhidMap#none()}: no map)
 */
public record PairConfig(String name, String path, Backup backup, VhidMap vhidMap, OnUnknownCarp onUnknownCarp) {
    public static final String DEFAULT_NAME = "default";
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+/?");

    /** "/site-a/" and "/site-a" are the same pair path; a bad one is an {@link IllegalArgumentException}. */
    public static String normalPath(String path) {
        if (path == null || !PATH.matcher(path).matches() || path.contains("/./") || path.contains("/../")
                || path.endsWith("/..") || path.endsWith("/.")) {
            throw new IllegalArgumentException("pairs[].path must be / or a path like /site-a (letters, digits, "
                    + "'.', '_', '~', '-'), not '" + path + "'");
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The master's URL for this pair, for messages: {@code https://HOST:PORT/site-a/}. */
    public String masterUrl(String host, int port) {
        return "https://" + host + ":" + port + ("/".equals(path) ? "/" : path + "/");
    }
}
