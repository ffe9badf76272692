package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The basis of {@link KeptTally#VALUE_COST}: for each shape of kept value an attacker can repeat, the heap the
 * tree holds, measured (heap in use after a full GC with the result held, minus before), against what the reader
 * charged its budget. The charge must cover the heap, and a struct's members (whose map is held twice while the
 * struct is built) must leave that second copy room as well. The figures are printed.
 */
class KeptCostTest {
    private static final int VALUES = 200_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** A firmware_version call with {@code count} copies of {@code item} in one param (inside {@code open/close}). */
    private static byte[] call(String open, String item, int count, String close) {
        StringBuilder body = new StringBuilder("<methodCall><methodName>opnsense.firmware_version</methodName>"
                + "<params><param><value>").append(open);
        for (int i = 0; i < count; i++) {
            body.append(item.replace("#", Integer.toString(i)));
        }
        return body.append(close).append("</value></param></params></methodCall>").toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] array(String item) {
        return call("<array><data>", item, VALUES, "</data></array>");
    }

    record Measured(String shape, long values, long charged, long held) {
        long heldPerValue() {
            return held / values;
        }
    }

    /** The heap in use after a full collection (what a kept tree holds is the difference of two). */
    static long used() {
        // Two collections: the first may only queue what the second frees (soft and weak references, finalizers).
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static Measured measure(String shape, byte[] body, long values) {
        BackupReader.read(body); // the parser's own first-use tables, not the tree's
        AtomicLong charged = new AtomicLong();
        long before = used();
        ReadResult read = BackupReader.read(body, KeptValues.ALL, bytes -> {
            charged.addAndGet(bytes);
            return true;
        });
        long held = used() - before;
        assertThat(read).as(shape).isInstanceOf(ReadResult.Call.class);
        Reference.reachabilityFence(read);
        Measured measured = new Measured(shape, values, charged.get(), held);
        System.out.printf("KeptCostTest: %-40s %,d values: held %,d B (%d B a value), charged %,d B%n", shape,
                values, held, measured.heldPerValue(), charged.get());
        return measured;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void whatTheReaderChargesCoversTheHeapItsTreeHolds() {
        List<Measured> shapes = List.of(
                measure("untyped one-char values", array("<value>v</value>"), VALUES),
                measure("one-char strings", array("<value><string>v</string></value>"), VALUES),
                measure("empty strings", array("<value><string/></value>"), VALUES),
                measure("non-Latin-1 one-char strings", array("<value><string>\u20ac</string></value>"), VALUES),
                measure("ints", array("<value><int>1</int></value>"), VALUES),
                measure("empty structs", array("<value><struct></struct></value>"), VALUES),
                measure("empty arrays", array("<value><array><data></data></array></value>"), VALUES),
                measure("structs of one int member", array("<value><struct><member><name>a</name><value><int>1"
                        + "</int></value></member></struct></value>"), 2L * VALUES),
                measure("params", call("", "<int>1</int></value></param><param><value>", VALUES, "<int>1</int>"),
                        VALUES + 1L));
        for (Measured shape : shapes) {
            assertThat(shape.charged()).as(shape.shape() + ": charged covers the heap held").isGreaterThanOrEqualTo(shape.held());
        }
        // One struct of many members: at the end of reading it, its member map exists twice (the walker's, and the
        // Struct's own copy), so the charge must cover the tree and one more map of its members.
        byte[] body = call("<struct>", "<member><name>m#</name><value><int>1</int></value></member>", VALUES,
                "</struct>");
        Measured members = measure("members of one struct", body, VALUES);
        ReadResult read = BackupReader.read(body);
        XmlRpcValue.Struct struct = (XmlRpcValue.Struct) ((ReadResult.Call) read).call().params().get(0);
        long before = used();
        Map<String, XmlRpcValue> copy = new LinkedHashMap<>(struct.members());
        long copyHeld = used() - before;
        Reference.reachabilityFence(copy);
        System.out.printf("KeptCostTest: %-40s %,d B (%d B a member)%n", "the second map of the members", copyHeld,
                copyHeld / VALUES);
        assertThat(members.charged()).as("a struct's members, the map held twice while it is built")
                .isGreaterThanOrEqualTo(members.held() + copyHeld);
    }
}
