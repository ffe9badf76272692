package io.carpgate.bench;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.config.VhidMapLoader;
import io.carpgate.policy.Gate;
import io.carpgate.policy.GateInputs;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.Verdict;
import io.carpgate.policy.VhidMap;
import io.carpgate.tls.NoVerification;
import io.carpgate.testkit.SelfSignedKeys;
import io.carpgate.tls.SelfSigned;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Where a large restore's time goes in carpgate, phase by phase, each phase alone and in one JVM (a main run by hand,
 * not a test; see docs/benchmarks.md, "Where a 20 MB restore's time goes"):
 * <ul>
 *   <li><b>arrival</b>: the body over a loopback TLS connection (JSSE on both ends, the master writing 16 KiB at a
 *       time as curl does) into one array presized from its length, as {@code BodyBuffering} holds it; from the
 *       first byte read to the last;</li>
 *   <li><b>read</b>: {@code BackupReader.read(body, Gate.READS)}, as {@code Deciding} reads it;</li>
 *   <li><b>decide</b>: {@code Gate.decide} on the benchmark's VHID map and a CARP view like the benchmark backup's
 *       (the restore is rewritten);</li>
 *   <li><b>patch</b>: {@code BodyPatcher.patch} (slices of the body around the replaced strings);</li>
 *   <li><b>forward</b>: the patched body over another loopback TLS connection to a reader that counts the bytes.</li>
 * </ul>
 * Each phase runs {@code --warm} times uncounted, then {@code --samples} times; medians and extremes are printed.
 * Arguments: {@code [--bytes N] [--samples N] [--warm N]} (defaults 20,000,000, 7, 5).
 */
public final class RestorePhases {
    private static final int WRITE_CHUNK = 16 * 1024;

    private RestorePhases() {}

    public static void main(String[] args) throws Exception {
        int bytes = 20_000_000;
        int samples = 7;
        int warm = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bytes" -> bytes = Integer.parseInt(args[i + 1]);
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                case "--warm" -> warm = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        byte[] body = Payloads.restore(bytes);
        GateInputs inputs = inputs();
        ReadResult first = BackupReader.read(body, Gate.READS);
        if (!(first instanceof ReadResult.Call call)) {
            throw new IllegalStateException("the benchmark's restore is unreadable: " + first);
        }
        Verdict verdict = Gate.decide(call.call(), inputs);
        if (!(verdict instanceof Verdict.Rewrite rewrite)) {
            throw new IllegalStateException("the benchmark's restore is not rewritten: " + verdict);
        }
        List<ByteBuffer> patched = BodyPatcher.patch(body, rewrite.changes());
        long patchedLength = BodyPatcher.length(patched);

        SSLContext server = serverContext();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            System.out.printf("restore of %,d bytes (patched: %,d bytes, %d replacement(s)); %d samples after %d "
                    + "uncounted; Java %s, %d CPUs%n%n", body.length, patchedLength, rewrite.changes().size(), samples,
                    warm, Runtime.version(), Runtime.getRuntime().availableProcessors());
            List<Phase> phases = List.of(
                    new Phase("arrival (TLS, into a presized array)", () -> arrival(server, threads, body)),
                    new Phase("read (BackupReader, Gate.READS)", () -> timed(() -> BackupReader.read(body, Gate.READS))),
                    new Phase("decide (Gate)", () -> timed(() -> Gate.decide(call.call(), inputs))),
                    new Phase("patch (BodyPatcher)", () -> timed(() -> BodyPatcher.patch(body, rewrite.changes()))),
                    new Phase("forward (TLS, the patched body)", () -> forward(server, threads, patched, patchedLength)));
            double[] medians = new double[phases.size()];
            System.out.printf("| phase | median ms | min | max |%n|---|--:|--:|--:|%n");
            for (int p = 0; p < phases.size(); p++) {
                Phase phase = phases.get(p);
                for (int i = 0; i < warm; i++) {
                    phase.run().call();
                }
                double[] ms = new double[samples];
                for (int i = 0; i < samples; i++) {
                    ms[i] = phase.run().call() / 1e6;
                }
                Arrays.sort(ms);
                medians[p] = ms[samples / 2];
                System.out.printf("| %s | %.1f | %.1f | %.1f |%n", phase.name(), medians[p], ms[0], ms[samples - 1]);
            }
            double series = Arrays.stream(medians).sum();
            double overlapped = Math.max(medians[0], medians[1]) + medians[2] + medians[3] + medians[4];
            System.out.printf("%nin series (as now): %.1f ms; with the read overlapping the arrival: %.1f ms "
                    + "(max(arrival, read) + decide + patch + forward)%n", series, overlapped);
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private record Phase(String name, Sample run) {}

    @FunctionalInterface
    private interface Sample {
        /** One sample's nanoseconds. */
        long call() throws Exception;
    }

    private static long timed(java.util.function.Supplier<?> work) {
        long start = System.nanoTime();
        Object result = work.get();
        long took = System.nanoTime() - start;
        if (result == null) {
            throw new IllegalStateException("no result");
        }
        return took;
    }

    /** The master's side writes the body; the nanoseconds from carpgate's side's first byte to its last. */
    private static long arrival(SSLContext server, ExecutorService threads, byte[] body) throws Exception {
        try (SSLServerSocket listener = listener(server)) {
            Future<?> master = threads.submit(() -> {
                try (SSLSocket out = client(listener.getLocalPort())) {
                    OutputStream stream = out.getOutputStream();
                    for (int at = 0; at < body.length; at += WRITE_CHUNK) {
                        stream.write(body, at, Math.min(WRITE_CHUNK, body.length - at));
                    }
                    stream.flush();
                    out.getInputStream().read(); // until carpgate's side has it all and closes
                }
                return null;
            });
            long took;
            try (SSLSocket in = (SSLSocket) listener.accept()) {
                in.startHandshake();
                InputStream stream = in.getInputStream();
                byte[] buffer = new byte[body.length]; // presized from Content-Length, as BodyBuffering does
                int size = stream.read(buffer, 0, buffer.length);
                long start = System.nanoTime();
                while (size < buffer.length) {
                    int n = stream.read(buffer, size, buffer.length - size);
                    if (n < 0) {
                        throw new IOException("the body ended early");
                    }
                    size += n;
                }
                took = System.nanoTime() - start;
                if (!Arrays.equals(buffer, body)) {
                    throw new IllegalStateException("the body arrived changed");
                }
            } // closing it tells the master it is done
            master.get(30, TimeUnit.SECONDS);
            return took;
        }
    }

    /** carpgate's side writes the patched body; the nanoseconds until the backup's side has read its last byte. */
    private static long forward(SSLContext server, ExecutorService threads, List<ByteBuffer> patched, long length)
            throws Exception {
        try (SSLServerSocket listener = listener(server)) {
            Future<Long> backup = threads.submit(() -> {
                try (SSLSocket in = (SSLSocket) listener.accept()) {
                    InputStream stream = in.getInputStream();
                    byte[] buffer = new byte[64 * 1024];
                    long read = 0;
                    while (read < length) {
                        int n = stream.read(buffer);
                        if (n < 0) {
                            throw new IOException("the forwarded body ended early");
                        }
                        read += n;
                    }
                    long done = System.nanoTime();
                    in.getOutputStream().write(1);
                    in.getOutputStream().flush();
                    return done;
                }
            });
            try (SSLSocket out = client(listener.getLocalPort())) {
                out.startHandshake(); // connected and handshaken beforehand, as a kept upstream connection is
                OutputStream stream = out.getOutputStream();
                long start = System.nanoTime();
                byte[] chunk = new byte[WRITE_CHUNK];
                for (ByteBuffer slice : patched) {
                    ByteBuffer view = slice.duplicate();
                    while (view.hasRemaining()) {
                        int n = Math.min(chunk.length, view.remaining());
                        view.get(chunk, 0, n);
                        stream.write(chunk, 0, n);
                    }
                }
                stream.flush();
                out.getInputStream().read();
                return backup.get(30, TimeUnit.SECONDS) - start;
            }
        }
    }

    private static SSLServerSocket listener(SSLContext server) throws IOException {
        return (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    private static SSLSocket client(int port) throws IOException {
        return (SSLSocket) NoVerification.sslContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                port);
    }

    private static SSLContext serverContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(SelfSignedKeys.keyManagers(SelfSigned.generate("bench", List.of("127.0.0.1"))), null, null);
        return context;
    }

    /** The benchmark's VHID map and the benchmark backup's CARP view: VHID 7 MASTER, VHID 2 BACKUP. */
    private static GateInputs inputs() throws Exception {
        Path map = Files.createTempFile("restore-phases-vhid-map", ".yml");
        try {
            Files.writeString(map, Payloads.VHID_MAP);
            VhidMap vhidMap = VhidMapLoader.load(map);
            List<BackupVip> vips = new ArrayList<>(List.of(
                    new BackupVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                    new BackupVip("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", 2, "192.168.1.1", "LAN CARP")));
            List<VipState> states = List.of(new VipState("WAN2", 7, "198.51.100.5", "MASTER"),
                    new VipState("LAN", 2, "192.168.1.1", "BACKUP"));
            return new GateInputs(vhidMap, ItemBook.empty(), new CarpView.Known(vips, states, Instant.now()),
                    OnUnknownCarp.SUPPRESS);
        } finally {
            Files.deleteIfExists(map);
        }
    }
}
