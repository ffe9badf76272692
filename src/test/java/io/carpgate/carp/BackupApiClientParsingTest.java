package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupApiClientParsingTest {
    static Path fixture(String name) {
        return Paths.get(System.getProperty("carpgate.fixtures", "../shared/fixtures/opnsense")).resolve(name);
    }

    @Test
    void theFixtureAnswersBecomeTheBackupsVipsAndStates() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var vips = BackupApiClient.vips(json.readTree(Files.readAllBytes(fixture("vip_settings.search_item.response.json"))));
        var states = BackupApiClient.states(json.readTree(Files.readAllBytes(fixture("get_vip_status.response.json"))));

        assertThat(vips).containsExactly(
                new BackupVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                new BackupVip("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", 2, "192.168.1.1", "LAN CARP"));
        assertThat(states).containsExactly(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"),
                new VipState("LAN", 2, "192.168.1.1", "BACKUP"));

        CarpView.Known view = new CarpView.Known(vips, states, Instant.EPOCH);
        assertThat(view.statusOf(7, Optional.of("opt2"))).isEqualTo(new CarpView.Resolved.Yes<>(CarpStatus.BACKUP));
        assertThat(view.statusOf(7, Optional.of("WAN2"))).isEqualTo(new CarpView.Resolved.Yes<>(CarpStatus.BACKUP));
        assertThat(view.statusOf(7, Optional.of("lan"))).isInstanceOf(CarpView.Resolved.No.class);
        assertThat(view.backupVipUuid(7, Optional.of("WAN2")))
                .isEqualTo(new CarpView.Resolved.Yes<>("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"));
        assertThat(view.backupVipUuid(9, Optional.empty())).isInstanceOf(CarpView.Resolved.No.class);
    }

    @Test
    void anAnswerWithoutRowsIsAProblemNotAnEmptyList() {
        assertThatThrownBy(() -> BackupApiClient.vips(new ObjectMapper().readTree("{\"status\":\"ok\"}")))
                .hasMessageContaining("no rows");
    }
}
