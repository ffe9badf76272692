package io.carpgate.config;

/** {@code enforce}: the gate acts. {@code observe}: it decides and logs, but everything is forwarded unchanged. */
public enum Mode {
    ENFORCE, OBSERVE
}
