package io.carpgate.bench;

import io.carpgate.tls.NoVerification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One XML-RPC call the way the master's curl makes it: a new TCP connection, a full TLS handshake (a
 * fresh {@link SSLContext} per call, so no session is ever resumed), {@code POST /xmlrpc.php} with
 * {@code Connection: close}, the whole answer read. Like the master, it does not verify the certificate.
 */
final class Caller {
    private static final int TIMEOUT_MS = 120_000;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    /** Status, answer body, and nanoseconds from before connect until the last byte was read. */
    record Answer(int status, byte[] body, long nanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final String authorization;

    Caller(int port, String user, String password) {
        this.host = "127.0.0.1";
        this.port = port;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    Answer call(byte[] body) throws IOException {
        long start = System.nanoTime();
        SSLContext tls = NoVerification.sslContext(); // fresh per call: nothing to resume
        try (Socket tcp = new Socket()) {
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            tcp.setSoTimeout(TIMEOUT_MS);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, host, port, true)) {
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                String head = "POST /xmlrpc.php HTTP/1.1\r\n"
                        + "Host: " + host + ":" + port + "\r\n"
                        + "User-Agent: XML_RPC\r\n"
                        + "Accept: */*\r\n"
                        + "Authorization: " + authorization + "\r\n"
                        + "Content-Type: text/xml\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + "Connection: close\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return read(socket.getInputStream(), start);
            }
        }
    }

    private static Answer read(InputStream in, long start) throws IOException {
        byte[] headBuf = new byte[MAX_HEADER_BYTES];
        int n = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            if (n == headBuf.length) {
                throw new IOException("response header larger than " + MAX_HEADER_BYTES + " bytes");
            }
            int r = in.read(headBuf, n, headBuf.length - n);
            if (r < 0) {
                throw new IOException("connection closed before the response header ended");
            }
            n += r;
            headEnd = indexOf(headBuf, n, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String head = new String(headBuf, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        long length = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(line.substring(colon + 1).trim());
            }
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Transfer-Encoding")) {
                throw new IOException("chunked answers are not expected on this path");
            }
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(headBuf, headEnd + 4, n - headEnd - 4);
        byte[] buf = new byte[16 * 1024];
        while (length < 0 || body.size() < length) {
            if (body.size() > MAX_ANSWER_BYTES) {
                throw new IOException("answer larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            int r = in.read(buf, 0, length < 0 ? buf.length : (int) Math.min(buf.length, length - body.size()));
            if (r < 0) {
                if (length >= 0) {
                    throw new IOException("connection closed after " + body.size() + " of " + length + " bytes");
                }
                break;
            }
            body.write(buf, 0, r);
        }
        return new Answer(status, body.toByteArray(), System.nanoTime() - start);
    }

    private static int indexOf(byte[] data, int limit, byte[] needle) {
        for (int i = 0; i + needle.length <= limit; i++) {
            int j = 0;
            while (j < needle.length && data[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }
}
