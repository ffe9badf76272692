package io.carpgate.policy;

import java.util.List;
import java.util.Optional;

/** A few gate inputs that reach every kind of verdict, for tests outside this package (the fuzz tests). */
public final class GateScenarios {
    private GateScenarios() {}

    public static List<GateInputs> some() {
        return List.of(
                GateTest.inputs(GateTest.book(GateTest.wg0()), GateTest.view("BACKUP", "BACKUP")),
                GateTest.inputs(GateTest.book(GateTest.wg0(), GateTest.wg1()), GateTest.view("MASTER", "BACKUP")),
                new GateInputs(GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, Optional.of("opt2"),
                        Optional.of(GateTest.BACKUP_VIP7))),
                        GateTest.book(), GateTest.view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS),
                // The map names the VHID only: the VIP uuid comes from the restore itself (rewrites to payload text).
                new GateInputs(GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, Optional.empty(), Optional.empty())),
                        GateTest.book(), GateTest.view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS),
                // OpenVPN instances and DHCP relays: known from a restore, and named in the map.
                new GateInputs(GateTest.vhidMap(
                        new VhidMapEntry(ItemKind.OPENVPN, "branch-client", 7, Optional.empty(), Optional.empty(), "map:1"),
                        new VhidMapEntry(ItemKind.DHCRELAY, "lan", 2, Optional.empty(), Optional.empty(), "map:2")),
                        GateTest.book(GateExhaustiveTest.CLIENT.learned(), GateExhaustiveTest.SERVER.learned(),
                                GateExhaustiveTest.RELAY.learned()),
                        GateTest.view("BACKUP", "MASTER"), OnUnknownCarp.SUPPRESS));
    }
}
