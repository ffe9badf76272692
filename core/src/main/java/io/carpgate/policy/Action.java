package io.carpgate.policy;

/** What carpgate did with one XML-RPC call; the words are those of the decision log. */
public enum Action {
    FORWARDED, REWRITTEN, SUPPRESSED, REJECTED, FAILED;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
