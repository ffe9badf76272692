package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** search_item's {@code nosync} (a BooleanField, "0" or "1") says which of the backup's VIPs a restore with VIPs keeps. */
class BackupApiJsonNosyncTest {
    private final BackupApiJson json = new BackupApiJson();

    private static String row(String uuid, String nosync) {
        return "{\"uuid\":\"" + uuid + "\",\"interface\":\"opt2\",\"mode\":\"carp\",\"vhid\":\"7\","
                + "\"subnet\":\"198.51.100.5\",\"descr\":\"WAN2\",\"password\":\"CARP-SECRET\"" + nosync + "}";
    }

    @Test
    void nosyncIsReadAsTheRestoresPhpReadsIt() throws Exception {
        byte[] body = ("{\"rows\":[" + row("a", ",\"nosync\":\"1\"") + "," + row("b", ",\"nosync\":\"0\"") + ","
                + row("c", "") + "," + row("d", ",\"nosync\":\"\"") + "," + row("e", ",\"nosync\":1") + "]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(json.vips(body)).extracting(BackupVip::uuid, BackupVip::nosync).containsExactly(
                org.assertj.core.api.Assertions.tuple("a", true), org.assertj.core.api.Assertions.tuple("b", false),
                org.assertj.core.api.Assertions.tuple("c", false), org.assertj.core.api.Assertions.tuple("d", false),
                org.assertj.core.api.Assertions.tuple("e", true));
    }

    @Test
    void theFixturesVipsAreReadWithTheirNosync() throws Exception {
        byte[] fixture = getClass().getResourceAsStream("/opnsense-fixtures/vip_settings.search_item.all-fields.response.json").readAllBytes();
        assertThat(json.vips(fixture)).isNotEmpty().allSatisfy(v -> assertThat(v.nosync()).isFalse());
    }
}
