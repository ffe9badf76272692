package io.carpgate.config;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * A YAML file as a {@link YamlNode} tree, every node with its line and column. SnakeYAML composes the tree
 * (the parser Jackson's YAML support uses too); its syntax errors come out in plain words ({@link YamlSyntax}).
 */
final class YamlTree {
    private YamlTree() {}

    /**
     * @param what  what the file is, for messages ("configuration")
     * @param needs what a file of only comments lacks, for the message
     */
    static YamlNode parse(Path file, byte[] bytes, String what, String needs) throws ConfigException {
        String text = utf8(file, bytes);
        Node root;
        try {
            root = new org.yaml.snakeyaml.Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw YamlSyntax.error(file, text, e);
        } catch (ReaderException e) {
            YamlNode.Position at = position(text, e.getPosition());
            throw new ConfigException(file + ":" + at + ": the character U+" + String.format("%04X", e.getCodePoint())
                    + " is not allowed in YAML; remove it (an editor may show nothing there)");
        } catch (YAMLException e) {
            // Limits such as too many aliases; SnakeYAML's sentence, never a Java type.
            throw new ConfigException(file + ": " + firstLine(e.getMessage()));
        }
        if (root == null) {
            throw new ConfigException(file + ": the " + what + " has only comments; it needs " + needs);
        }
        return convert(file, root);
    }

    private static YamlNode convert(Path file, Node node) throws ConfigException {
        YamlNode.Position at = position(node.getStartMark());
        if (node instanceof MappingNode mapping) {
            List<YamlNode.Entry> entries = new ArrayList<>();
            Map<String, YamlNode.Position> seen = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                YamlNode.Position keyAt = position(tuple.getKeyNode().getStartMark());
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw new ConfigException(file + ":" + keyAt + ": a key must be a name, not "
                            + YamlNode.describe(convert(file, tuple.getKeyNode())));
                }
                if (Tag.MERGE.equals(key.getTag())) {
                    throw new ConfigException(file + ":" + keyAt + ": '<<' (merging in another mapping) is not "
                            + "supported here; write the keys out");
                }
                YamlNode.Position first = seen.putIfAbsent(key.getValue(), keyAt);
                if (first != null) {
                    throw new ConfigException(file + ":" + keyAt + ": duplicate key '" + key.getValue()
                            + "' (first at line " + first.line() + ")");
                }
                entries.add(new YamlNode.Entry(key.getValue(), keyAt, convert(file, tuple.getValueNode())));
            }
            return new YamlNode.Mapping(entries, at);
        }
        if (node instanceof SequenceNode sequence) {
            List<YamlNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(convert(file, item));
            }
            return new YamlNode.Sequence(items, at);
        }
        ScalarNode scalar = (ScalarNode) node;
        return new YamlNode.Scalar(scalar.getValue(), type(scalar.getTag()), at);
    }

    private static YamlNode.Scalar.Type type(Tag tag) {
        if (Tag.NULL.equals(tag)) {
            return YamlNode.Scalar.Type.NULL;
        }
        if (Tag.BOOL.equals(tag)) {
            return YamlNode.Scalar.Type.BOOLEAN;
        }
        if (Tag.INT.equals(tag)) {
            return YamlNode.Scalar.Type.INTEGER;
        }
        return Tag.FLOAT.equals(tag) ? YamlNode.Scalar.Type.NUMBER : YamlNode.Scalar.Type.TEXT;
    }

    static YamlNode.Position position(Mark mark) {
        return new YamlNode.Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** The line and column of a code point index in the text. */
    private static YamlNode.Position position(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int index = 0;
        for (int i = 0; i < text.length() && index < codePointIndex; i += Character.charCount(text.codePointAt(i)), index++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new YamlNode.Position(line, column);
    }

    /** The bytes as UTF-8 (a byte order mark is dropped); anything else is named at its line and column. */
    private static String utf8(Path file, byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(file + ":" + line + ":" + (offset - lineStart + 1) + ": byte 0x"
                    + String.format("%02X", bytes[offset]) + " is not UTF-8 text; save the file as UTF-8");
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
