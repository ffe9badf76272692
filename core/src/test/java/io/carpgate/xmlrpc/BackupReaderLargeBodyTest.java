package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Offsets stay right and reading stays linear far into a big body with multi-byte text throughout. */
class BackupReaderLargeBodyTest {
    private static final int MEMBERS = 150_000;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void slotsAreExactDeepIntoAMultiMegabyteBody() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 20);
        out.writeBytes("<?xml version=\"1.0\"?>\n<methodCall><methodName>m</methodName><params><param><value><struct>\n"
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < MEMBERS; i++) {
            String member = "<member><name>k" + i + "</name><value><string>ü€😀-" + i + "</string></value></member>\n";
            out.writeBytes(member.getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("</struct></value></param></params></methodCall>".getBytes(StandardCharsets.UTF_8));
        byte[] body = out.toByteArray();
        assertThat(body.length).isGreaterThan(10_000_000);

        XmlRpcValue.Struct struct = (XmlRpcValue.Struct) call(body).params().get(0);
        assertThat(struct.members()).hasSize(MEMBERS);
        for (int i : new int[] {0, 1, MEMBERS / 2, MEMBERS - 1}) {
            XmlRpcValue.Str s = struct.str("k" + i).orElseThrow();
            assertThat(s.text()).isEqualTo("ü€😀-" + i);
            assertThat(slice(body, s.slot())).isEqualTo(s.text());
        }
    }
}
