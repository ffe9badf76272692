package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What reading costs in heap, measured (the allocation counter of the reading thread), for the body shapes that
 * used to exhaust it: one huge value the gate does not read, a huge value it would keep, and huge markup nobody
 * keeps (a comment, a processing instruction, a DOCTYPE, a name in a tag, a reference).
 */
class BackupReaderMemoryTest {
    private static final String RESTORE = "opnsense.restore_config_section";
    private static final KeptValues WIREGUARD = KeptValues.only(RESTORE, List.of(List.of("OPNsense", "wireguard")));
    private static final int MIB = 1 << 20;

    /** A restore whose bulk is one string value of {@code bulk} ASCII bytes in section {@code section}. */
    static byte[] restoreWithOneString(String section, int bulk, String type) {
        byte[] head = ("<?xml version=\"1.0\"?>\n<methodCall><methodName>" + RESTORE + "</methodName><params><param>"
                + "<value><struct><member><name>" + section + "</name><value>" + (type.isEmpty() ? "" : "<" + type + ">"))
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ((type.isEmpty() ? "" : "</" + type + ">") + "</value></member></struct></value></param>"
                + "</params></methodCall>").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + bulk + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        Arrays.fill(body, head.length, head.length + bulk, (byte) 'x');
        System.arraycopy(tail, 0, body, head.length + bulk, tail.length);
        return body;
    }

    private static long allocatedBy(Runnable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        work.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHugeValueNotKeptIsCheckedButNotBuilt() {
        for (String type : List.of("string", "base64", "")) {
            byte[] body = restoreWithOneString("filter", 32 * MIB, type);
            ReadResult[] read = new ReadResult[1];
            long allocated = allocatedBy(() -> read[0] = BackupReader.read(body, WIREGUARD));
            assertThat(read[0]).as(type).isInstanceOf(ReadResult.Call.class);
            // Building the text took 2 bytes a char at least twice over (builder growth, then the String): over
            // 4x the body. Skipped, what is left is the decoder's and parser's buffers, a fraction of it.
            assertThat(allocated).as("bytes allocated reading a 32 MiB <%s> not kept", type).isLessThan(body.length / 4);
        }
    }

    @Test
    void aHugeValueNotKeptIsStillCheckedExactlyAsBefore() {
        byte[] body = restoreWithOneString("filter", 4 * MIB, "string");
        byte[] broken = new String(body, StandardCharsets.ISO_8859_1).replace("xxxx</string>", "xx<b/></string>")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(BackupReader.read(broken, WIREGUARD)).isEqualTo(new ReadResult.Unreadable(-32600, "element inside string"));
        byte[] mixed = restoreWithOneString("filter", 4 * MIB, "");
        mixed = new String(mixed, StandardCharsets.ISO_8859_1).replace("xxxx</value>", "xx<string>a</string></value>")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(BackupReader.read(mixed, WIREGUARD))
                .isEqualTo(new ReadResult.Unreadable(-32600, "text mixed with a typed element in value"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKeptValueIsBoundedAndRejectedBeyondNeverCut() {
        byte[] body = restoreWithOneString("OPNsense", 32 * MIB, "string");
        ReadResult[] read = new ReadResult[1];
        long allocated = allocatedBy(() -> read[0] = BackupReader.read(body, WIREGUARD));
        assertThat(read[0]).isEqualTo(new ReadResult.Unreadable(-32600,
                "string text longer than 1048576 chars in a value carpgate reads to decide"));
        assertThat(allocated).isLessThan(body.length / 4);
        // Up to the bound, kept whole.
        byte[] atBound = restoreWithOneString("OPNsense", ReaderLimits.DEFAULT_MAX_KEPT_CHARS, "string");
        assertThat(BackupReader.read(atBound, WIREGUARD)).isInstanceOf(ReadResult.Call.class);
        byte[] untypedOver = restoreWithOneString("OPNsense", ReaderLimits.DEFAULT_MAX_KEPT_CHARS + 1, "");
        assertThat(BackupReader.read(untypedOver, WIREGUARD)).isEqualTo(new ReadResult.Unreadable(-32600,
                "value text longer than 1048576 chars in a value carpgate reads to decide"));
    }

    /** {@code bulk} bytes of {@code fill} between {@code head} and {@code tail}. */
    private static byte[] around(String head, int bulk, char fill, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + bulk + t.length];
        System.arraycopy(h, 0, body, 0, h.length);
        Arrays.fill(body, h.length, h.length + bulk, (byte) fill);
        System.arraycopy(t, 0, body, h.length + bulk, t.length);
        return body;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void hugeMarkupNobodyKeepsIsRejectedBeforeTheParserBuildsIt() {
        String pre = "<methodCall><methodName>" + RESTORE + "</methodName><params><param><value>";
        String post = "</value></param></params></methodCall>";
        int bulk = 16 * MIB;
        List<byte[]> bodies = List.of(
                around(pre + "<!--", bulk, 'x', "-->" + post),
                around(pre + "<?pi ", bulk, 'x', "?>" + post),
                around("<!DOCTYPE methodCall [<!--", bulk, 'x', "-->]>" + pre + post),
                around(pre + "<a", bulk, 'x', "/>" + post),
                around(pre + "<string a", bulk, 'x', "='1'></string>" + post),
                around(pre + "<string>&", bulk, 'x', ";</string>" + post),
                around(pre + "<string>&#", bulk, '0', "65;</string>" + post));
        for (byte[] body : bodies) {
            ReadResult[] read = new ReadResult[1];
            long allocated = allocatedBy(() -> read[0] = BackupReader.read(body, WIREGUARD));
            assertThat(read[0]).isInstanceOfSatisfying(ReadResult.Unreadable.class,
                    u -> assertThat(u.faultCode()).isEqualTo(-32600));
            // Parsed, each took 2 to 12 times the body (the parser's text or name buffer, grown by copying).
            assertThat(allocated).as("bytes allocated for %s", read[0]).isLessThan(MIB);
        }
    }
}
