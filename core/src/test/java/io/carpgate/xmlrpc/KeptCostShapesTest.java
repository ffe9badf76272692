package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The basis of {@link KeptTally#MEMBER_COST}: one struct of many members, each with a short name (two CJK chars: 4 B
 * charged, 48 held) and a small value of each kind. What is charged must cover the heap the tree holds after the read
 * plus the second map of the members a struct holds while it is built (60 B a member, {@code KeptCostTest}).
 */
class KeptCostShapesTest {
    private static final int N = 200_000;

    /** Distinct two-char CJK names: 4 B charged each, 48 B held. */
    private static String name(int i) {
        return new String(new char[] {(char) (0x4E00 + i / 20000), (char) (0x4E00 + i % 20000)});
    }

    private static byte[] struct(String valueXml) {
        StringBuilder b = new StringBuilder("<methodCall><methodName>opnsense.firmware_version</methodName>"
                + "<params><param><value><struct>");
        for (int i = 0; i < N; i++) {
            b.append("<member><name>").append(name(i)).append("</name><value>").append(valueXml)
                    .append("</value></member>");
        }
        return b.append("</struct></value></param></params></methodCall>").toString().getBytes(StandardCharsets.UTF_8);
    }

    record M(String shape, long charged, long held) {}

    private static M measure(String shape, byte[] body) {
        BackupReader.read(body);
        AtomicLong charged = new AtomicLong();
        long before = KeptCostTest.used();
        ReadResult read = BackupReader.read(body, KeptValues.ALL, bytes -> {
            charged.addAndGet(bytes);
            return true;
        });
        long held = KeptCostTest.used() - before;
        assertThat(read).as(shape).isInstanceOf(ReadResult.Call.class);
        Reference.reachabilityFence(read);
        System.out.printf("KeptCostShapesTest: %-36s held %,d B (%d/member), charged %,d B (%d/member)%n", shape, held, held / N,
                charged.get(), charged.get() / N);
        return new M(shape, charged.get(), held);
    }

    @Test
    void whatIsChargedForAMemberCoversItsEntryNameValueAndTheMapBeingBuilt() {
        List<M> all = new ArrayList<>();
        all.add(measure("members: one-char string", struct("<string>v</string>")));
        all.add(measure("members: untyped one-char", struct("v")));
        all.add(measure("members: empty struct", struct("<struct></struct>")));
        all.add(measure("members: empty array", struct("<array><data></data></array>")));
        all.add(measure("members: dateTime", struct("<dateTime.iso8601>1</dateTime.iso8601>")));
        all.add(measure("members: base64", struct("<base64>A</base64>")));
        all.add(measure("members: int", struct("<int>1</int>")));
        for (M m : all) {
            assertThat(m.charged()).as(m.shape() + ": held after the read, and the second map while it was built")
                    .isGreaterThanOrEqualTo(m.held() + N * 60L);
        }
    }
}
