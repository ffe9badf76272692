package io.carpgate.policy;

import java.util.Set;

/** The backup's XML-RPC method names carpgate treats specially (names are exact: IXR looks them up case-sensitively). */
final class Methods {
    static final String MULTICALL = "system.multicall";
    static final String RESTORE = "opnsense.restore_config_section";
    static final String START = "opnsense.start_service";
    static final String RESTART = "opnsense.restart_service";
    static final Set<String> STARTING = Set.of(START, RESTART);

    /** XML-RPC fault codes carpgate answers with (the spec's server-error range). */
    static final int INVALID_PARAMS = -32602;
    static final int INVALID_REQUEST = -32600;
    /** A well-formed call carpgate will not send: stored, it would leave an item able to come up on a BACKUP. */
    static final int APPLICATION_ERROR = -32500;

    private Methods() {}
}
