package io.carpgate.xmlrpc;

/**
 * Internal signal that a body is unreadable. The reason names element names and byte offsets only,
 * never body content; the stack trace is not needed and not filled.
 */
final class Rejection extends Exception {
    static final int NOT_WELL_FORMED = -32700;
    static final int INVALID_REQUEST = -32600;

    private final int faultCode;

    Rejection(int faultCode, String reason) {
        super(reason, null, false, false);
        this.faultCode = faultCode;
    }

    ReadResult.Unreadable toResult() {
        return new ReadResult.Unreadable(faultCode, getMessage());
    }
}
