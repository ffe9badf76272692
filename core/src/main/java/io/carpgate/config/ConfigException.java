package io.carpgate.config;

/** A configuration or map problem, worded for the admin: {@code file:line:column: problem}. Never quotes a secret. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
