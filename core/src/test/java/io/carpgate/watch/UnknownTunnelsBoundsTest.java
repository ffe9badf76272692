package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A compromised backup (CARP BACKUP for its one VHID) lists every name the tunnel pattern allows as up ({@code wg0}..
 * {@code wg9999}, {@code wg00}.. and the same for {@code ovpnc}: 22,220 names, ~1 MiB of get_interface_statistics)
 * and a routing table of ~127,000 rows (what fits in the watch's 4 MiB answer) into none of them. The unknown-tunnel
 * rule scanned every route for each up tunnel: 2.8e9 comparisons, some 15 s, at every read. Now the table is grouped
 * by device once. Not a speed claim: the deadline is far above what one pass takes and far below the product.
 */
class UnknownTunnelsBoundsTest {
    @Test
    void aBackupsInterfaceAndRouteListsCostInProportionNotInTheirProduct() {
        Map<String, Boolean> up = new HashMap<>();
        for (String prefix : List.of("wg", "ovpnc")) {
            for (int digits = 1; digits <= 4; digits++) {
                int count = (int) Math.pow(10, digits);
                for (int n = 0; n < count; n++) {
                    up.put(prefix + String.format("%0" + digits + "d", n), true);
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 127_000; i++) {
            routes.add(new Route("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "wg99999"));
        }
        BackupNetwork network = new BackupNetwork(up, Map.of(), routes, Optional.of(Set.of()));
        CarpView.Known carp = new CarpView.Known(List.of(new BackupVip("u", "opt2", 7, "198.51.100.7", "")),
                List.of(new VipState("WAN2", 7, "198.51.100.7", "BACKUP")), Instant.EPOCH);

        ConflictDetector.Detection detection = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(5), () -> ConflictDetector.judge(List.of(), carp, network));
        assertThat(detection.conflicts()).as("no route into any of them: no tunnel nobody claims").isEmpty();
    }
}
