package io.carpgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * carpgate's reader against the reference backup: for any input, carpgate refuses it, or both read the same
 * method and the same parameters. Regression inputs (seeds and found crashers) live in
 * {@code src/test/resources/io/carpgate/fuzz/ReaderParityFuzzTestInputs/<method>/}; with JAZZER_FUZZ=1 the
 * fuzzer explores from them (see README, "Parity and fuzzing").
 */
class ReaderParityFuzzTest {
    /** Raw bytes, seeded with the fixtures: finds what byte-level mutation reaches (prologs, encodings...). */
    @FuzzTest(maxDuration = "10s")
    void rawBodies(byte[] body) {
        Parity.check(body);
    }

    /** Structured bodies built from fragments: reaches values deep in structs, arrays and multicalls. */
    @FuzzTest(maxDuration = "10s")
    void generatedCalls(FuzzedDataProvider data) {
        Parity.check(CallGenerator.body(data));
    }

    @Test
    void theFixturesAreAcceptedAndAgree() throws Exception {
        for (String name : new String[] {"restart_service.wireguard.request.xml", "firmware_version.request.xml",
                "restore_config_section.request.xml"}) {
            byte[] body = Files.readAllBytes(Path.of(System.getProperty("carpgate.fixtures"), name));
            assertThat(Parity.check(body)).as(name).isPresent();
        }
        for (String name : new String[] {"restore.three-kinds.request.xml", "restore.single-client-two-relays.request.xml",
                "restore.no-items.request.xml"}) {
            assertThat(Parity.check(io.carpgate.testkit.Fixtures.items(name))).as(name).isPresent();
        }
    }
}
