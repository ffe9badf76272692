package io.carpgate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import io.carpgate.tls.NoVerification;

/** A TLS socket to carpgate for requests no HTTP client library would send as written. */
final class RawTls implements AutoCloseable {
    final SSLSocket socket;

    RawTls(int port, int readTimeoutMillis) throws Exception {
        this(InetAddress.getLoopbackAddress(), port, readTimeoutMillis);
    }

    /** From {@code local} (any 127/8 address on Linux), to tell clients apart by address on loopback. */
    RawTls(InetAddress local, int port, int readTimeoutMillis) throws Exception {
        socket = (SSLSocket) NoVerification.sslContext().getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port, local, 0);
        socket.setSoTimeout(readTimeoutMillis);
        socket.startHandshake();
    }

    RawTls send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawTls send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything until the server closes the connection, or what arrived before the read timeout. */
    String readAll() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what arrived so far
        } catch (javax.net.ssl.SSLException e) {
            // closed abruptly: what arrived so far
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the server closed the connection within the socket's read timeout. */
    boolean closedByServer() throws IOException {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                // drain whatever error answer comes first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
