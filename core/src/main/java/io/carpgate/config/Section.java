package io.carpgate.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One mapping of {@code carpgate.yml}, read key by key. Every problem is a {@link ConfigException} placed at what is
 * wrong: an unknown key at the key (checked first, so a typo is never reported as the missing key it causes), a
 * wrong or out-of-range value at the value, a missing key at the key that opens this mapping.
 */
final class Section {
    private final Path file;
    private final String name;
    private final YamlNode.Mapping mapping;
    private final Optional<YamlNode.Position> opened;

    private Section(Path file, String name, YamlNode.Mapping mapping, Optional<YamlNode.Position> opened) {
        this.file = file;
        this.name = name;
        this.mapping = mapping;
        this.opened = opened;
    }

    /** The whole file; its keys must be among {@code known}. */
    static Section top(Path file, YamlNode root, List<String> known) throws ConfigException {
        if (!(root instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(file + ":" + root.at() + ": the configuration must be a mapping of keys "
                    + "(listen:, tls:, backup:, …), not " + YamlNode.describe(root));
        }
        return checked(new Section(file, "", mapping, Optional.empty()), known);
    }

    /** A mapping inside this one, or inside a list (then {@code name} is the caller's, e.g. {@code pairs[site-a]}). */
    static Section of(Path file, String name, YamlNode node, YamlNode.Position opened, List<String> known)
            throws ConfigException {
        if (!(node instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(file + ":" + node.at() + ": " + name + " must be a mapping ("
                    + String.join(", ", known) + "), not " + YamlNode.describe(node));
        }
        return checked(new Section(file, name, mapping, Optional.of(opened)), known);
    }

    private static Section checked(Section section, List<String> known) throws ConfigException {
        for (YamlNode.Entry entry : section.mapping.entries()) {
            if (known.contains(entry.key())) {
                continue;
            }
            String where = section.name.isEmpty() ? "" : " in " + section.name;
            String typo = DidYouMean.hint(entry.key(), known);
            String elsewhere = ConfigKeys.elsewhere(entry.key(), known);
            String problem = "unknown key '" + entry.key() + "'" + where;
            if (!typo.isEmpty()) {
                problem += typo;
            } else if (!elsewhere.isEmpty()) {
                problem += ": it belongs in " + elsewhere + "; check its indentation";
            } else {
                problem += " (known " + (section.name.isEmpty() ? "at " + ConfigKeys.TOP_NAME : "here") + ": "
                        + String.join(", ", known.stream().sorted().toList()) + ")";
            }
            throw section.error(entry.keyAt(), problem);
        }
        return section;
    }

    /** {@code key} under this mapping's name, as messages write it: {@code listen.port}, {@code 'path' of the 2nd entry of pairs}. */
    String name(String key) {
        if (name.startsWith("the ")) {
            return "'" + key + "' of " + name;
        }
        return name.isEmpty() ? key : name + "." + key;
    }

    /** How messages name this mapping: {@code listen}, {@code pairs[site-a].backup}. */
    String label() {
        return name.isEmpty() ? ConfigKeys.TOP_NAME : name;
    }

    /** A problem with this mapping as a whole, placed at the key that opens it. */
    ConfigException here(String problem) {
        return opened.map(at -> error(at, problem)).orElseGet(() -> new ConfigException(file + ": " + problem));
    }

    /** Present with a value ({@code key:} alone, {@code ~} and {@code null} count as absent). */
    boolean has(String key) {
        return value(key).isPresent();
    }

    Optional<YamlNode> value(String key) {
        return mapping.entry(key).map(YamlNode.Entry::value)
                .filter(v -> !(v instanceof YamlNode.Scalar s && s.isNull()));
    }

    /** Written, with or without a value. */
    boolean written(String key) {
        return mapping.entry(key).isPresent();
    }

    YamlNode.Position keyAt(String key) {
        return mapping.entry(key).map(YamlNode.Entry::keyAt).orElse(mapping.at());
    }

    /** Where the value of {@code key} is, or its key when it has none. */
    YamlNode.Position valueAt(String key) {
        return value(key).map(YamlNode::at).orElseGet(() -> keyAt(key));
    }

    YamlNode required(String key, String what) throws ConfigException {
        Optional<YamlNode> value = value(key);
        if (value.isPresent()) {
            return value.get();
        }
        if (written(key)) {
            throw error(keyAt(key), name(key) + " has no value; it needs " + what);
        }
        throw missing(key, what);
    }

    ConfigException missing(String key, String what) {
        return here("missing required key '" + key + "'" + (name.isEmpty() ? "" : " in " + name) + " (" + what + ")");
    }

    Optional<Section> section(String key, List<String> known) throws ConfigException {
        Optional<YamlNode> value = value(key);
        return value.isEmpty() ? Optional.empty() : Optional.of(of(file, name(key), value.get(), keyAt(key), known));
    }

    Section requiredSection(String key, List<String> known, String what) throws ConfigException {
        return of(file, name(key), required(key, what), keyAt(key), known);
    }

    /** A text value (a number or true/false is taken as written). */
    Optional<String> text(String key) throws ConfigException {
        Optional<YamlNode> value = value(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(scalarText(value.get(), name(key)));
    }

    String requiredText(String key, String what) throws ConfigException {
        String text = scalarText(required(key, what), name(key));
        if (text.isBlank()) {
            throw error(valueAt(key), name(key) + " is empty; it needs " + what);
        }
        return text;
    }

    private String scalarText(YamlNode node, String what) throws ConfigException {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            throw error(node.at(), what + " must be a single value, not " + YamlNode.describe(node));
        }
        return scalar.text();
    }

    /** A whole number in {@code min..max}; {@code range} says so in words when it is not. */
    Optional<Integer> integer(String key, int min, int max, String range) throws ConfigException {
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String digits = text.get().trim();
        if (!digits.matches("\\+?[0-9]{1,9}")) {
            throw error(valueAt(key), name(key) + " must be a whole number, " + range + ", not "
                    + YamlNode.describe(value(key).orElseThrow()));
        }
        int number = Integer.parseInt(digits.startsWith("+") ? digits.substring(1) : digits);
        if (number < min || number > max) {
            throw error(valueAt(key), name(key) + " must be " + range + ", not " + number);
        }
        return Optional.of(number);
    }

    /** true or false (YAML's yes/no/on/off too, as Jackson read them before). */
    Optional<Boolean> bool(String key) throws ConfigException {
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String word = text.get().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (word) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> throw error(valueAt(key), name(key) + " must be true or false, not "
                    + YamlNode.describe(value(key).orElseThrow()));
        };
    }

    /** One of {@code words}; anything else is refused with the closest word as a suggestion. */
    Optional<String> oneOf(String key, List<String> words) throws ConfigException {
        Optional<String> text = text(key);
        if (text.isPresent() && !words.contains(text.get())) {
            throw error(valueAt(key), name(key) + " must be " + String.join(" or ", words) + ", not '" + text.get()
                    + "'" + DidYouMean.hint(text.get(), words));
        }
        return text;
    }

    /** A text value turned into {@code T}; the parser's {@link IllegalArgumentException} is placed at the value. */
    <T> Optional<T> parsed(String key, Function<String, T> parser) throws ConfigException {
        Optional<String> text = text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(valueAt(key), text.get(), parser));
    }

    <T> T parse(YamlNode.Position at, String text, Function<String, T> parser) throws ConfigException {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
        }
    }

    /**
     * A list of single values. An empty list, or the key with no value, is refused with {@code whenEmpty}: where a
     * list is optional, writing it empty is a mistake rather than a wish for the default.
     */
    Optional<List<YamlNode.Scalar>> list(String key, String whenEmpty) throws ConfigException {
        Optional<YamlNode.Sequence> sequence = nonEmptySequence(key, whenEmpty, "[a, b] or '- a' lines");
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        List<YamlNode.Scalar> items = new ArrayList<>();
        for (YamlNode item : sequence.get().items()) {
            if (!(item instanceof YamlNode.Scalar scalar) || scalar.isNull()) {
                throw error(item.at(), "each entry of " + name(key) + " must be a single value, not "
                        + YamlNode.describe(item));
            }
            items.add(scalar);
        }
        return Optional.of(items);
    }

    /** The list under {@code key} as its nodes (entries of {@code pairs}). */
    Optional<YamlNode.Sequence> sequence(String key, String whenEmpty) throws ConfigException {
        return nonEmptySequence(key, whenEmpty, "'- name: …' entries");
    }

    /** The list under {@code key}, absent when the key is; empty or not a list is an error at its place. */
    private Optional<YamlNode.Sequence> nonEmptySequence(String key, String whenEmpty, String example)
            throws ConfigException {
        if (!written(key)) {
            return Optional.empty();
        }
        Optional<YamlNode> value = value(key);
        if (value.isEmpty() || value.get() instanceof YamlNode.Sequence s && s.items().isEmpty()) {
            throw error(valueAt(key), name(key) + " is empty: " + whenEmpty);
        }
        if (!(value.get() instanceof YamlNode.Sequence sequence)) {
            throw error(valueAt(key), name(key) + " must be a list (" + example + "), not "
                    + YamlNode.describe(value.get()));
        }
        return Optional.of(sequence);
    }

    ConfigException error(YamlNode.Position at, String problem) {
        return new ConfigException(file + ":" + at + ": " + problem);
    }

    Path file() {
        return file;
    }
}
