package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpSource;
import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemory;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gate's shell takes each call's turn: a restore that cannot have it in time is rejected, nothing sent. */
class GatekeeperTest {
    private static final CarpSource NO_CARP = io.carpgate.testkit.FixedCarp.unavailable();

    private static MethodCall restore() throws Exception {
        byte[] body = Files.readAllBytes(Path.of("core/src/test/resources/opnsense-fixtures/restore_config_section.request.xml"));
        return ((ReadResult.Call) BackupReader.read(body)).call();
    }

    @Test
    void aRestoreThatCannotHaveItsTurnInTimeIsRejectedAndHoldsNoPlace() throws Exception {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        CallOrder.Ticket start = memory.order().admit(CallOrder.Role.READS, Duration.ZERO); // still with the backup
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), NO_CARP, OnUnknownCarp.SUPPRESS, memory,
                Duration.ofMillis(50), vips -> { });

        Gatekeeper.Decided decided = gatekeeper.decide(restore());
        assertThat(decided.verdict()).isInstanceOfSatisfying(Verdict.Reject.class,
                reject -> assertThat(reject.message()).contains("not answered within", "try again"));
        assertThat(memory.order().unsettled()).isEqualTo(1);
        start.settle();
        assertThat(gatekeeper.decide(restore()).verdict()).isNotInstanceOf(Verdict.Reject.class);
    }
}
