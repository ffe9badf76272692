package io.carpgate.xmlrpc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A value exactly as the backup's IXR parser ends up with it (PROTOCOL.md): untyped empty values are
 * already dropped, member names trimmed, the last duplicate member has won (in the first one's position,
 * as a PHP array assignment does).
 */
public sealed interface XmlRpcValue {

    /** A string; {@code slot} says where its text sits in the request body, so it can be replaced in place. */
    record Str(String text, TextSlot slot) implements XmlRpcValue {}

    record Int(long value) implements XmlRpcValue {}

    record Bool(boolean value) implements XmlRpcValue {}

    record Dbl(double value) implements XmlRpcValue {}

    /** Base64 text as sent; carpgate never needs the decoded bytes. */
    record Base64(String encoded) implements XmlRpcValue {}

    record DateTime(String text) implements XmlRpcValue {}

    record Struct(Map<String, XmlRpcValue> members) implements XmlRpcValue {
        public Struct {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public Optional<XmlRpcValue> get(String name) {
            return Optional.ofNullable(members.get(name));
        }

        public Optional<Struct> struct(String name) {
            return get(name).filter(Struct.class::isInstance).map(Struct.class::cast);
        }

        public Optional<Str> str(String name) {
            return get(name).filter(Str.class::isInstance).map(Str.class::cast);
        }
    }

    record Array(List<XmlRpcValue> items) implements XmlRpcValue {
        public Array {
            items = List.copyOf(items);
        }
    }

    /**
     * A value the reader checked but did not keep (see {@link KeptValues}): no decision reads it. It holds
     * the member's place, so presence and order stay as the backup sees them.
     */
    record Unread() implements XmlRpcValue {
        static final Unread VALUE = new Unread();
    }

    /** PROTOCOL.md: a repeated config element is an array, a single one a plain value; both read as a list. */
    static List<XmlRpcValue> oneOrMany(XmlRpcValue value) {
        return value instanceof Array array ? array.items() : List.of(value);
    }
}
