package io.carpgate.e2e;

import io.carpgate.tls.Fingerprint;
import io.carpgate.testkit.SelfSignedKeys;
import io.carpgate.tls.SelfSigned;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS backup on loopback (the JDK's own server socket, not Jetty) that records, per connection, when it was
 * accepted, when its TLS handshake completed, whether that handshake was a full one (the server chose its
 * certificate) or a resumption (it did not: no Certificate message is sent on a resumed session), when the first
 * request byte arrived, the request lines it carried, and when the client closed it. Each connection is served on
 * its own thread; every request gets a small XML-RPC answer.
 */
final class HandshakeTimedBackup implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 64;
    private static final int MAX_REQUESTS_PER_CONNECTION = 64;
    private static final byte[] ANSWER_BODY = ("<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><struct>"
            + "<member><name>firmware</name><value><string>test</string></value></member>"
            + "</struct></value></param></params></methodResponse>\n").getBytes(StandardCharsets.UTF_8);

    /** One accepted connection; times are {@link System#nanoTime()}. */
    static final class Connection {
        final long acceptedNanos;
        final AtomicReference<Long> handshakeDoneNanos = new AtomicReference<>();
        final AtomicReference<Long> firstByteNanos = new AtomicReference<>();
        final AtomicReference<Long> closedByClientNanos = new AtomicReference<>();
        volatile boolean fullHandshake;
        final List<String> requestLines = new CopyOnWriteArrayList<>();

        Connection(long acceptedNanos) {
            this.acceptedNanos = acceptedNanos;
        }

        boolean handshaken() {
            return handshakeDoneNanos.get() != null;
        }

        boolean carries(String requestLinePrefix) {
            return requestLines.stream().anyMatch(line -> line.startsWith(requestLinePrefix));
        }

        @Override
        public String toString() {
            return "connection(handshake " + (handshaken() ? fullHandshake ? "full" : "resumed" : "none")
                    + ", requests " + requestLines + ")";
        }
    }

    private final SSLServerSocket socket;
    private final Fingerprint fingerprint;
    private final Predicate<String> closeAfter;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    /** The connection each socket serves, for the key manager to mark a full handshake on. */
    private final Map<Socket, Connection> bySocket = new ConcurrentHashMap<>();

    /**
     * @param closeAfter which request lines get {@code Connection: close} and the connection closed after their answer;
     *                   any other request's connection stays open for the next
     */
    HandshakeTimedBackup(Predicate<String> closeAfter) throws Exception {
        this.closeAfter = closeAfter;
        SelfSigned.Pair pair = SelfSigned.generate("backup.test", List.of("127.0.0.1"));
        fingerprint = pair.fingerprint();
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) SelfSignedKeys.keyManagers(pair)[0];
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new Marking(keys)}, null, null);
        socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16,
                InetAddress.getLoopbackAddress());
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        Thread acceptor = new Thread(this::acceptLoop, "handshake-timed-backup");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI url() {
        return URI.create("https://127.0.0.1:" + socket.getLocalPort());
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Connections the client has not closed yet. */
    long open() {
        return connections.stream().filter(c -> c.closedByClientNanos.get() == null).count();
    }

    private void acceptLoop() {
        for (int served = 0; served < MAX_CONNECTIONS && !socket.isClosed(); served++) {
            SSLSocket s;
            try {
                s = (SSLSocket) socket.accept();
            } catch (IOException e) {
                return; // closed at the end of the test
            }
            Connection connection = new Connection(System.nanoTime());
            bySocket.put(s, connection);
            connections.add(connection);
            Thread one = new Thread(() -> serve(s, connection), "handshake-timed-backup-connection");
            one.setDaemon(true);
            one.start();
        }
    }

    private void serve(SSLSocket s, Connection connection) {
        try (s) {
            s.setSoTimeout(60_000);
            // The server side of a handshake only answers the client: this returns once the client has finished it.
            s.startHandshake();
            connection.handshakeDoneNanos.set(System.nanoTime());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int request = 0; request < MAX_REQUESTS_PER_CONNECTION; request++) {
                int first = in.read();
                if (first < 0) {
                    break;
                }
                connection.firstByteNanos.compareAndSet(null, System.nanoTime());
                String head = readHead(first, in);
                String line = head.substring(0, Math.max(0, head.indexOf("\r\n")));
                connection.requestLines.add(line);
                in.readNBytes(contentLength(head));
                boolean closeAfterAnswer = closeAfter.test(line);
                String headers = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + ANSWER_BODY.length
                        + "\r\n" + (closeAfterAnswer ? "Connection: close\r\n" : "") + "\r\n";
                out.write(headers.getBytes(StandardCharsets.US_ASCII));
                out.write(ANSWER_BODY);
                out.flush();
                if (closeAfterAnswer) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing more to serve
        } finally {
            connection.closedByClientNanos.compareAndSet(null, System.nanoTime());
        }
    }

    /** The request head, its first byte already read, through the blank line. */
    private static String readHead(int first, InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(first);
        for (int i = 0; i < 16_384; i++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a request head");
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        throw new IOException("request head too long");
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    private Optional<Connection> of(Socket s) {
        return Optional.ofNullable(s == null ? null : bySocket.get(s));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Marks the connection whose handshake made the server choose its certificate: a full handshake. */
    private final class Marking extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        Marking(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket s) {
            String alias = keys.chooseServerAlias(keyType, issuers, s);
            if (alias != null) {
                of(s).ifPresent(c -> c.fullHandshake = true);
            }
            return alias;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return keys.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket s) {
            return keys.chooseClientAlias(keyType, issuers, s);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
