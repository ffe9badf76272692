package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that once made carpgate's shell fail open or answer with a Jetty error page: each is now answered
 * in XML-RPC, logged for what it is, and nothing the backup cannot take as intended reaches it.
 */
@EndToEnd
class FailClosedEndToEndTest {
    private static final String VIP7 = SyncEndToEndTest.MASTER_VIP7;

    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "", SyncEndToEndTest.MAP);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    private RawHttps.Answer post(String body) throws Exception {
        return http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** The fixture restore with the VIP's uuid (its second mention; the first is carp_depend_on) spelled {@code vip}. */
    private static String restoreWithVipUuid(String vip) throws Exception {
        String restore = Files.readString(PythonMaster.fixtures().resolve("restore_config_section.request.xml"));
        int at = restore.indexOf(VIP7, restore.indexOf(VIP7) + 1);
        return restore.substring(0, at) + vip + restore.substring(at + VIP7.length());
    }

    @Test
    void aRewriteThePatcherCannotWriteIsNotPlannedAndTheRestoreIsNotSent() throws Exception {
        // The VIP uuid ends in a character reference to CR: the map says the instance follows VHID 7, whose VIP
        // in this restore is that uuid, and no text written into the body reads back as it. Once a 500 page; then
        // sent as is, where wg0's dependency (the uuid without the CR) named no VIP the backup would have.
        String body = restoreWithVipUuid(VIP7 + "&#13;");
        RawHttps.Answer answer = post(body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("<fault>", "nothing was sent to the backup", "cannot be written");
        assertThat(pair.xmlrpcCalls()).isEmpty();
        CallOutcome restore = pair.exchanges.awaitCall("the restore", c -> c.method().equals("opnsense.restore_config_section"));
        assertThat(restore.action()).isEqualTo(Action.REJECTED);
        assertThat(restore.reason()).contains("WireGuard instance wg0-branches", "cannot be written");
    }

    @Test
    void aVipUuidEndingInACdataCarriageReturnIsRejectedNotTakenToMatchALineFeed() throws Exception {
        // libxml2 on the backup keeps the CR inside CDATA: the VIP is "...\r" there while carp_depend_on is
        // "...\n", a dangling dependency. carpgate once read both as "...\n" and logged "already follows".
        String body = restoreWithVipUuid(VIP7 + "<![CDATA[\r]]>")
                .replaceFirst(VIP7, VIP7 + "&#10;");
        RawHttps.Answer answer = post(body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("<fault>", "nothing was sent", "carriage return inside a CDATA section");
        assertThat(pair.xmlrpcCalls()).isEmpty();
        assertThat(pair.exchanges.awaitCall("the refusal", c -> c.method().equals("(unreadable)")).action())
                .isEqualTo(Action.REJECTED);
    }

    @Test
    void aServiceIdCarpgateQuotesInItsAnswerIsWrittenEvenWithACarriageReturn() throws Exception {
        // The suppression message names the id; an id with a CR once made carpgate's own answer unwritable.
        String body = "<methodCall><methodName>opnsense.restart_service</methodName><params><param><value><struct>"
                + "<member><name>service</name><value><string>wireguard</string></value></member>"
                + "<member><name>id</name><value><string>not-a-known-instance&#13;</string></value></member>"
                + "</struct></value></param></params></methodCall>";
        RawHttps.Answer answer = post(body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("carpgate suppressed", "not-a-known-instance?").doesNotContain("<fault>");
        assertThat(pair.xmlrpcCalls()).isEmpty();
        assertThat(pair.exchanges.awaitCall("opnsense.restart_service", "suppressed").id())
                .contains("not-a-known-instance\r");
    }
}
