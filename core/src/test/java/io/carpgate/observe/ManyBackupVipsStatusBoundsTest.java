package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The backup's VIP lists are a compromised backup's to choose (4 MiB an answer holds some 20,000 real-shaped rows),
 * and every scrape of /metrics and every status page builds each pair's {@link PairStatus} from them. Each VIP's
 * state was found by scanning every VIP for every state row: 1,000 VIPs took 3 s, 20,000 would take hours. Not a
 * speed claim: the deadline is some hundred times what the indexed lookup takes, and far below what the cube did.
 */
class ManyBackupVipsStatusBoundsTest {
    static final int ROWS = 20_000;

    /** All on VHID 1, each on its own interface (the state rows by description): the worst case of the scan. */
    static CarpView.Known eachOnItsOwnInterface() {
        List<BackupVip> vips = new ArrayList<>();
        List<VipState> states = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String address = "10." + (i / 250) + "." + (i % 250) + ".1";
            vips.add(new BackupVip("uuid-" + i, "opt" + i, 1, address, "vip " + i));
            states.add(new VipState("LAN" + i, 1, address, i == 7 ? "MASTER" : "BACKUP"));
        }
        return new CarpView.Known(vips, states, Instant.now());
    }

    /** All on VHID 1 and on one interface: every VIP's lookup finds every row. */
    static CarpView.Known allOnOneInterface() {
        List<BackupVip> vips = new ArrayList<>();
        List<VipState> states = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String address = "10." + (i / 250) + "." + (i % 250) + ".1";
            vips.add(new BackupVip("uuid-" + i, "opt1", 1, address, "vip " + i));
            states.add(new VipState("LAN", 1, address, "BACKUP"));
        }
        return new CarpView.Known(vips, states, Instant.now());
    }

    static PairStatus statusOf(CarpView.Known view) {
        return PairStatus.of("default", "/", URI.create("https://backup"),
                Optional.of(new CarpReading(view, Instant.now())), Instant.now(), List.of(), List.of(), "suppress",
                Optional.empty(), new PairStatus.Watch(false, List.of(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aStatusOfManyVipsOnOneVhidIsBuiltInTimeAndStillRight() {
        CarpView.Known view = eachOnItsOwnInterface();
        PairStatus status = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> statusOf(view));
        assertThat(status.vhids()).hasSize(ROWS);
        // Each VIP's own interface: its own state row, found through its address (opt7 is LAN7's VIP).
        assertThat(status.vhids()).filteredOn(r -> r.iface().equals("opt7")).singleElement()
                .extracting(PairStatus.VhidRow::state).isEqualTo("MASTER");
        assertThat(status.vhids()).filteredOn(r -> r.iface().equals("opt8")).singleElement()
                .extracting(PairStatus.VhidRow::state).isEqualTo("BACKUP");
    }

    @Test
    void aStatusOfManyVipsOnOneInterfaceIsBuiltInTime() {
        CarpView.Known view = allOnOneInterface();
        PairStatus status = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> statusOf(view));
        assertThat(status.vhids()).hasSize(ROWS).allMatch(r -> r.state().equals("BACKUP"));
    }

    @Test
    void theGatesLookupsOnManyRowsAnswerInTime() {
        CarpView.Known view = eachOnItsOwnInterface();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < ROWS; i += 1) {
                assertThat(view.backupVipUuid(1, Optional.of("LAN" + i)))
                        .isEqualTo(new CarpView.Resolved.Yes<>("uuid-" + i));
            }
        });
        assertThat(view.statusOf(1, Optional.of("opt7"))).isEqualTo(new CarpView.Resolved.Yes<>(
                io.carpgate.carp.CarpStatus.MASTER));
        assertThat(view.vip("uuid-9")).map(BackupVip::iface).contains("opt9");
    }

    /**
     * Every row at one address, each VIP on its own interface and every state on one: each lookup joined every VIP
     * with every state through the address (one gate lookup took 6 s, one status 20 s). The join by address takes a
     * few rows of each; what a real backup lists never has more.
     */
    static CarpView.Known allAtOneAddress() {
        List<BackupVip> vips = new ArrayList<>();
        List<VipState> states = new ArrayList<>();
        for (int i = 0; i < 2 * ROWS; i++) {
            vips.add(new BackupVip("uuid-" + i, "opt" + i, 1, "198.51.100.7", "vip " + i));
            states.add(new VipState("LAN", 1, "198.51.100.7", "BACKUP"));
        }
        return new CarpView.Known(vips, states, Instant.now());
    }

    @Test
    void rowsThatShareOneAddressAreLookedUpInTime() {
        CarpView.Known view = allAtOneAddress();
        // 40,000 rows: the join took some 25 s a lookup; now a lookup costs the few rows it joins.
        CarpView.Resolved<String> uuid = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> view.backupVipUuid(1, Optional.of("LAN")));
        assertThat(uuid).as("one VHID on many interfaces: not placed").isInstanceOf(CarpView.Resolved.No.class);
        PairStatus status = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> statusOf(view));
        assertThat(status.vhids()).hasSize(2 * ROWS);
    }
}
