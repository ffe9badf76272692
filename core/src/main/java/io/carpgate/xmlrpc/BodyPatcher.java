package io.carpgate.xmlrpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces string texts in a request body in place, leaving every other byte as the master sent it.
 * The result is a list of read-only buffers: slices of the original body around the replaced slots, and
 * the new bytes for each slot. Nothing untouched is copied, which matters for bodies of tens of MiB.
 */
public final class BodyPatcher {
    private BodyPatcher() {}

    /**
     * Whether {@code text} can be written into a body so the backup reads back exactly it: every character
     * an XML 1.0 character, and no CR (a parser turns a raw CR into LF). Callers ask before they plan a
     * replacement, so a {@link Replacement} is never rejected on a live request.
     */
    public static boolean canWrite(String text) {
        return XmlText.roundTrips(text);
    }

    /** {@code newText} is the plain string; it is escaped as IXR's writer (htmlspecialchars) would. */
    public record Replacement(TextSlot slot, String newText) {
        public Replacement {
            if (slot == null || newText == null) {
                throw new IllegalArgumentException("slot and newText are required");
            }
            if (!canWrite(newText)) {
                // Would make the body not well-formed, or read back differently (CR becomes LF).
                throw new IllegalArgumentException("replacement text has a character XML text cannot carry");
            }
        }
    }

    /**
     * @throws IllegalArgumentException when slots overlap, two slots start at the same byte, or a slot
     *     lies outside the body
     */
    public static List<ByteBuffer> patch(byte[] body, List<Replacement> replacements) {
        List<Replacement> sorted = new ArrayList<>(replacements);
        sorted.sort(Comparator.comparingLong((Replacement r) -> r.slot().start()));
        List<ByteBuffer> out = new ArrayList<>(sorted.size() * 2 + 1);
        long cursor = 0;
        long previousStart = -1;
        for (Replacement replacement : sorted) {
            TextSlot slot = replacement.slot();
            if (slot.end() > body.length) {
                throw new IllegalArgumentException("slot [" + slot.start() + ", " + slot.end() + ") outside body");
            }
            if (slot.start() < cursor || slot.start() == previousStart) {
                throw new IllegalArgumentException("overlapping slots at byte " + slot.start());
            }
            addSlice(out, body, cursor, slot.start());
            byte[] fresh = replacementBytes(slot, replacement.newText());
            out.add(ByteBuffer.wrap(fresh).asReadOnlyBuffer());
            cursor = slot.end();
            previousStart = slot.start();
        }
        addSlice(out, body, cursor, body.length);
        return List.copyOf(out);
    }

    private static byte[] replacementBytes(TextSlot slot, String newText) {
        String escaped = htmlSpecialChars(newText);
        if (slot.untyped() && PhpScalars.isBlank(newText)) {
            // A bare <value> with blank text disappears on the backup; a typed string keeps the value.
            return ("<string>" + escaped + "</string>").getBytes(StandardCharsets.UTF_8);
        }
        return (slot.open() + escaped + slot.close()).getBytes(StandardCharsets.UTF_8);
    }

    /** Total bytes remaining in the buffers, e.g. for a Content-Length header. */
    public static long length(List<ByteBuffer> buffers) {
        long total = 0;
        for (ByteBuffer buffer : buffers) {
            total += buffer.remaining();
        }
        return total;
    }

    /** PHP htmlspecialchars() with its PHP 8.1+ default ENT_QUOTES: IXR escapes string text this way. */
    static String htmlSpecialChars(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#039;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void addSlice(List<ByteBuffer> out, byte[] body, long from, long to) {
        if (to > from) {
            out.add(ByteBuffer.wrap(body, (int) from, (int) (to - from)).slice().asReadOnlyBuffer());
        }
    }
}
