package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the reader asks of its {@link KeptBudget}: a fixed cost per value it keeps and 2 bytes per kept char, in
 * chunks, nothing for values it does not keep; {@link ReadResult.OverBudget} as soon as the budget refuses.
 */
class BackupReaderBudgetTest {
    private static final String RESTORE = "opnsense.restore_config_section";
    private static final String FIRMWARE = "opnsense.firmware_version";
    private static final KeptValues WIREGUARD = KeptValues.only(RESTORE, List.of(List.of("OPNsense", "wireguard")));

    /** Every grant asked for, each given while the total stays within {@code limit}. */
    private static final class Ledger implements KeptBudget {
        private final long limit;
        final List<Long> granted = new ArrayList<>();
        long refused;

        Ledger(long limit) {
            this.limit = limit;
        }

        @Override
        public boolean take(long bytes) {
            if (total() + bytes > limit) {
                refused += bytes;
                return false;
            }
            granted.add(bytes);
            return true;
        }

        long total() {
            return granted.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** firmware_version with one array of {@code count} untyped one-char values. */
    private static byte[] firmwareArray(int count) {
        return ("<methodCall><methodName>" + FIRMWARE + "</methodName><params><param><value><array><data>"
                + "<value>v</value>".repeat(count) + "</data></array></value></param></params></methodCall>")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A restore with a wireguard section (kept) and a filter section of {@code rules} rules (not kept). */
    private static byte[] restoreWithRules(int rules) {
        return ("<methodCall><methodName>" + RESTORE + "</methodName><params><param><value><struct>"
                + "<member><name>filter</name><value><struct><member><name>rule</name><value><array><data>"
                + "<value><struct><member><name>descr</name><value><string>rule</string></value></member></struct></value>"
                        .repeat(rules)
                + "</data></array></value></member></struct></value></member>"
                + "<member><name>OPNsense</name><value><struct><member><name>wireguard</name><value><struct>"
                + "<member><name>enabled</name><value><string>1</string></value></member>"
                + "</struct></value></member></struct></value></member>"
                + "</struct></value></param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
    }

    private static Ledger charged(byte[] body, KeptValues kept) {
        Ledger ledger = new Ledger(Long.MAX_VALUE);
        assertThat(BackupReader.read(body, kept, ledger)).isInstanceOf(ReadResult.Call.class);
        return ledger;
    }

    @Test
    void theChargeIsTheKeptValuesAndCharsInChunks() {
        for (int count : new int[] {0, 1, 1000, 100_000}) {
            Ledger ledger = charged(firmwareArray(count), KeptValues.ALL);
            // The array param and its items; the method name's chars and one per item.
            long values = 1 + count;
            long chars = FIRMWARE.length() + count;
            assertThat(ledger.total()).as("%d values", count)
                    .isEqualTo(values * KeptTally.VALUE_COST + chars * KeptTally.CHAR_COST);
            // Asked in chunks: every grant but the last is at least a chunk, and none is much more.
            List<Long> chunks = ledger.granted.subList(0, ledger.granted.size() - 1);
            assertThat(chunks).allSatisfy(bytes -> assertThat(bytes).isBetween(KeptTally.CHUNK,
                    KeptTally.CHUNK + KeptTally.VALUE_COST));
        }
    }

    @Test
    void valuesNotKeptCostNothing() {
        long few = charged(restoreWithRules(1), WIREGUARD).total();
        long many = charged(restoreWithRules(100_000), WIREGUARD).total();
        assertThat(many).isEqualTo(few).isLessThan(KeptTally.CHUNK);
        // Kept whole, the same rules are charged one by one.
        assertThat(charged(restoreWithRules(100_000), KeptValues.ALL).total()).isGreaterThan(100_000 * 2 * KeptTally.VALUE_COST);
    }

    @Test
    void aRefusedChargeStopsTheReadAndTakesNothingMore() {
        byte[] body = firmwareArray(100_000);
        Ledger ledger = new Ledger(10 * KeptTally.CHUNK);
        assertThat(BackupReader.read(body, KeptValues.ALL, ledger)).isEqualTo(new ReadResult.OverBudget());
        assertThat(ledger.total()).isLessThanOrEqualTo(10 * KeptTally.CHUNK);
        assertThat(ledger.refused).isPositive();

        // A call under one chunk still asks, once, at the end: a budget with nothing left refuses it.
        Ledger spent = new Ledger(0);
        assertThat(BackupReader.read(firmwareArray(1), KeptValues.ALL, spent)).isEqualTo(new ReadResult.OverBudget());
        assertThat(spent.granted).isEmpty();
    }

    @Test
    void aBodyThatFitsReadsExactlyAsWithoutABudget() {
        for (byte[] body : List.of(firmwareArray(1000), restoreWithRules(10), Bodies.fixture("restore_config_section.request.xml"),
                Bodies.fixture("restart_service.wireguard.request.xml"), Bodies.fixture("firmware_version.request.xml"))) {
            for (KeptValues kept : List.of(KeptValues.ALL, WIREGUARD)) {
                Ledger ledger = new Ledger(Long.MAX_VALUE);
                assertThat(BackupReader.read(body, kept, ledger)).isEqualTo(BackupReader.read(body, kept));
            }
        }
        // An unreadable body is answered as before, whatever it was charged on the way.
        byte[] broken = "<methodCall><methodName>x</methodName><params><param><value><nil/></value></param></params></methodCall>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(BackupReader.read(broken, KeptValues.ALL, new Ledger(Long.MAX_VALUE)))
                .isEqualTo(BackupReader.read(broken));
    }
}
