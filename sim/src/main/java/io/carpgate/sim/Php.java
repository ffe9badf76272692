package io.carpgate.sim;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few PHP 8 value semantics the backup's code relies on: truthiness, {@code empty()}, the
 * {@code (int)}/{@code (double)} casts of strings and loose {@code ==}. PHP {@code null} is Java null here,
 * inside this package only.
 */
final class Php {
    private static final String WS = "[ \\t\\n\\r\\x0B\\f]*";
    private static final String NUMBER = "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?";
    private static final Pattern NUMERIC = Pattern.compile(WS + NUMBER + WS);
    private static final Pattern LEADING_NUMERIC = Pattern.compile(WS + "(" + NUMBER + ")");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Php() {}

    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0.0;
        }
        if (v instanceof String s) {
            return !s.isEmpty() && !s.equals("0");
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true; // objects (IxrDate) are always true
    }

    static boolean empty(Object v) {
        return !truthy(v);
    }

    /** PHP's trim() default character set. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isTrimmed(s.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isTrimmed(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == 0x0B;
    }

    /** {@code (int)$string}: the leading number, 0 when none; out-of-range values saturate (64-bit PHP). */
    static long toInt(String s) {
        Matcher m = LEADING_NUMERIC.matcher(s);
        if (!m.lookingAt()) {
            return 0;
        }
        String num = m.group(1);
        BigInteger value = num.matches("[+-]?\\d+")
                ? new BigInteger(num)
                : new BigDecimal(num.endsWith(".") ? num + "0" : num).toBigInteger();
        return value.max(LONG_MIN).min(LONG_MAX).longValue();
    }

    /** {@code (double)$string}: the leading number, 0.0 when none. */
    static double toDouble(String s) {
        Matcher m = LEADING_NUMERIC.matcher(s);
        return m.lookingAt() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    static Optional<Double> numeric(String s) {
        return NUMERIC.matcher(s).matches() ? Optional.of(Double.parseDouble(s.strip())) : Optional.empty();
    }

    /** How PHP prints a number when it becomes a string. */
    static String numberToString(Object n) {
        if (n instanceof Long l) {
            return Long.toString(l);
        }
        double d = (Double) n;
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d).replace("E", "E+").replace("E+-", "E-");
    }

    /** PHP 8 loose {@code ==} for the value kinds an XML-RPC message can carry. */
    static boolean looseEquals(Object a, Object b) {
        if (a == null && b instanceof String s) {
            return s.isEmpty();
        }
        if (b == null && a instanceof String s) {
            return s.isEmpty();
        }
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
            return truthy(a) == truthy(b);
        }
        if (a instanceof String sa && b instanceof String sb) {
            Optional<Double> na = numeric(sa);
            Optional<Double> nb = numeric(sb);
            if (na.isPresent() && nb.isPresent()) {
                return na.get().doubleValue() == nb.get().doubleValue();
            }
            return sa.equals(sb);
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Long la && b instanceof Long lb) {
                return la.longValue() == lb.longValue();
            }
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (isNumber(a) && b instanceof String s) {
            return numberEqualsString((Number) a, s);
        }
        if (isNumber(b) && a instanceof String s) {
            return numberEqualsString((Number) b, s);
        }
        if (isArray(a) && isArray(b)) {
            Map<String, Object> ma = asPhpArray(a);
            Map<String, Object> mb = asPhpArray(b);
            return ma.size() == mb.size() && ma.entrySet().stream()
                    .allMatch(e -> mb.containsKey(e.getKey()) && looseEquals(e.getValue(), mb.get(e.getKey())));
        }
        if (a instanceof IxrDate && b instanceof IxrDate) {
            return a.equals(b);
        }
        return false; // array or object against a scalar
    }

    private static boolean numberEqualsString(Number n, String s) {
        Optional<Double> ns = numeric(s);
        if (ns.isPresent()) {
            return n.doubleValue() == ns.get();
        }
        return numberToString(n).equals(s);
    }

    private static boolean isNumber(Object o) {
        return o instanceof Long || o instanceof Double;
    }

    private static boolean isArray(Object o) {
        return o instanceof Map || o instanceof List;
    }

    private static Map<String, Object> asPhpArray(Object o) {
        java.util.LinkedHashMap<String, Object> out = new java.util.LinkedHashMap<>();
        if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                out.put(Integer.toString(i), l.get(i));
            }
        } else {
            ((Map<?, ?>) o).forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    /** {@code (string)$value} for scalars, used when a non-string arrives where the backup expects text. */
    static String toStringValue(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "";
        }
        if (isNumber(v)) {
            return numberToString(v);
        }
        if (v instanceof IxrDate d) {
            return d.iso();
        }
        return "Array";
    }

    /** htmlspecialchars() with PHP 8.1 defaults (ENT_QUOTES): {@code ' -> &#039;}. */
    static String htmlspecialchars(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#039;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
