package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.fixture;
import static io.carpgate.xmlrpc.Bodies.oneParam;
import static io.carpgate.xmlrpc.Bodies.path;
import static io.carpgate.xmlrpc.Bodies.str;
import static io.carpgate.xmlrpc.Bodies.utf8;
import static io.carpgate.xmlrpc.Bodies.withoutSlots;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyPatcherTest {
    private static final String OLD_VIP = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String NEW_VIP = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    static byte[] join(List<ByteBuffer> buffers) {
        byte[] out = new byte[(int) BodyPatcher.length(buffers)];
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            ByteBuffer view = buffer.duplicate();
            int n = view.remaining();
            view.get(out, at, n);
            at += n;
        }
        return out;
    }

    private static XmlRpcValue.Str carpDependOn(MethodCall call) {
        return str(path(call.params().get(0), "OPNsense", "wireguard", "server", "servers", "server", "carp_depend_on"));
    }

    @Test
    void patchingCarpDependOnChangesOnlyThoseBytes() {
        byte[] body = fixture("restore_config_section.request.xml");
        MethodCall before = call(body);
        XmlRpcValue.Str carp = carpDependOn(before);

        List<ByteBuffer> parts = BodyPatcher.patch(body, List.of(new BodyPatcher.Replacement(carp.slot(), NEW_VIP)));
        byte[] patched = join(parts);

        int start = (int) carp.slot().start();
        int end = (int) carp.slot().end();
        assertThat(Arrays.copyOfRange(patched, 0, start)).isEqualTo(Arrays.copyOfRange(body, 0, start));
        assertThat(Arrays.copyOfRange(patched, start, start + NEW_VIP.length())).isEqualTo(utf8(NEW_VIP));
        assertThat(Arrays.copyOfRange(patched, start + NEW_VIP.length(), patched.length))
                .isEqualTo(Arrays.copyOfRange(body, end, body.length));
        assertThat(patched.length).isEqualTo(body.length - OLD_VIP.length() + NEW_VIP.length());

        MethodCall after = call(patched);
        assertThat(carpDependOn(after).text()).isEqualTo(NEW_VIP);
        // Everything else reads back equal: the expected tree is the old one with that one string swapped.
        XmlRpcValue expected = replaceString(withoutSlots(before.params().get(0)), OLD_VIP, NEW_VIP,
                List.of("OPNsense", "wireguard", "server", "servers", "server", "carp_depend_on"));
        assertThat(withoutSlots(after.params().get(0))).isEqualTo(expected);
        assertThat(after.methodName()).isEqualTo(before.methodName());
        // The VIP's own uuid (same text, other slot) is untouched.
        assertThat(str(path(((XmlRpcValue.Array) path(after.params().get(0), "virtualip", "vip")).items().get(0),
                "@attributes", "uuid")).text()).isEqualTo(OLD_VIP);
    }

    /** The slot-less tree with the string at {@code names} replaced; fails if it was not {@code old}. */
    private static XmlRpcValue replaceString(XmlRpcValue root, String old, String fresh, List<String> names) {
        if (names.isEmpty()) {
            assertThat(str(root).text()).isEqualTo(old);
            return new XmlRpcValue.Str(fresh, new TextSlot(0, 0, "", ""));
        }
        Map<String, XmlRpcValue> members = new LinkedHashMap<>(((XmlRpcValue.Struct) root).members());
        members.put(names.get(0), replaceString(members.get(names.get(0)), old, fresh, names.subList(1, names.size())));
        return new XmlRpcValue.Struct(members);
    }

    @Test
    void buffersAreReadOnlySlicesOfTheOriginal() {
        byte[] body = utf8(oneParam("<value><string>abc</string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        List<ByteBuffer> parts = BodyPatcher.patch(body, List.of(new BodyPatcher.Replacement(s.slot(), "x")));
        assertThat(parts).hasSize(3).allMatch(ByteBuffer::isReadOnly);
        assertThat(BodyPatcher.length(parts)).isEqualTo(body.length - 2);
        // A slice of the original shares its bytes: changing the body shows through (no copy was made).
        body[0] = (byte) '#';
        assertThat(parts.get(0).get(0)).isEqualTo((byte) '#');
    }

    @Test
    void newTextIsEscapedLikeHtmlSpecialCharsAndReadsBack() {
        byte[] body = utf8(oneParam("<value><string>old</string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        String text = "a&b<c>d\"e'f é";
        byte[] patched = join(BodyPatcher.patch(body, List.of(new BodyPatcher.Replacement(s.slot(), text))));
        assertThat(new String(patched, StandardCharsets.UTF_8))
                .contains("<string>a&amp;b&lt;c&gt;d&quot;e&#039;f é</string>");
        assertThat(str(call(patched).params().get(0)).text()).isEqualTo(text);
    }

    @Test
    void selfClosingAndUntypedAndEmptySlotsReadBack() {
        byte[] body = utf8("<methodCall><methodName>m</methodName><params>"
                + "<param><value><string/></value></param>"
                + "<param><value> untyped </value></param>"
                + "<param><value><string></string></value></param>"
                + "</params></methodCall>");
        List<XmlRpcValue> params = call(body).params();
        List<BodyPatcher.Replacement> replacements = List.of(
                new BodyPatcher.Replacement(str(params.get(2)).slot(), "three"),
                new BodyPatcher.Replacement(str(params.get(0)).slot(), "one"),
                new BodyPatcher.Replacement(str(params.get(1)).slot(), "two"));
        byte[] patched = join(BodyPatcher.patch(body, replacements));
        assertThat(new String(patched, StandardCharsets.UTF_8)).contains("<value><string>one</string></value>");
        assertThat(call(patched).params().stream().map(v -> str(v).text()).toList())
                .containsExactly("one", "two", "three");
    }

    @Test
    void aBlankReplacementOfAnUntypedValueIsWrittenAsATypedStringSoTheBackupKeepsIt() {
        // Found by the patcher fuzz test: IXR drops a bare <value> whose text is blank, member and all.
        byte[] body = utf8("<methodCall><methodName>m</methodName><params>"
                + "<param><value>a</value></param>"
                + "<param><value><struct><member><name>n</name><value>b</value></member></struct></value></param>"
                + "</params></methodCall>");
        List<XmlRpcValue> params = call(body).params();
        XmlRpcValue.Str member = str(path(params.get(1), "n"));
        byte[] patched = join(BodyPatcher.patch(body, List.of(
                new BodyPatcher.Replacement(str(params.get(0)).slot(), ""),
                new BodyPatcher.Replacement(member.slot(), " \t"))));
        assertThat(new String(patched, StandardCharsets.UTF_8))
                .contains("<param><value><string></string></value></param>")
                .contains("<value><string> \t</string></value>");
        List<XmlRpcValue> read = call(patched).params();
        assertThat(read).hasSize(2);
        assertThat(str(read.get(0)).text()).isEmpty();
        assertThat(str(path(read.get(1), "n")).text()).isEqualTo(" \t");
        // A non-blank replacement there stays bare, as the master wrote it.
        byte[] plain = join(BodyPatcher.patch(body, List.of(new BodyPatcher.Replacement(str(params.get(0)).slot(), "x"))));
        assertThat(new String(plain, StandardCharsets.UTF_8)).contains("<param><value>x</value></param>");
    }

    @Test
    void noReplacementsGiveTheBodyBack() {
        byte[] body = fixture("restart_service.wireguard.request.xml");
        List<ByteBuffer> parts = BodyPatcher.patch(body, List.of());
        assertThat(parts).hasSize(1);
        assertThat(join(parts)).isEqualTo(body);
    }

    @Test
    void overlappingOrDuplicateOrOutOfRangeSlotsAreRejected() {
        byte[] body = utf8("0123456789");
        assertThatThrownBy(() -> BodyPatcher.patch(body, List.of(
                new BodyPatcher.Replacement(new TextSlot(2, 5, "", ""), "a"),
                new BodyPatcher.Replacement(new TextSlot(4, 6, "", ""), "b"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BodyPatcher.patch(body, List.of(
                new BodyPatcher.Replacement(new TextSlot(3, 3, "", ""), "a"),
                new BodyPatcher.Replacement(new TextSlot(3, 3, "", ""), "b"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BodyPatcher.patch(body, List.of(
                new BodyPatcher.Replacement(new TextSlot(8, 11, "", ""), "a"))))
                .isInstanceOf(IllegalArgumentException.class);
        // Adjacent slots do not overlap.
        byte[] adjacent = join(BodyPatcher.patch(body, List.of(
                new BodyPatcher.Replacement(new TextSlot(4, 6, "", ""), "b"),
                new BodyPatcher.Replacement(new TextSlot(2, 4, "", ""), "a"))));
        assertThat(new String(adjacent, StandardCharsets.UTF_8)).isEqualTo("01ab6789");
    }

    @Test
    void textThatCannotRoundTripIsRejected() {
        TextSlot slot = new TextSlot(0, 0, "", "");
        assertThatThrownBy(() -> new BodyPatcher.Replacement(slot, "a\u0001b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BodyPatcher.Replacement(slot, "a\rb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BodyPatcher.Replacement(slot, "a\uD800")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BodyPatcher.Replacement(slot, "tab\tnl\n😀").newText()).isEqualTo("tab\tnl\n😀");
    }
}
