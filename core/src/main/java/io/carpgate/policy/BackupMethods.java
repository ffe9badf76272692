package io.carpgate.policy;

import java.util.Set;

/**
 * The XML-RPC methods an OPNsense backup has (PROTOCOL.md: the {@code opnsense.*} methods of its legacy XML-RPC
 * library and IXR's own {@code system.*} ones). Any other name gets the backup's fault {@code -32601}; carpgate
 * forwards it all the same, but a name outside this set is the client's own word, not the backup's.
 */
public final class BackupMethods {
    /** The call that changes what the backup stores of the items (and of its VIPs). */
    public static final String RESTORE = Methods.RESTORE;

    public static final Set<String> NAMES = Set.of("opnsense.firmware_version", Methods.RESTORE,
            "opnsense.backup_config_section", "opnsense.filter_configure", "opnsense.configd_reload_all_templates",
            "opnsense.list_services", Methods.START, Methods.RESTART, "opnsense.stop_service", Methods.MULTICALL,
            "system.listMethods", "system.getCapabilities");

    private BackupMethods() {}
}
