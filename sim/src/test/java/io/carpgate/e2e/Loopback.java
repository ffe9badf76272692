package io.carpgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import io.carpgate.tls.NoVerification;

/**
 * Clients on loopback told apart by their address: on Linux every 127/8 address is the machine itself, so a
 * test can be "the master" on 127.0.0.2 and "a stranger" on 127.0.0.1 against one listener on 127.0.0.1.
 */
final class Loopback {
    static final InetAddress STRANGER = address("127.0.0.1");
    static final InetAddress MASTER = address("127.0.0.2");
    static final InetAddress OTHER_HOST = address("127.0.0.3");

    private Loopback() {}

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** An answer's status line code and its whole text (headers and body), read until the server closes. */
    record Answer(int status, String text) {}

    /** One HTTP/1.1 request over TLS from {@code local}, written as given, the connection closed after it. */
    static Answer request(InetAddress local, int port, String requestLine, String headers, byte[] body)
            throws Exception {
        try (RawTls tls = new RawTls(local, port, 30_000)) {
            tls.send(requestLine + "\r\nHost: carpgate\r\nConnection: close\r\n" + headers
                    + "Content-Length: " + body.length + "\r\n\r\n").send(body);
            String text = tls.readAll();
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text);
        }
    }

    /** The master's firmware call from {@code local}: its status code. */
    static Answer firmware(InetAddress local, int port, String path, byte[] firmware) throws Exception {
        return request(local, port, "POST " + path + " HTTP/1.1", "Content-Type: text/xml\r\nAuthorization: "
                + RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD) + "\r\n", firmware);
    }

    /** A plain TCP connection from {@code local}: what a stranger opens before any TLS. */
    static Socket tcp(InetAddress local, int port, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(readTimeoutMillis);
        socket.bind(new InetSocketAddress(local, 0));
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** A real TLS ClientHello, to trickle a byte at a time. */
    static byte[] clientHello() throws Exception {
        SSLEngine engine = NoVerification.sslContext().createSSLEngine("carpgate", 443);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /**
     * Sends one byte; true while the server keeps the connection. A closed or reset connection shows as an error
     * on the write or as the end of the stream on a short read.
     */
    static boolean trickle(Socket socket, byte b) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(b);
            out.flush();
            return !closedWithin(socket, 50);
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the server has closed (end of stream or reset) within {@code millis}. */
    static boolean closedWithin(Socket socket, int millis) {
        try {
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                // a TLS alert or an answer first: read on to the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
