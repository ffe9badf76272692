package io.carpgate.xmlrpc;

/**
 * What reading a request body gave: a call the backup would run, a reason it cannot be trusted, or no answer
 * within the heap the reader was given.
 */
public sealed interface ReadResult {

    record Call(MethodCall call) implements ReadResult {}

    /**
     * The body is not a call carpgate can read exactly as the backup would (not well-formed, not a
     * methodCall, a DOCTYPE, an encoding other than UTF-8, over a limit...). {@code faultCode} follows
     * XML-RPC conventions: -32700 not well-formed, -32600 invalid request. {@code reason} never quotes the body.
     */
    record Unreadable(int faultCode, String reason) implements ReadResult {}

    /**
     * Reading stopped because the {@link KeptBudget} would not give the heap for the values kept so far: nothing
     * is known of the call (it may be well formed or not). The caller releases what it granted.
     */
    record OverBudget() implements ReadResult {}
}
