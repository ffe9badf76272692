package io.carpgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Gate;
import io.carpgate.policy.GateInputs;
import io.carpgate.policy.GateScenarios;
import io.carpgate.reference.IxrParse;
import io.carpgate.reference.PhpValues;
import io.carpgate.reference.PhpValues.PhpArray;
import io.carpgate.reference.PhpValues.PhpDate;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The property the fuzz tests check: for any body, either carpgate's reader refuses it, or the reference
 * backup parses it to a methodCall with the same method name and the same parameters, value for value (so
 * the same service and id for any service call). Values are compared as PHP values.
 */
final class Parity {
    private Parity() {}

    /** Returns carpgate's call when it accepted the body (after checking the reference agrees). */
    static Optional<MethodCall> check(byte[] body) {
        try {
            return checkQuietly(body);
        } catch (AssertionError e) {
            // The bodies are synthetic fuzzer inputs, never a real master's: showing one makes a finding readable.
            throw new AssertionError(e.getMessage() + "\nbody: " + show(body), e);
        }
    }

    /** The body as Java-escaped text, control characters visible. */
    static String show(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (char c : new String(body, java.nio.charset.StandardCharsets.UTF_8).toCharArray()) {
            if (c < 0x20 && c != '\n' || c == 0x7F || c == 0xFEFF) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Optional<MethodCall> checkQuietly(byte[] body) {
        ReadResult result = BackupReader.read(body);
        // The proxy reads keeping only what the gate looks at: it must accept and refuse exactly the same
        // bodies, and decide the same on them.
        ReadResult forGate = BackupReader.read(body, Gate.READS);
        assertThat(forGate.getClass()).as("reading for the gate accepts or refuses like the full reading")
                .isEqualTo(result.getClass());
        if (!(result instanceof ReadResult.Call accepted)) {
            return Optional.empty();
        }
        MethodCall call = accepted.call();
        for (GateInputs in : GateScenarios.some()) {
            assertThat(Gate.decide(((ReadResult.Call) forGate).call(), in))
                    .as("verdict on the gate's reading").isEqualTo(Gate.decide(call, in));
        }
        IxrParse.Message backup = IxrParse.parse(body);
        assertThat(backup.ok()).as("carpgate read a call the backup cannot parse").isTrue();
        assertThat(backup.messageType()).as("the backup's message type").isEqualTo("methodCall");
        assertThat(call.methodName()).as("method name").isEqualTo(backup.methodName());
        assertSameValues(php(call.params()), backup.params() == null ? List.of() : backup.params(), "params");
        return Optional.of(call);
    }

    static void assertSameValues(List<Object> carpgate, List<Object> backup, String what) {
        assertThat(carpgate).as(what + ": count").hasSameSizeAs(backup);
        for (int i = 0; i < carpgate.size(); i++) {
            if (!PhpValues.identical(carpgate.get(i), backup.get(i))) {
                throw new AssertionError(what + " " + i + " differs: carpgate " + carpgate.get(i) + ", backup " + backup.get(i));
            }
        }
    }

    static List<Object> php(List<XmlRpcValue> values) {
        List<Object> out = new ArrayList<>();
        for (XmlRpcValue v : values) {
            out.add(php(v));
        }
        return out;
    }

    /** carpgate's value as the PHP value it stands for. */
    static Object php(XmlRpcValue value) {
        if (value instanceof XmlRpcValue.Str s) {
            return s.text();
        }
        if (value instanceof XmlRpcValue.Int i) {
            return i.value();
        }
        if (value instanceof XmlRpcValue.Bool b) {
            return b.value();
        }
        if (value instanceof XmlRpcValue.Dbl d) {
            return d.value();
        }
        if (value instanceof XmlRpcValue.Base64 b) {
            return PhpValues.base64Decode(b.encoded());
        }
        if (value instanceof XmlRpcValue.DateTime d) {
            return new PhpDate(d.text());
        }
        PhpArray out = new PhpArray();
        if (value instanceof XmlRpcValue.Struct s) {
            for (Map.Entry<String, XmlRpcValue> e : s.members().entrySet()) {
                out.put(e.getKey(), php(e.getValue()));
            }
        } else {
            for (XmlRpcValue item : ((XmlRpcValue.Array) value).items()) {
                out.append(php(item));
            }
        }
        return out;
    }
}
