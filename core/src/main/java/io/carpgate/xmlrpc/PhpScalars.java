package io.carpgate.xmlrpc;

/** The few PHP conversions IXR applies to value texts, reproduced so carpgate sees the backup's values. */
final class PhpScalars {
    private PhpScalars() {}

    /** PHP trim()'s default set: " \t\n\r\0\x0B". */
    static boolean isTrimSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 || c == 0x0B;
    }

    static String trim(CharSequence s) {
        int from = 0;
        int to = s.length();
        while (from < to && isTrimSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isTrimSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.subSequence(from, to).toString();
    }

    static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isTrimSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** PHP {@code (boolean)$s}: only "" and "0" are false. */
    static boolean toBool(String s) {
        return !(s.isEmpty() || s.equals("0"));
    }

    /**
     * PHP 7/8 {@code (int)$s}: the leading numeric part counts (is_numeric_string with errors allowed).
     * A plain integer that fits is exact; anything with a fraction or exponent, or an integer that
     * overflows, goes through double and is capped (zend_dval_to_lval_cap), infinities giving 0.
     */
    static long toInt(String s) {
        NumericPrefix p = NumericPrefix.of(s);
        if (p.text().isEmpty()) {
            return 0;
        }
        if (p.integral()) {
            try {
                return Long.parseLong(p.text());
            } catch (NumberFormatException overflow) {
                // Falls through to the double path, as PHP does for integer strings out of range.
            }
        }
        double d = Double.parseDouble(p.text());
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            return 0;
        }
        return (long) d; // Java's cast saturates like zend_dval_to_lval_cap.
    }

    /** PHP {@code (double)$s}: zend_strtod of the leading numeric part, 0 when there is none. */
    static double toDouble(String s) {
        NumericPrefix p = NumericPrefix.of(s);
        return p.text().isEmpty() ? 0.0 : Double.parseDouble(p.text());
    }

    /** The longest prefix of the form ws* [+-]? (digits [. digits*]? | . digits) ([eE] [+-]? digits)? */
    private record NumericPrefix(String text, boolean integral) {
        static NumericPrefix of(String s) {
            int n = s.length();
            int i = 0;
            while (i < n && " \t\n\r\u000B\f".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            int start = i;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int intDigits = countDigits(s, i);
            i += intDigits;
            int fracDigits = 0;
            boolean dot = false;
            if (i < n && s.charAt(i) == '.') {
                fracDigits = countDigits(s, i + 1);
                if (intDigits > 0 || fracDigits > 0) {
                    dot = true;
                    i += 1 + fracDigits;
                }
            }
            if (intDigits == 0 && fracDigits == 0) {
                return new NumericPrefix("", true);
            }
            boolean exponent = false;
            if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int j = i + 1;
                if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                    j++;
                }
                int expDigits = countDigits(s, j);
                if (expDigits > 0) {
                    exponent = true;
                    i = j + expDigits;
                }
            }
            String text = s.substring(start, i);
            return new NumericPrefix(text, !dot && !exponent);
        }

        private static int countDigits(String s, int from) {
            int i = from;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i - from;
        }
    }
}
