package io.carpgate.carp;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every string reachable from an object through its fields (carpgate's own classes, records, collections,
 * maps, optionals, arrays), for tests that check a secret is kept nowhere. Bounded: each object once, depth 32.
 */
final class Retained {
    private Retained() {}

    static List<String> strings(Object root) {
        List<String> out = new ArrayList<>();
        walk(root, out, new IdentityHashMap<>(), 0);
        return out;
    }

    private static void walk(Object value, List<String> out, IdentityHashMap<Object, Boolean> seen, int depth) {
        if (value == null || depth > 32 || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof CharSequence text) {
            out.add(text.toString());
        } else if (value instanceof byte[] bytes) {
            out.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } else if (value instanceof char[] chars) {
            out.add(new String(chars));
        } else if (value instanceof Object[] array) {
            for (Object item : array) {
                walk(item, out, seen, depth + 1);
            }
        } else if (value instanceof Collection<?> items) {
            items.forEach(item -> walk(item, out, seen, depth + 1));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                walk(k, out, seen, depth + 1);
                walk(v, out, seen, depth + 1);
            });
        } else if (value instanceof Optional<?> optional) {
            optional.ifPresent(v -> walk(v, out, seen, depth + 1));
        } else if (value.getClass().getName().startsWith("io.carpgate.")) {
            for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        walk(field.get(value), out, seen, depth + 1);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        throw new AssertionError("cannot read " + field, e);
                    }
                }
            }
        } else {
            out.add(String.valueOf(value)); // numbers, instants, enums: their text is all they hold
        }
    }
}
