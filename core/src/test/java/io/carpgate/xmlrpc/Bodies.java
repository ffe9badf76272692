package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared test helpers: fixtures, reading, slot slicing and walking value trees. */
final class Bodies {
    private Bodies() {}

    static Path fixtures() {
        String dir = System.getProperty("carpgate.fixtures");
        assertThat(dir).as("surefire sets carpgate.fixtures").isNotNull();
        return Path.of(dir);
    }

    static byte[] fixture(String name) {
        try {
            return Files.readAllBytes(fixtures().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static MethodCall call(byte[] body) {
        ReadResult result = BackupReader.read(body);
        assertThat(result).isInstanceOf(ReadResult.Call.class);
        return ((ReadResult.Call) result).call();
    }

    static MethodCall call(String body) {
        return call(utf8(body));
    }

    static ReadResult.Unreadable rejected(byte[] body) {
        ReadResult result = BackupReader.read(body);
        assertThat(result).isInstanceOf(ReadResult.Unreadable.class);
        ReadResult.Unreadable unreadable = (ReadResult.Unreadable) result;
        // Reasons never carry body content; test bodies mark their content with SECRET.
        assertThat(unreadable.reason()).doesNotContain("SECRET").isNotBlank();
        return unreadable;
    }

    static ReadResult.Unreadable rejected(String body) {
        return rejected(utf8(body));
    }

    /** A methodCall "m" with one param holding {@code valueXml} (which must be a whole value element). */
    static String oneParam(String valueXml) {
        return "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n<param>"
                + valueXml + "</param>\n</params></methodCall>";
    }

    static XmlRpcValue onlyParam(String valueXml) {
        MethodCall call = call(oneParam(valueXml));
        assertThat(call.params()).hasSize(1);
        return call.params().get(0);
    }

    /** The raw bytes of the body at the slot, as a string. */
    static String slice(byte[] body, TextSlot slot) {
        return new String(Arrays.copyOfRange(body, (int) slot.start(), (int) slot.end()), StandardCharsets.UTF_8);
    }

    /** Every Str in the tree, in document order (trees are finite; recursion depth is the nesting). */
    static List<XmlRpcValue.Str> strings(List<XmlRpcValue> values) {
        List<XmlRpcValue.Str> out = new ArrayList<>();
        for (XmlRpcValue value : values) {
            collect(value, out);
        }
        return out;
    }

    private static void collect(XmlRpcValue value, List<XmlRpcValue.Str> out) {
        if (value instanceof XmlRpcValue.Str s) {
            out.add(s);
        } else if (value instanceof XmlRpcValue.Struct st) {
            for (XmlRpcValue member : st.members().values()) {
                collect(member, out);
            }
        } else if (value instanceof XmlRpcValue.Array a) {
            for (XmlRpcValue item : a.items()) {
                collect(item, out);
            }
        }
    }

    /** The tree with every slot blanked, to compare values read from differently laid out bodies. */
    static XmlRpcValue withoutSlots(XmlRpcValue value) {
        if (value instanceof XmlRpcValue.Str s) {
            return new XmlRpcValue.Str(s.text(), new TextSlot(0, 0, "", ""));
        }
        if (value instanceof XmlRpcValue.Struct st) {
            Map<String, XmlRpcValue> members = new LinkedHashMap<>();
            st.members().forEach((k, v) -> members.put(k, withoutSlots(v)));
            return new XmlRpcValue.Struct(members);
        }
        if (value instanceof XmlRpcValue.Array a) {
            return new XmlRpcValue.Array(a.items().stream().map(Bodies::withoutSlots).toList());
        }
        return value;
    }

    static XmlRpcValue.Struct struct(XmlRpcValue value) {
        assertThat(value).isInstanceOf(XmlRpcValue.Struct.class);
        return (XmlRpcValue.Struct) value;
    }

    /** Follows struct member names; fails the test when a step is missing or not a struct. */
    static XmlRpcValue path(XmlRpcValue root, String... names) {
        XmlRpcValue current = root;
        for (String name : names) {
            current = struct(current).get(name).orElseThrow(() -> new AssertionError("no member " + name));
        }
        return current;
    }

    static XmlRpcValue.Str str(XmlRpcValue value) {
        assertThat(value).isInstanceOf(XmlRpcValue.Str.class);
        return (XmlRpcValue.Str) value;
    }
}
