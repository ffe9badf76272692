package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate_upstream_duration_seconds is documented as "time from sending a call to the backup until its
 * answer's headers". A backup that sends its headers at once and its body over a second must show about 0 s there,
 * not the time the whole answer took to pass.
 */
@EndToEnd
class UpstreamTimeEndToEndTest {
    static final String SLOW_ANSWER = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>slow done"
            + "</string></value></param></params></methodResponse>\n";

    @TempDir
    Path dir;

    private final RawHttps http = new RawHttps();
    private XmlRpcOnlyBackup slowBackup;
    private SimulatedBackup unused;
    private Pair running;
    private URI endpoint;
    private byte[] call;

    /** A backup that sends its answer's head at once and the rest 1.5 s later, and carpgate in front of it. */
    @BeforeEach
    void start() throws Exception {
        slowBackup = new XmlRpcOnlyBackup((response, callback) -> {
            byte[] answer = SLOW_ANSWER.getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put("Content-Type", "text/xml");
            response.getHeaders().put("Content-Length", answer.length);
            org.eclipse.jetty.util.Callback.Completable first = new org.eclipse.jetty.util.Callback.Completable();
            response.write(false, ByteBuffer.wrap(answer, 0, 10), first); // the head and a first piece, at once
            first.get(10, TimeUnit.SECONDS);
            Thread.sleep(1500);
            response.write(true, ByteBuffer.wrap(answer, 10, answer.length - 10), callback);
        });
        unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        running = Pair.start(dir, unused, slowBackup.url(), slowBackup.fingerprint(), "", null);
        endpoint = running.carpgate("/xmlrpc.php");
        call = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            running.close();
        } finally {
            slowBackup.close();
        }
    }

    @Test
    void theUpstreamTimeEndsWithTheAnswersHeaders() throws Exception {
        RawHttps.Answer answer = http.post(endpoint, RawHttps.basic("root", "pw"), call);
        assertThat(answer.text()).contains("slow done");
        io.carpgate.observe.ExchangeRecord record = running.exchanges.await("the call", r -> r.upstreamTime().isPresent());
        assertThat(record.upstreamTime().orElseThrow())
                .as("the backup's headers came at once; its body took 1.5 s more")
                .isLessThan(Duration.ofMillis(1000));
    }
}
