package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.fixture;
import static io.carpgate.xmlrpc.Bodies.path;
import static io.carpgate.xmlrpc.Bodies.slice;
import static io.carpgate.xmlrpc.Bodies.str;
import static io.carpgate.xmlrpc.Bodies.strings;
import static io.carpgate.xmlrpc.Bodies.struct;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackupReaderFixturesTest {

    @Test
    void firmwareVersionHasNoParams() {
        MethodCall call = call(fixture("firmware_version.request.xml"));
        assertThat(call.methodName()).isEqualTo("opnsense.firmware_version");
        assertThat(call.params()).isEmpty();
    }

    @Test
    void restartServiceIsOneStructOfServiceAndId() {
        byte[] body = fixture("restart_service.wireguard.request.xml");
        MethodCall call = call(body);
        assertThat(call.methodName()).isEqualTo("opnsense.restart_service");
        assertThat(call.params()).hasSize(1);
        XmlRpcValue.Struct arg = struct(call.params().get(0));
        assertThat(arg.members().keySet()).containsExactly("service", "id");
        XmlRpcValue.Str service = arg.str("service").orElseThrow();
        XmlRpcValue.Str id = arg.str("id").orElseThrow();
        assertThat(service.text()).isEqualTo("wireguard");
        assertThat(id.text()).isEqualTo("3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b");
        assertThat(slice(body, id.slot())).isEqualTo(id.text());
        assertThat(slice(body, service.slot())).isEqualTo("wireguard");
    }

    @Test
    void restoreConfigSectionReadsAsNestedStructs() {
        byte[] body = fixture("restore_config_section.request.xml");
        MethodCall call = call(body);
        assertThat(call.methodName()).isEqualTo("opnsense.restore_config_section");
        assertThat(call.params()).hasSize(1);
        XmlRpcValue sections = call.params().get(0);
        assertThat(struct(sections).members().keySet()).containsExactly("OPNsense", "virtualip");

        XmlRpcValue server = path(sections, "OPNsense", "wireguard", "server", "servers", "server");
        XmlRpcValue.Str carp = str(path(server, "carp_depend_on"));
        assertThat(carp.text()).isEqualTo("5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f");
        assertThat(carp.slot().open()).isEmpty();
        assertThat(carp.slot().close()).isEmpty();
        assertThat(slice(body, carp.slot())).isEqualTo("5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f");
        assertThat(str(path(server, "@attributes", "uuid")).text()).isEqualTo("3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b");
        assertThat(str(path(sections, "OPNsense", "wireguard", "general", "enabled")).text()).isEqualTo("1");

        // An empty <string></string> is kept as "" with an empty slot between its tags.
        XmlRpcValue.Str mtu = str(path(server, "mtu"));
        assertThat(mtu.text()).isEmpty();
        assertThat(mtu.slot().end()).isEqualTo(mtu.slot().start());
        assertThat(new String(body, (int) mtu.slot().start() - 8, 17, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("<string></string>");

        XmlRpcValue vip = path(sections, "virtualip", "vip");
        assertThat(vip).isInstanceOf(XmlRpcValue.Array.class);
        List<XmlRpcValue> vips = XmlRpcValue.oneOrMany(vip);
        assertThat(vips).hasSize(1);
        assertThat(str(path(vips.get(0), "@attributes", "uuid")).text()).isEqualTo(carp.text());
        assertThat(str(path(vips.get(0), "vhid")).text()).isEqualTo("7");
    }

    @Test
    void everyStringInEveryFixtureRequestSlicesToItsText() throws IOException {
        List<Path> requests;
        try (Stream<Path> files = Files.list(Bodies.fixtures())) {
            requests = files.filter(p -> p.getFileName().toString().endsWith(".request.xml")).sorted().toList();
        }
        assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
        int checked = 0;
        int stringElements = 0;
        for (Path request : requests) {
            byte[] body = Files.readAllBytes(request);
            stringElements += countOccurrences(new String(body, java.nio.charset.StandardCharsets.UTF_8), "<string>");
            for (XmlRpcValue.Str s : strings(call(body).params())) {
                // Fixtures have no entities or CDATA, so the raw slice is the text itself.
                assertThat(slice(body, s.slot())).as(request.getFileName().toString()).isEqualTo(s.text());
                checked++;
            }
        }
        // Every <string> element of the fixtures became a Str (none lost, none invented).
        assertThat(checked).isEqualTo(stringElements).isGreaterThan(40);
    }

    private static int countOccurrences(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }

    @Test
    void fixtureResponsesAreNotCalls() throws IOException {
        List<Path> responses;
        try (Stream<Path> files = Files.list(Bodies.fixtures())) {
            responses = files.filter(p -> p.getFileName().toString().endsWith(".response.xml")).sorted().toList();
        }
        assertThat(responses).isNotEmpty();
        for (Path response : responses) {
            ReadResult.Unreadable rejected = Bodies.rejected(Files.readAllBytes(response));
            assertThat(rejected.faultCode()).as(response.getFileName().toString()).isEqualTo(-32600);
        }
    }
}
