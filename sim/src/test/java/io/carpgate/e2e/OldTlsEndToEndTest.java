package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running listener refuses TLS 1.0 and 1.1, shown on the wire: a hand-built ClientHello offering at
 * most that version gets a protocol_version alert and no ServerHello. (JDK 17 clients refuse to offer TLS
 * 1.0/1.1 themselves, so a JDK client could not show this.) The same hello offering TLS 1.2 is answered
 * with a ServerHello, so the test can tell the difference.
 */
@EndToEnd
class OldTlsEndToEndTest {
    private static final int TLS_1_0 = 0x0301;
    private static final int TLS_1_1 = 0x0302;
    private static final int TLS_1_2 = 0x0303;
    private static final byte HANDSHAKE = 0x16;
    private static final byte ALERT = 0x15;
    private static final int PROTOCOL_VERSION_ALERT = 70;

    @TempDir
    Path dir;

    @Test
    void tls10AndTls11HellosGetAProtocolVersionAlertAndTls12AServerHello() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            for (int version : new int[] {TLS_1_0, TLS_1_1}) {
                byte[] record = firstRecord(pair.carpgate.port(), clientHello(version));
                assertThat(record[0]).as("record type for version %04x", version).isEqualTo(ALERT);
                assertThat(record[6] & 0xff).as("alert description for version %04x", version)
                        .isEqualTo(PROTOCOL_VERSION_ALERT);
            }
            byte[] answer = firstRecord(pair.carpgate.port(), clientHello(TLS_1_2));
            assertThat(answer[0]).isEqualTo(HANDSHAKE);
            assertThat(answer[5]).as("handshake type ServerHello").isEqualTo((byte) 2);
            assertThat(((answer[9] & 0xff) << 8) | (answer[10] & 0xff)).as("server version").isEqualTo(TLS_1_2);
            assertThat(pair.xmlrpcCalls()).isEmpty();
        }
    }

    /** The first TLS record the server sends back: 5-byte header and payload. */
    private static byte[] firstRecord(int port, byte[] hello) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[5];
            in.readFully(header);
            int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
            assertThat(length).isBetween(2, 1 << 14);
            byte[] record = new byte[5 + length];
            System.arraycopy(header, 0, record, 0, 5);
            in.readFully(record, 5, length);
            return record;
        } catch (EOFException closed) {
            throw new AssertionError("the server closed the connection without a TLS record", closed);
        }
    }

    /**
     * A TLS ClientHello offering {@code version} at most, with ECDHE-ECDSA suites for carpgate's P-256 key
     * (a CBC one from TLS 1.0, a GCM one from 1.2), P-256, uncompressed points and ecdsa_secp256r1_sha256.
     */
    static byte[] clientHello(int version) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        body.writeBytes(new byte[32]); // client random; its value does not matter here
        body.write(0); // no session id
        u16(body, 4);
        u16(body, 0xC02B); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        u16(body, 0xC009); // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        body.write(1);
        body.write(0); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        u16(ext, 0x000a); u16(ext, 4); u16(ext, 2); u16(ext, 0x0017); // supported_groups: secp256r1
        u16(ext, 0x000b); u16(ext, 2); ext.write(1); ext.write(0);      // ec_point_formats: uncompressed
        u16(ext, 0x000d); u16(ext, 4); u16(ext, 2); u16(ext, 0x0403); // signature_algorithms
        u16(body, ext.size());
        body.writeBytes(ext.toByteArray());

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1); // ClientHello
        handshake.write(0);
        u16(handshake, body.size());
        handshake.writeBytes(body.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        u16(record, TLS_1_0); // record layer version, as clients send it
        u16(record, handshake.size());
        record.writeBytes(handshake.toByteArray());
        return record.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

}
