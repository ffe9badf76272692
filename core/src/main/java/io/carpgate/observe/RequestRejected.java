package io.carpgate.observe;

/**
 * What the logs and the metrics name as the method of a request carpgate rejected before it had a call to decide
 * (or that it failed on itself): carpgate's own words, in parentheses, so none is a method the backup has.
 */
public enum RequestRejected {
    UNREADABLE("(unreadable)"),
    TOO_LARGE("(too large)"),
    BODY_BUDGET("(body budget)"),
    /** The client address already had {@code limits.max-calls-per-client} calls in flight at the pair. */
    TOO_MANY_CALLS("(too many calls)"),
    INTERNAL_ERROR("(internal error)"),
    BAD_REQUEST_LINE("(bad request line)"),
    NOT_ALLOWED("(not allowed)"),
    /** Refused unread while carpgate stops, or while a reload puts its new pairs in place. */
    STOPPING("(stopping)"),
    RELOADING("(reloading)");

    private final String word;

    RequestRejected(String word) {
        this.word = word;
    }

    /** The method field of the request's one call record. */
    public String word() {
        return word;
    }
}
