package io.carpgate.warmup;

import io.carpgate.tls.NoVerification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * The master during the warm-up, as OPNsense's curl calls: a new connection and a full TLS handshake per
 * call (a fresh context each time, so nothing is resumed), {@code POST /xmlrpc.php} with Basic
 * credentials and {@code Connection: close}. It does not verify the certificate (the master's default).
 */
public final class WarmupClient {
    private static final int TIMEOUT_MS = 10_000;
    private static final int MAX_ANSWER = 1024 * 1024;
    private static final String AUTHORIZATION = "Basic " + java.util.Base64.getEncoder()
            .encodeToString("warmup:warmup".getBytes(StandardCharsets.US_ASCII));

    private final int port;

    public WarmupClient(int port) {
        this.port = port;
    }

    /** The answer's status line and body, e.g. {@code HTTP/1.1 200 OK ... <methodResponse>...}. */
    public String call(byte[] body) throws IOException {
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            tcp.setSoTimeout(TIMEOUT_MS);
            try (SSLSocket tls = (SSLSocket) NoVerification.sslContext().getSocketFactory()
                    .createSocket(tcp, "127.0.0.1", port, true)) {
                OutputStream out = tls.getOutputStream();
                out.write(("POST /xmlrpc.php HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: XML_RPC\r\n"
                        + "Authorization: " + AUTHORIZATION + "\r\nContent-Type: text/xml\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = tls.getInputStream();
                byte[] answer = in.readNBytes(MAX_ANSWER);
                return new String(answer, StandardCharsets.UTF_8);
            }
        }
    }
}
