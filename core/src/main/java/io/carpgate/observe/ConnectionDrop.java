package io.carpgate.observe;

/**
 * Why a client's connection ended before its request was whole, so nothing was answered: carpgate closed it on its
 * own (every reason but {@link #CLIENT_HUNG_UP}), or the client did.
 */
public enum ConnectionDrop {
    /** At accept, before any TLS byte: the address is not in {@code allow-from}. */
    NOT_ALLOWED("allow-from", "client address not in allow-from"),
    /** At accept: the address already holds {@code limits.max-connections-per-client} connections. */
    PER_CLIENT_LIMIT("per-client-limit", "the address already holds limits.max-connections-per-client connections"),
    /** The TLS handshake had not finished within {@code limits.tls-handshake-timeout}. */
    TLS_HANDSHAKE_TIMEOUT("tls-handshake-timeout", "TLS handshake not finished within limits.tls-handshake-timeout"),
    /** The request had not fully arrived within {@code limits.request-read-timeout}. */
    REQUEST_READ_TIMEOUT("request-read-timeout", "request not fully received within limits.request-read-timeout"),
    /** Mid-request, no byte from the client for {@code limits.client-idle-timeout}. */
    CLIENT_IDLE_TIMEOUT("client-idle-timeout", "no byte from the client within limits.client-idle-timeout"),
    /** The client closed its connection before the whole request arrived: not carpgate's doing, never counted so. */
    CLIENT_HUNG_UP("client-hung-up", "the client closed its connection before the whole request arrived"),
    /** At accept on the admin listener: the address already holds the admin listener's share of connections. */
    ADMIN_PER_CLIENT_LIMIT("admin-per-client-limit", "the address already holds as many admin connections as one "
            + "address may"),
    /** On the admin listener: the request had not fully arrived within the admin listener's deadline. */
    ADMIN_REQUEST_READ_TIMEOUT("admin-request-read-timeout", "admin request not fully received in time");

    private final String word;
    private final String why;

    ConnectionDrop(String word, String why) {
        this.word = word;
        this.why = why;
    }

    /** The metric label and the log's short name. */
    public String word() {
        return word;
    }

    /** Whether carpgate closed the connection (the {@code carpgate_connections_dropped} metric counts it). */
    public boolean byCarpgate() {
        return this != CLIENT_HUNG_UP;
    }

    /** What the log line says. */
    public String why() {
        return why;
    }
}
