package io.carpgate.config;

import java.util.List;
import java.util.Optional;

/** A YAML value as written, with the line and column it starts at, so that a message can point at it. */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
    Position at();

    /** 1-based, as editors count. */
    record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /** Keys in the order written; the tree builder refuses duplicates. */
    record Mapping(List<Entry> entries, Position at) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }
    }

    record Entry(String key, Position keyAt, YamlNode value) {}

    record Sequence(List<YamlNode> items, Position at) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** @param type what YAML makes of the text: a quoted scalar is always {@link Type#TEXT} */
    record Scalar(String text, Type type, Position at) implements YamlNode {
        enum Type { NULL, BOOLEAN, INTEGER, NUMBER, TEXT }

        boolean isNull() {
            return type == Type.NULL;
        }
    }

    /** What a value is, in the words of a message: "a list", "a mapping", "the number 8443", "nothing". */
    static String describe(YamlNode node) {
        if (node instanceof Mapping) {
            return "a mapping (key: value lines or {…})";
        }
        if (node instanceof Sequence) {
            return "a list";
        }
        Scalar scalar = (Scalar) node;
        return switch (scalar.type()) {
            case NULL -> "nothing";
            case BOOLEAN -> scalar.text();
            case INTEGER, NUMBER -> "the number " + scalar.text();
            case TEXT -> "'" + scalar.text() + "'";
        };
    }
}
