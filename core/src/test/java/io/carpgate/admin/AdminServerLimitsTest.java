package io.carpgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Logs;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.Overview;
import io.carpgate.observe.RecentDecisions;
import io.carpgate.proxy.ListenerGuards;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener over real loopback sockets: connections stalled inside their headers, from one address or
 * several, neither stay open for ever nor keep a new client out. On Linux every 127/8 address is this machine, so
 * each client is told apart by its own source address. The limits are the shipped ones but smaller and with a 1 s
 * deadline (and an idle timeout far beyond it, so that only the deadline can be what closes them).
 */
class AdminServerLimitsTest {
    private static final InetAddress STALLER = address("127.0.0.1");
    private static final InetAddress FRESH = address("127.0.0.2");
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final ListenerGuards.Limits LIMITS = new ListenerGuards.Limits(12, 4, DEADLINE,
            ConnectionDrop.ADMIN_PER_CLIENT_LIMIT, ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT);
    /** Generous, for a loaded machine: each condition usually holds within a second or two. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Metrics metrics = new Metrics("test");
    private final List<Socket> sockets = new ArrayList<>();
    private AdminServer admin;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private void start() throws Exception {
        Overview overview = new Overview("test", "enforce", "00", Instant.now(), Optional.empty(), List.of());
        admin = AdminServer.start(new CarpgateConfig.Listen("127.0.0.1", 0), List.of(), metrics, List::of,
                new RecentDecisions(10), () -> overview, Logs.NONE, LIMITS, Duration.ofMinutes(5));
    }

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    /** A connection from {@code local} that sends the start of a request's headers and then nothing. */
    private Socket stalled(InetAddress local) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(local, 0));
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), admin.port()), 5_000);
            socket.setSoTimeout(20);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Stalled: ")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // carpgate reset it at the accept already (on a loaded machine, before connect() returned): what the
            // test counts
        }
        return socket;
    }

    /** Whether the server has closed this connection (end of stream or a reset), reading for at most 20 ms. */
    private static boolean closedByServer(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** A whole GET from {@code local} on a new connection: the status code. */
    private int get(InetAddress local, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), admin.port()), 5_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + admin.port() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ").matcher(answer);
            return status.find() ? Integer.parseInt(status.group(1)) : -1;
        }
    }

    @Test
    void aClientThatKeepsAskingOnOneConnectionLosesItAfterEachAnswer() throws Exception {
        start();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), admin.port()), 5_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            // HTTP/1.1 keeps a connection by default: this client would hold it by asking every few seconds.
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + admin.port() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("Connection: close").endsWith("ok\n");
            // readAllBytes returned: the server closed the connection after the answer, within WAIT.
        }
        for (String request : List.of("GET /nope HTTP/1.1", "POST /healthz HTTP/1.1")) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), admin.port()), 5_000);
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write((request + "\r\nHost: 127.0.0.1:" + admin.port()
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).as(request).matches("(?s)HTTP/1\\.1 40[45] .*")
                        .containsIgnoringCase("Connection: close");
            }
        }
    }

    private double dropped(ConnectionDrop reason) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        Matcher value = Pattern.compile("carpgate_connections_dropped_total\\{reason=\"" + Pattern.quote(reason.word())
                + "\"} (\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    @Test
    void manyStalledConnectionsFromOneAddressHoldOnlyItsShareAndOnlyUntilTheDeadline() throws Exception {
        start();
        for (int i = 0; i < 40; i++) {
            stalled(STALLER);
        }
        // All 40 are connected (the kernel takes them); carpgate keeps the address's 4 and resets the rest at its
        // accept (a kept one closed by the deadline meanwhile frees its place for a later one).
        Awaitility.await("most closed at the accept").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> dropped(ConnectionDrop.ADMIN_PER_CLIENT_LIMIT) >= 30);

        assertThat(get(FRESH, "/healthz")).as("a client from another address is answered meanwhile").isEqualTo(200);

        // The kept ones are closed by the deadline (the idle timeout is 5 min): none stays open.
        Awaitility.await("every stalled connection closed").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> sockets.stream().filter(s -> !closedByServer(s)).count() == 0);
        assertThat(dropped(ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT)).isGreaterThanOrEqualTo(4);
        assertThat(dropped(ConnectionDrop.ADMIN_PER_CLIENT_LIMIT) + dropped(ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT))
                .as("each closed by carpgate, at the accept or at the deadline").isEqualTo(40);
        assertThat(get(STALLER, "/")).as("the address that stalled is answered again").isEqualTo(200);
    }

    @Test
    void bytesTrickledJustInsideTheIdleTimeoutDoNotExtendTheDeadline() throws Exception {
        start();
        Socket trickler = stalled(STALLER);
        OutputStream out = trickler.getOutputStream();
        // One byte per 100 ms, bounded: the connection is closed within the 1 s deadline (plus a sweep), long before.
        boolean closed = false;
        for (int i = 0; i < 300 && !closed; i++) {
            try {
                out.write('x');
                out.flush();
            } catch (IOException e) {
                closed = true;
                break;
            }
            closed = closedByServer(trickler);
            Thread.sleep(100); // the client's pace, not a wait for carpgate's timer: the loop ends when it closes
        }
        assertThat(closed).as("closed while still sending").isTrue();
        assertThat(dropped(ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT)).isEqualTo(1);
    }

    /**
     * Three addresses each holding their share fill the total: a fourth client's connection is taken by the kernel
     * but not accepted by Jetty until a slot frees, which the deadline guarantees. It is then answered.
     */
    @Test
    void whenStalledClientsFillTheTotalANewClientIsAnsweredOnceTheDeadlineFreesASlot() throws Exception {
        start();
        for (String local : List.of("127.0.0.1", "127.0.0.3", "127.0.0.4")) {
            for (int i = 0; i < 4; i++) {
                stalled(address(local));
            }
        }
        long started = System.nanoTime();
        assertThat(get(FRESH, "/healthz")).isEqualTo(200);
        assertThat(dropped(ConnectionDrop.ADMIN_PER_CLIENT_LIMIT)).as("no one was over its share").isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered once the deadline freed a slot")
                .isLessThan(WAIT);
        Awaitility.await("every stalled connection closed").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> sockets.stream().filter(s -> !closedByServer(s)).count() == 0);
        assertThat(dropped(ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT)).isEqualTo(12);
    }
}
