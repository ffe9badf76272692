package io.carpgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.carpgate.policy.Gate;
import io.carpgate.policy.GateInputs;
import io.carpgate.policy.GateScenarios;

import io.carpgate.policy.Verdict;
import io.carpgate.reference.IxrParse;
import io.carpgate.reference.PhpValues.PhpArray;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * carpgate's patcher against the reference backup: rewrite some string values of an accepted body in place,
 * and the reference backup (and carpgate again) must read the patched body as the original with exactly those
 * values replaced, nothing else moved.
 */
class PatcherParityFuzzTest {
    private static final String[] NEW_TEXTS = {"", " ", "0", "*", "wireguard", CallGenerator.WG0,
            "a&b<c>\"d'e", "]]>", "é\uD83D\uDE00", "\t\n", "<?xml version=\"1.0\"?>", "x".repeat(150)};

    private static final String VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String[] VIP_SUFFIXES = {"&#13;", "&#x0D;", "&#10;", "\r", "-b", " ", "&amp;&#039;", "&#0;",
            "<![CDATA[\r]]>", "<![CDATA[x]]>", "&#xFFFE;", "\t"};

    /** A string value in the call and where it sits: param index, then member names and array indexes. */
    record Located(List<Object> path, XmlRpcValue.Str value) {}

    @FuzzTest(maxDuration = "10s")
    void patchedBodiesReadBackWithOnlyTheRewrittenValuesChanged(FuzzedDataProvider data) {
        byte[] body = data.consumeBoolean() ? restoreFixture(data) : CallGenerator.body(data);
        Optional<MethodCall> call = Parity.check(body);
        if (call.isEmpty()) {
            return;
        }
        List<Located> strings = new ArrayList<>();
        for (int i = 0; i < call.get().params().size(); i++) {
            collect(call.get().params().get(i), new ArrayList<>(List.of((Object) (long) i)), strings);
        }
        if (strings.isEmpty()) {
            return;
        }
        List<BodyPatcher.Replacement> replacements = new ArrayList<>();
        List<Located> chosen = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int count = data.consumeInt(1, Math.min(3, strings.size()));
        for (int i = 0; i < count; i++) {
            Located target = strings.remove(data.consumeInt(0, strings.size() - 1));
            String text = data.consumeBoolean() ? NEW_TEXTS[data.consumeInt(0, NEW_TEXTS.length - 1)] : data.consumeString(20);
            try {
                replacements.add(new BodyPatcher.Replacement(target.value().slot(), text));
            } catch (IllegalArgumentException notXmlText) {
                continue; // the patcher refuses text XML cannot carry; policy never asks for it
            }
            chosen.add(target);
            texts.add(text);
        }
        check(body, replacements, chosen, texts);
        gateRewritesArePatchable(body, call.get());
    }

    /**
     * Whatever rewrite the gate plans on an accepted body, the patcher can write it (no exception on a live
     * request), and the backup reads the patched body as the original with exactly those values changed.
     */
    static void gateRewritesArePatchable(byte[] body, MethodCall call) {
        List<Located> strings = new ArrayList<>();
        for (int i = 0; i < call.params().size(); i++) {
            collect(call.params().get(i), new ArrayList<>(List.of((Object) (long) i)), strings);
        }
        for (GateInputs in : GateScenarios.some()) {
            if (!(Gate.decide(call, in) instanceof Verdict.Rewrite rewrite)) {
                continue;
            }
            List<BodyPatcher.Replacement> replacements = new ArrayList<>();
            List<Located> chosen = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (BodyPatcher.Replacement change : rewrite.changes()) {
                replacements.add(change);
                chosen.add(strings.stream().filter(l -> l.value().slot().equals(change.slot())).findFirst()
                        .orElseThrow(() -> new AssertionError("the gate rewrites a slot that is no string of the call")));
                texts.add(change.newText());
            }
            check(body, replacements, chosen, texts);
        }
    }

    static void check(byte[] body, List<BodyPatcher.Replacement> replacements, List<Located> chosen, List<String> texts) {
        byte[] patched = join(BodyPatcher.patch(body, replacements));
        IxrParse.Message expected = IxrParse.parse(body);
        List<Object> params = new ArrayList<>(expected.params());
        for (int i = 0; i < chosen.size(); i++) {
            set(params, chosen.get(i).path(), texts.get(i));
        }
        try {
            IxrParse.Message actual = IxrParse.parse(patched);
            assertThat(actual.ok()).as("the backup parses the patched body").isTrue();
            assertThat(actual.methodName()).isEqualTo(expected.methodName());
            Parity.assertSameValues(actual.params() == null ? List.of() : actual.params(), params, "patched params (backup)");
            ReadResult again = BackupReader.read(patched);
            assertThat(again).as("carpgate reads its own patched body").isInstanceOf(ReadResult.Call.class);
            Parity.assertSameValues(Parity.php(((ReadResult.Call) again).call().params()), params, "patched params (carpgate)");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\noriginal: " + Parity.show(body) + "\npatched: " + Parity.show(patched), e);
        }
    }

    private static byte[] restoreFixture(FuzzedDataProvider data) {
        try {
            byte[] restore = Files.readAllBytes(Path.of(System.getProperty("carpgate.fixtures"),
                    "restore_config_section.request.xml"));
            if (data.consumeBoolean()) {
                // Give the VIP (the restore's second mention of its uuid) an odd spelling the gate may point
                // carp_depend_on at, e.g. a character reference to CR that no written text reads back as.
                String text = new String(restore, java.nio.charset.StandardCharsets.UTF_8);
                int vip = text.indexOf(VIP7, text.indexOf(VIP7) + 1) + VIP7.length();
                return (text.substring(0, vip) + VIP_SUFFIXES[data.consumeInt(0, VIP_SUFFIXES.length - 1)]
                        + text.substring(vip)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            if (data.consumeBoolean()) {
                // Move the body's start so slots come near the backup's 100-byte declaration window.
                String text = new String(restore, java.nio.charset.StandardCharsets.UTF_8);
                int cut = text.indexOf("<member>");
                return (text.substring(0, data.consumeInt(0, 60) == 0 ? 0 : text.indexOf("<methodCall>"))
                        + "<methodCall><methodName>opnsense.restore_config_section</methodName><params><param><value><struct>"
                        + text.substring(cut)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return restore;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void collect(XmlRpcValue value, List<Object> path, List<Located> out) {
        if (value instanceof XmlRpcValue.Str s) {
            out.add(new Located(List.copyOf(path), s));
        } else if (value instanceof XmlRpcValue.Struct s) {
            for (Map.Entry<String, XmlRpcValue> e : s.members().entrySet()) {
                path.add(e.getKey());
                collect(e.getValue(), path, out);
                path.remove(path.size() - 1);
            }
        } else if (value instanceof XmlRpcValue.Array a) {
            for (int i = 0; i < a.items().size(); i++) {
                path.add((long) i);
                collect(a.items().get(i), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    /** Sets the value at path in the reference's parse (a PHP array assignment keeps the key's position). */
    private static void set(List<Object> params, List<Object> path, String text) {
        int index = (int) (long) (Long) path.get(0);
        if (path.size() == 1) {
            params.set(index, text);
            return;
        }
        PhpArray container = (PhpArray) params.get(index);
        for (int i = 1; i < path.size() - 1; i++) {
            container = (PhpArray) container.get(path.get(i));
        }
        container.put(path.get(path.size() - 1), text);
    }

    private static byte[] join(List<ByteBuffer> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            ByteBuffer copy = b.duplicate();
            byte[] chunk = new byte[copy.remaining()];
            copy.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    @Test
    void theGatesRewritesOfTheRestoreFixtureArePatchableWhateverTheVipsSpelling() throws Exception {
        String fixture = Files.readString(Path.of(System.getProperty("carpgate.fixtures"), "restore_config_section.request.xml"));
        int vip = fixture.indexOf(VIP7, fixture.indexOf(VIP7) + 1) + VIP7.length();
        int checked = 0;
        for (String suffix : VIP_SUFFIXES) {
            byte[] body = (fixture.substring(0, vip) + suffix + fixture.substring(vip)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Optional<MethodCall> call = Parity.check(body);
            if (call.isPresent()) {
                gateRewritesArePatchable(body, call.get());
                checked++;
            }
        }
        assertThat(checked).as("spellings carpgate accepts").isGreaterThanOrEqualTo(6);
    }

    @Test
    void rewritingCarpDependOnInTheRestoreFixtureChangesOnlyThatValue() throws Exception {
        byte[] body = Files.readAllBytes(Path.of(System.getProperty("carpgate.fixtures"), "restore_config_section.request.xml"));
        MethodCall call = Parity.check(body).orElseThrow();
        List<Located> strings = new ArrayList<>();
        collect(call.params().get(0), new ArrayList<>(List.of((Object) 0L)), strings);
        List<Located> depends = strings.stream().filter(l -> l.path().get(l.path().size() - 1).equals("carp_depend_on")).toList();
        assertThat(depends).isNotEmpty();
        List<BodyPatcher.Replacement> replacements = depends.stream()
                .map(l -> new BodyPatcher.Replacement(l.value().slot(), "b4ckup-vip-uuid")).toList();
        check(body, replacements, depends, depends.stream().map(l -> "b4ckup-vip-uuid").toList());
    }
}
