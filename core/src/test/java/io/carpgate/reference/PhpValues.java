package io.carpgate.reference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * PHP 8 values as the backup holds them after IXR has parsed a request, written from the PHP manual's rules
 * (not from carpgate's or the simulator's code). A PHP value is one of: {@code null}, {@link String},
 * {@link Long}, {@link Double}, {@link Boolean}, {@link PhpDate} (an IXR_Date object) or {@link PhpArray}
 * (structs and arrays alike: PHP has one ordered map for both).
 */
public final class PhpValues {
    private PhpValues() {}

    /** An IXR_Date object: IXR keeps the trimmed ISO text and splits it into fields. */
    public record PhpDate(String iso) {}

    /** PHP's ordered array. Keys are Long or String, normalised as PHP does ("7" becomes 7, "07" stays). */
    public static final class PhpArray {
        private final LinkedHashMap<Object, Object> entries = new LinkedHashMap<>();
        private long nextIndex;

        /** {@code $a[] = $v} */
        public void append(Object value) {
            entries.put(nextIndex, value);
            nextIndex++;
        }

        /** {@code $a[$key] = $v}; a repeated key keeps its first position and takes the new value. */
        public void put(Object key, Object value) {
            Object k = key(key);
            entries.put(k, value);
            if (k instanceof Long l && l >= nextIndex) {
                nextIndex = l + 1;
            }
        }

        /** {@code $a[$key]}, null when unset (PHP warns and yields null). */
        public Object get(Object key) {
            return entries.get(key(key));
        }

        public boolean has(Object key) {
            return entries.containsKey(key(key));
        }

        public int count() {
            return entries.size();
        }

        /** foreach ($a as $v) */
        public List<Object> values() {
            return new ArrayList<>(entries.values());
        }

        public Map<Object, Object> asMap() {
            return java.util.Collections.unmodifiableMap(entries);
        }

        public static PhpArray of(Object... keysAndValues) {
            PhpArray a = new PhpArray();
            for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
                a.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return a;
        }

        @Override
        public boolean equals(Object o) {
            // Same keys in the same order with identical (===) values.
            if (!(o instanceof PhpArray other) || other.entries.size() != entries.size()) {
                return false;
            }
            var a = entries.entrySet().iterator();
            var b = other.entries.entrySet().iterator();
            while (a.hasNext()) {
                var x = a.next();
                var y = b.next();
                if (!x.getKey().equals(y.getKey()) || !identical(x.getValue(), y.getValue())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return entries.keySet().hashCode();
        }

        @Override
        public String toString() {
            return "array" + entries;
        }
    }

    private static final Pattern CANONICAL_INT = Pattern.compile("0|-?[1-9][0-9]*");

    /** PHP array key casting: null becomes "", booleans and canonical decimal strings become integers. */
    static Object key(Object key) {
        if (key == null) {
            return "";
        }
        if (key instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (key instanceof Long) {
            return key;
        }
        if (key instanceof Double d) {
            return (long) d.doubleValue();
        }
        if (key instanceof String s && CANONICAL_INT.matcher(s).matches()) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return s;
            }
        }
        return key;
    }

    /** {@code ===} */
    public static boolean identical(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x.doubleValue() == y.doubleValue() || (x.isNaN() && y.isNaN());
        }
        return Objects.equals(a, b);
    }

    /** PHP's trim() with its default characters " \t\n\r\0\x0B". */
    public static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && " \t\n\r\0\u000B".indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && " \t\n\r\0\u000B".indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }

    /** {@code empty($v)} */
    public static boolean empty(Object v) {
        if (v == null) {
            return true;
        }
        if (v instanceof String s) {
            return s.isEmpty() || s.equals("0");
        }
        if (v instanceof Boolean b) {
            return !b;
        }
        if (v instanceof Long l) {
            return l == 0;
        }
        if (v instanceof Double d) {
            return d == 0.0;
        }
        if (v instanceof PhpArray a) {
            return a.count() == 0;
        }
        return false; // objects are never empty
    }

    // PHP 8 numeric strings: optional leading and trailing whitespace around an integer or float literal.
    private static final String PHP_WS = "[ \\t\\n\\r\\u000B\\f]*";
    private static final String NUM = "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
    private static final Pattern NUMERIC = Pattern.compile(PHP_WS + "(" + NUM + ")" + PHP_WS);
    private static final Pattern LEADING = Pattern.compile(PHP_WS + "(" + NUM + ")");

    static boolean isNumeric(String s) {
        return NUMERIC.matcher(s).matches();
    }

    private static double numericValue(String s) {
        var m = NUMERIC.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not numeric");
        }
        return Double.parseDouble(m.group(1));
    }

    /** {@code (int)$s}: the leading number; a float part or overflow goes through double, saturated. */
    static long toInt(String s) {
        var m = LEADING.matcher(s);
        if (!m.lookingAt()) {
            return 0;
        }
        String n = m.group(1);
        if (n.matches("[+-]?[0-9]+")) {
            try {
                return Long.parseLong(n.startsWith("+") ? n.substring(1) : n);
            } catch (NumberFormatException overflow) {
                // as a double below
            }
        }
        double d = Double.parseDouble(n);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return 0;
        }
        return (long) d;
    }

    /** {@code (float)$s} */
    static double toDouble(String s) {
        var m = LEADING.matcher(s);
        return m.lookingAt() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    /** {@code (bool)$s} */
    static boolean toBool(String s) {
        return !(s.isEmpty() || s.equals("0"));
    }

    /** base64_decode($s) in PHP's non-strict mode: bytes outside the alphabet are skipped, '=' ends nothing. */
    public static String base64Decode(String s) {
        StringBuilder clean = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128 || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        if (clean.length() % 4 == 1) {
            clean.setLength(clean.length() - 1); // six lone bits make no byte
        }
        while (clean.length() % 4 != 0) {
            clean.append('=');
        }
        // The backup's bytes become a PHP string; as Java text they are read as UTF-8 (lossy for binary).
        return new String(Base64.getDecoder().decode(clean.toString()), StandardCharsets.UTF_8);
    }

    /** PHP 8 {@code $a == $b} for the values an XML-RPC request can produce. */
    public static boolean looseEquals(Object a, Object b) {
        if (a instanceof Boolean || b instanceof Boolean) {
            return boolOf(a) == boolOf(b); // a boolean side makes PHP compare both as booleans
        }
        if (a == null && b == null) {
            return true;
        }
        if (a == null || b == null) {
            Object other = a == null ? b : a;
            if (other instanceof String s) {
                return s.isEmpty();
            }
            return !boolOf(other); // null against a non-string compares as booleans
        }
        if (a instanceof String x && b instanceof String y) {
            if (isNumeric(x) && isNumeric(y)) {
                return numericValue(x) == numericValue(y);
            }
            return x.equals(y);
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Long x && b instanceof Long y) {
                return x.longValue() == y.longValue();
            }
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (isNumber(a) && b instanceof String s) {
            return numberEqualsString((Number) a, s);
        }
        if (isNumber(b) && a instanceof String s) {
            return numberEqualsString((Number) b, s);
        }
        if (a instanceof PhpArray x && b instanceof PhpArray y) {
            if (x.count() != y.count()) {
                return false;
            }
            for (Map.Entry<Object, Object> e : x.asMap().entrySet()) {
                if (!y.asMap().containsKey(e.getKey()) || !looseEquals(e.getValue(), y.asMap().get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof PhpDate && b instanceof PhpDate) {
            return a.equals(b);
        }
        return false; // an array or an object (without __toString) against a scalar
    }

    private static boolean boolOf(Object v) {
        return !empty(v);
    }

    private static boolean numberEqualsString(Number n, String s) {
        if (isNumeric(s)) {
            return n.doubleValue() == numericValue(s);
        }
        // PHP 8: a non-numeric string is compared with the number cast to string.
        String text = n instanceof Long l ? Long.toString(l) : phpFloatString((Double) n);
        return text.equals(s);
    }

    private static String phpFloatString(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static boolean isNumber(Object o) {
        return o instanceof Long || o instanceof Double;
    }
}
