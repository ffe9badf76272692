package io.carpgate.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attacks (#16), as small clients a test runs for a bounded time against a carpgate on loopback. Each
 * runs until {@code until}, holds at most a fixed number of sockets, and closes all it opened before it returns.
 * Who attacks: {@link Target#stranger} is outside allow-from, {@link Target#allowed} inside it, and
 * {@link Target#spread} gives many allowed addresses (one host per connection) for attacks on threads rather than
 * on one address's share.
 */
enum Attacks {
    /** Row 3: 260 connections from outside allow-from, each trickling a ClientHello (a byte every 2 s). */
    STRANGERS("strangers") {
        @Override
        void run(Target target, Instant until) throws Exception {
            byte[] hello = Loopback.clientHello();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int round = 0; Instant.now().isBefore(until) && round < 1_000; round++) {
                    // Reconnect whatever was closed, as an attacker would, up to 260 at a time.
                    sockets.removeIf(Socket::isClosed);
                    while (sockets.size() < 260 && Instant.now().isBefore(until)) {
                        try {
                            sockets.add(Loopback.tcp(target.stranger(), target.port(), 100));
                        } catch (IOException e) {
                            break; // refused or reset while connecting: the next round tries again
                        }
                    }
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write(hello[round % hello.length]);
                        } catch (IOException e) {
                            socket.close();
                        }
                    }
                    pause(Duration.ofSeconds(2), until);
                }
            } finally {
                closeAll(sockets);
            }
        }
    },
    /** One allowed host opening connections and holding them idle, as many as it is let (at most 300). */
    PER_CLIENT_FLOOD("per-client-flood") {
        @Override
        void run(Target target, Instant until) throws Exception {
            List<RawTls> held = new ArrayList<>();
            try {
                for (int i = 0; i < 300 && Instant.now().isBefore(until); i++) {
                    try {
                        held.add(new RawTls(target.allowed(), target.port(), 5_000));
                    } catch (IOException e) {
                        // closed at the accept: over this address's share
                    }
                }
                pause(Duration.between(Instant.now(), until), until);
            } finally {
                for (RawTls tls : held) {
                    tls.close();
                }
            }
        }
    },
    /** Allowed clients trickling a ClientHello (a byte every 500 ms), 10 at a time, reconnecting when closed. */
    TRICKLING_HANDSHAKES("trickling-handshakes") {
        @Override
        void run(Target target, Instant until) throws Exception {
            byte[] hello = Loopback.clientHello();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int round = 0; Instant.now().isBefore(until) && round < 10_000; round++) {
                    sockets.removeIf(Socket::isClosed);
                    while (sockets.size() < 10) {
                        try {
                            sockets.add(Loopback.tcp(target.allowed(), target.port(), 100));
                        } catch (IOException e) {
                            break; // refused: the next round tries again
                        }
                    }
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write(hello[round % hello.length]);
                        } catch (IOException e) {
                            socket.close();
                        }
                    }
                    pause(Duration.ofMillis(500), until);
                }
            } finally {
                closeAll(sockets);
            }
        }
    },
    /** Requests whose path or query has more than one reading, one after another. */
    BAD_TARGETS("bad-targets") {
        @Override
        void run(Target target, Instant until) throws Exception {
            String[] targets = {"/a/../xmlrpc.php", "/xmlrpc.php?a=|", "/xmlrpc.php?%zz", "/x/%2e%2e/xmlrpc.php",
                    "/xmlrpc.php?a={}^\"<>\\", "/xmlrpc.php?%"};
            byte[] body = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version</methodName>"
                    .concat("<params></params></methodCall>").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 2_000 && Instant.now().isBefore(until); i++) {
                Loopback.request(target.allowed(), target.port(), "POST " + targets[i % targets.length] + " HTTP/1.1",
                        "Content-Type: text/xml\r\n", body);
            }
        }
    },
    /** Row 1: 4 connections whose headers say Content-Length 64 MiB, then nothing. (Fixed by the body work.) */
    HUGE_CONTENT_LENGTH("huge-content-length") {
        @Override
        void run(Target target, Instant until) throws Exception {
            List<RawTls> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    held.add(new RawTls(target.spread(i), target.port(), 5_000).send("POST /xmlrpc.php HTTP/1.1\r\n"
                            + "Host: carpgate\r\nContent-Type: text/xml\r\nAuthorization: " + target.authorization()
                            + "\r\nContent-Length: 67108864\r\n\r\n"));
                }
                pause(Duration.between(Instant.now(), until), until);
            } finally {
                for (RawTls tls : held) {
                    tls.close();
                }
            }
        }
    },
    /** Row 2: restart_service of WireGuard with a 4 MiB id, one call at a time. (Fixed by the echo bounds.) */
    HUGE_IDS("huge-ids") {
        @Override
        void run(Target target, Instant until) throws Exception {
            byte[] call = ("<?xml version=\"1.0\"?><methodCall><methodName>opnsense.restart_service</methodName><params>"
                    + "<param><value><struct><member><name>service</name><value><string>wireguard</string></value>"
                    + "</member><member><name>id</name><value><string>" + "i".repeat(4 << 20) + "</string></value>"
                    + "</member></struct></value></param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 40 && Instant.now().isBefore(until); i++) {
                Loopback.request(target.allowed(), target.port(), "POST /xmlrpc.php HTTP/1.1", "Content-Type: text/xml"
                        + "\r\nAuthorization: " + target.authorization() + "\r\n", call);
            }
        }
    },
    /** Row 4: 61 connections (61 allowed hosts) send headers and {@code <?xml}, then a byte every 15 s. (Body work.) */
    TRICKLING_BODIES("trickling-bodies") {
        @Override
        void run(Target target, Instant until) throws Exception {
            List<RawTls> held = new ArrayList<>();
            try {
                for (int i = 0; i < 61 && Instant.now().isBefore(until); i++) {
                    held.add(new RawTls(target.spread(i), target.port(), 5_000).send("POST /xmlrpc.php HTTP/1.1\r\n"
                            + "Host: carpgate\r\nContent-Type: text/xml\r\nAuthorization: " + target.authorization()
                            + "\r\nContent-Length: 100000\r\n\r\n<?xml"));
                }
                for (int round = 0; Instant.now().isBefore(until) && round < 100; round++) {
                    pause(Duration.ofSeconds(15), until);
                    for (RawTls tls : held) {
                        try {
                            tls.send(" ");
                        } catch (IOException e) {
                            // closed by carpgate: what the deadline is for
                        }
                    }
                }
            } finally {
                for (RawTls tls : held) {
                    tls.close();
                }
            }
        }
    },
    /** Row 5: two 40 MiB restores at once whose bulk is a single string value. (Fixed by the reader work.) */
    BIG_STRING_RESTORE("big-string-restore") {
        @Override
        void run(Target target, Instant until) throws Exception {
            Thread second = new Thread(() -> sendRestore(target), "soak-restore-2");
            second.start();
            sendRestore(target);
            second.join(Duration.between(Instant.now(), until).plusSeconds(60).toMillis());
        }

        private void sendRestore(Target target) {
            String head = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.restore_config_section</methodName>"
                    + "<params><param><value><struct><member><name>filter</name><value><struct><member><name>descr"
                    + "</name><value><string>";
            String tail = "</string></value></member></struct></value></member></struct></value></param></params>"
                    + "</methodCall>";
            int bulk = 40 << 20;
            try (RawTls tls = new RawTls(target.spread(100), target.port(), 60_000)) {
                tls.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nConnection: close\r\nContent-Type: text/xml\r\n"
                        + "Authorization: " + target.authorization() + "\r\nContent-Length: "
                        + (head.length() + bulk + tail.length()) + "\r\n\r\n" + head);
                byte[] chunk = new byte[1 << 20];
                Arrays.fill(chunk, (byte) 'x');
                OutputStream out = tls.socket.getOutputStream();
                for (int written = 0; written < bulk; written += chunk.length) {
                    out.write(chunk);
                }
                tls.send(tail).readAll();
            } catch (Exception e) {
                // carpgate may refuse or close: the soak judges by the master's calls and the process
            }
        }
    };

    private final String word;

    Attacks(String word) {
        this.word = word;
    }

    String word() {
        return word;
    }

    /** Runs until {@code until}, then closes everything it opened. */
    abstract void run(Target target, Instant until) throws Exception;

    /** {@code all}, or words separated by commas ("strangers,huge-ids"). */
    static List<Attacks> parse(String list) {
        if (list.trim().equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(w -> !w.isEmpty())
                .map(w -> Arrays.stream(values()).filter(a -> a.word.equals(w)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown attack '" + w + "'; known: "
                                + Arrays.stream(values()).map(Attacks::word).toList())))
                .toList();
    }

    /**
     * @param stranger an address outside allow-from
     * @param allowed  one allowed attacking host (not the master's address)
     * @param spreadBase the first of many allowed addresses ({@code 127.0.1.x}), one per connection
     */
    record Target(int port, InetAddress stranger, InetAddress allowed, String spreadBase, String authorization) {
        InetAddress spread(int i) {
            return Loopback.address(spreadBase + (1 + i % 250));
        }
    }

    private static void pause(Duration length, Instant until) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), until);
        Duration wait = length.compareTo(left) < 0 ? length : left;
        if (!wait.isNegative() && !wait.isZero()) {
            Thread.sleep(wait.toMillis()); // the attack's own pace, not a wait for carpgate
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
