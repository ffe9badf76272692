package io.carpgate.sim;

/**
 * The OPNsense release the simulated backup behaves as, where the backup's own code differs by release
 * (docs/PROTOCOL.md, "What the backup does by release"). Checked against 25.7.11, 26.1.11 and 26.7.2.
 */
public enum OpnsenseRelease {
    /**
     * 25.7.x: {@code ovpn_service_control.php} reads the CARP state only for {@code configure}, so a start or
     * restart brings an OpenVPN client up whatever its dependency; a backup VIP marked nosync is kept by the
     * restore only when it has a VHID.
     */
    V25_7("25.7.11"),
    /** 26.1.x: OpenVPN start/restart hold a client down unless MASTER (when its dependency resolves). */
    V26_1("26.1.11"),
    /** 26.7.x: as 26.1 for the items carpgate knows. */
    V26_7("26.7.2");

    /** The newest release checked; the simulator's default. */
    public static final OpnsenseRelease NEWEST = V26_7;

    private final String version;

    OpnsenseRelease(String version) {
        this.version = version;
    }

    /** What {@code opnsense-version} reports, e.g. {@code 26.7.2}. */
    public String version() {
        return version;
    }

    /** From 26.1 on, {@code start}/{@code restart} of an OpenVPN client consult CARP as {@code configure} does. */
    boolean openvpnStartsConsultCarp() {
        return this != V25_7;
    }

    /**
     * Whether Diagnostics: Netstat covers get_bpf_statistics: from 26.1.9 on (OPNsense commit 90b6491); before, no
     * read-only privilege does, and the API answers 403 to a key that has every other one.
     */
    boolean netstatCoversBpf() {
        return this != V25_7;
    }

    /** From 26.1 on, the restore keeps every nosync VIP; 25.7 only those with a VHID. */
    boolean keepsNosyncVipsWithoutVhid() {
        return this != V25_7;
    }
}
