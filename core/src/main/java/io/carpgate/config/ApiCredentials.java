package io.carpgate.config;

/** The backup API's key and secret. {@link #toString()} never shows the secret. */
public record ApiCredentials(String key, String secret) {
    @Override
    public String toString() {
        return "ApiCredentials[key=" + key + ", secret=(hidden)]";
    }
}
