package io.carpgate.reference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates request spellings of a service start/restart by combining the transformations that change what
 * the backup's parser sees (PROTOCOL.md): prologs and encodings, line ends, name padding and splitting,
 * text assembled from references/CDATA/comments/PIs/entities, typed and untyped values, value kinds for
 * service and id, member order and duplicates, attributes, and multicall batching. Deterministic (seeded).
 */
public final class Spellings {
    public enum Prolog { NONE, DECL, DECL_ISO, DECL_SINGLE_QUOTED, BLANK_LINES, DECL_COMMENT, DECL_PI, DOUBLE_DECL }

    /** How a piece of text (a name or a string value) is written. ENTITY needs a DOCTYPE. */
    public enum Text { PLAIN, DEC_REF, HEX_REFS, CDATA, SPLIT, PI_SPLIT, ENTITY }

    /** How a name (methodName, member name) is padded around its text. */
    public enum Pad { NONE, WHITESPACE, COMMENTS }

    public enum Wrapper { TYPED, UNTYPED, TYPED_PADDED, UNTYPED_PADDED, STRING_PADDED, COMMENTED, BASE64 }

    public enum ServiceKind { NAME, STAR, TRUE }

    public enum IdKind { UUID, EMPTY, ZERO, ABSENT, BLANK_UNTYPED, INT_ZERO }

    public enum Layout { SERVICE_FIRST, ID_FIRST, DUPLICATE_SERVICE, DUPLICATE_ID, EXTRA_MEMBER, ATTRIBUTES, INTERLEAVED }

    public enum Batch { NONE, MULTICALL, MULTICALL_AFTER_HARMLESS, MULTICALL_STRUCT_PARAMS }

    public record Spelling(Prolog prolog, boolean crlf, boolean restart, Text methodText, Pad methodPad,
                           Text nameText, Pad namePad, ServiceKind serviceKind, Text serviceText, Wrapper serviceWrapper,
                           IdKind idKind, Text idText, Wrapper idWrapper, Layout layout, Batch batch) {

        /** Plain: the way a real master writes the call. */
        public static Spelling plain() {
            return new Spelling(Prolog.DECL, false, true, Text.PLAIN, Pad.NONE, Text.PLAIN, Pad.NONE,
                    ServiceKind.NAME, Text.PLAIN, Wrapper.TYPED, IdKind.UUID, Text.PLAIN, Wrapper.TYPED,
                    Layout.SERVICE_FIRST, Batch.NONE);
        }

        /**
         * Whether carpgate refuses this rendered spelling whatever it asks for, by design: a DOCTYPE (entities),
         * a service or id that is not a plain string (base64, int, boolean), multicall params that are no array.
         */
        public static boolean refusedByDesign(byte[] rendered) {
            String text = new String(rendered, StandardCharsets.UTF_8);
            return text.contains("<!DOCTYPE") || text.contains("<base64>") || text.contains("<int>")
                    || text.contains("<boolean>") || text.contains("<name>0</name>");
        }

        public String label() {
            Spelling p = plain();
            List<String> parts = new ArrayList<>();
            Object[] mine = values();
            Object[] base = p.values();
            String[] names = {"prolog", "crlf", "restart", "methodText", "methodPad", "nameText", "namePad",
                    "serviceKind", "serviceText", "serviceWrapper", "idKind", "idText", "idWrapper", "layout", "batch"};
            for (int i = 0; i < mine.length; i++) {
                if (!mine[i].equals(base[i])) {
                    parts.add(names[i] + "=" + mine[i]);
                }
            }
            return parts.isEmpty() ? "plain" : String.join(",", parts);
        }

        private Object[] values() {
            return new Object[] {prolog, crlf, restart, methodText, methodPad, nameText, namePad, serviceKind,
                    serviceText, serviceWrapper, idKind, idText, idWrapper, layout, batch};
        }

        /** The request asking for {@code service} (for ServiceKind.NAME) with instance id {@code uuid}. */
        public byte[] render(String service, String uuid) {
            return new Renderer(this).render(service, uuid).getBytes(StandardCharsets.UTF_8);
        }

        /** The same spelling asking for another service: what a harmless twin looks like. */
        public Spelling twin() {
            return new Spelling(prolog, crlf, restart, methodText, methodPad, nameText, namePad, ServiceKind.NAME,
                    serviceText, serviceWrapper, idKind, idText, idWrapper, layout, batch);
        }

        /** opnsense.firmware_version in the same prolog, line ends and method-name spelling. */
        public byte[] firmwareVersion() {
            return new Renderer(this).firmware().getBytes(StandardCharsets.UTF_8);
        }
    }

    private Spellings() {}

    /** Every single-dimension variation of the plain spelling, then seeded random combinations, up to max. */
    public static List<Spelling> generate(int max, long seed) {
        Map<String, Spelling> out = new LinkedHashMap<>();
        Spelling p = Spelling.plain();
        out.put(p.label(), p);
        for (Spelling s : singleVariations(p)) {
            out.putIfAbsent(s.label(), s);
        }
        Random random = new Random(seed);
        for (int attempt = 0; attempt < max * 20 && out.size() < max; attempt++) {
            Spelling s = random(random);
            out.putIfAbsent(s.label(), s);
        }
        return new ArrayList<>(out.values()).subList(0, Math.min(max, out.size()));
    }

    private static List<Spelling> singleVariations(Spelling p) {
        List<Spelling> out = new ArrayList<>();
        for (Prolog v : Prolog.values()) {
            out.add(new Spelling(v, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
        }
        out.add(new Spelling(p.prolog, true, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
        out.add(new Spelling(p.prolog, p.crlf, false, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
        for (Text v : Text.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, v, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, v, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, v, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, v, p.idWrapper, p.layout, p.batch));
        }
        for (Pad v : Pad.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, v, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, v, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
        }
        for (ServiceKind v : ServiceKind.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, v, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
        }
        for (Wrapper v : Wrapper.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, v, p.idKind, p.idText, p.idWrapper, p.layout, p.batch));
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, v, p.layout, p.batch));
        }
        for (IdKind v : IdKind.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, v, p.idText, p.idWrapper, p.layout, p.batch));
        }
        for (Layout v : Layout.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, v, p.batch));
        }
        for (Batch v : Batch.values()) {
            out.add(new Spelling(p.prolog, p.crlf, p.restart, p.methodText, p.methodPad, p.nameText, p.namePad, p.serviceKind, p.serviceText, p.serviceWrapper, p.idKind, p.idText, p.idWrapper, p.layout, v));
        }
        return out;
    }

    private static <E> E pick(Random r, E[] values) {
        return values[r.nextInt(values.length)];
    }

    private static Spelling random(Random r) {
        return new Spelling(pick(r, Prolog.values()), r.nextBoolean(), r.nextBoolean(), pick(r, Text.values()),
                pick(r, Pad.values()), pick(r, Text.values()), pick(r, Pad.values()), pick(r, ServiceKind.values()),
                pick(r, Text.values()), pick(r, Wrapper.values()), pick(r, IdKind.values()), pick(r, Text.values()),
                pick(r, Wrapper.values()), pick(r, Layout.values()), pick(r, Batch.values()));
    }

    /** Writes one spelling; entity declarations are collected as texts use them. */
    private static final class Renderer {
        private final Spelling s;
        private final List<String> entities = new ArrayList<>();

        Renderer(Spelling s) {
            this.s = s;
        }

        String render(String service, String uuid) {
            String method = s.restart ? "opnsense.restart_service" : "opnsense.start_service";
            String params = "<struct>\n" + members(service, uuid) + "</struct>";
            String call;
            switch (s.batch) {
                case NONE -> call = methodCall(method, "<param><value>" + params + "</value></param>\n");
                case MULTICALL -> call = methodCall("system.multicall", multicall(entry(method, arrayOf(params))));
                case MULTICALL_AFTER_HARMLESS -> call = methodCall("system.multicall",
                        multicall(entry("opnsense.firmware_version", "<array><data></data></array>") + entry(method, arrayOf(params))));
                default -> call = methodCall("system.multicall", multicall(entry(method, "<struct>" + member("0", params) + "</struct>")));
            }
            return finish(call);
        }

        String firmware() {
            return finish(methodCall("opnsense.firmware_version", ""));
        }

        private String finish(String call) {
            String doctype = entities.isEmpty() ? "" : "<!DOCTYPE methodCall [" + String.join("", entities) + "]>\n";
            String prolog = switch (s.prolog) {
                case NONE -> "";
                case DECL -> "<?xml version=\"1.0\"?>\n";
                case DECL_ISO -> "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n";
                case DECL_SINGLE_QUOTED -> "<?xml version='1.0' encoding='UTF-8' ?>\n";
                case BLANK_LINES -> "\n\n  \t";
                case DECL_COMMENT -> "<?xml version=\"1.0\"?>\n<!-- sync -->\n";
                case DECL_PI -> "<?xml version=\"1.0\"?>\n<?carp x?>\n";
                case DOUBLE_DECL -> "<?xml version=\"1.0\"?><?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
            };
            String body = prolog + doctype + call;
            return s.crlf ? body.replace("\r\n", "\n").replace("\n", "\r\n") : body;
        }

        private String methodCall(String method, String params) {
            return "<methodCall>\n<methodName>" + pad(text(method, s.methodText), s.methodPad) + "</methodName>\n<params>\n"
                    + params + "</params></methodCall>";
        }

        private String multicall(String entries) {
            return "<param><value><array><data>\n" + entries + "</data></array></value></param>\n";
        }

        private String entry(String method, String params) {
            return "<value><struct>\n" + member("methodName", "<string>" + method + "</string>")
                    + member("params", params) + "</struct></value>\n";
        }

        private static String arrayOf(String value) {
            return "<array><data><value>" + value + "</value></data></array>";
        }

        private String members(String service, String uuid) {
            String serviceValue = switch (s.serviceKind) {
                case NAME -> value(service, s.serviceText, s.serviceWrapper);
                case STAR -> value("*", s.serviceText, s.serviceWrapper);
                case TRUE -> "<boolean>1</boolean>";
            };
            String idValue = switch (s.idKind) {
                case UUID -> value(uuid, s.idText, s.idWrapper);
                case EMPTY -> s.idWrapper == Wrapper.UNTYPED || s.idWrapper == Wrapper.UNTYPED_PADDED
                        ? "<string/>" : value("", s.idText, s.idWrapper);
                case ZERO -> value("0", s.idText, s.idWrapper);
                case ABSENT -> null;
                case BLANK_UNTYPED -> " \n ";
                case INT_ZERO -> "<int>0</int>";
            };
            String serviceMember = namedMember("service", serviceValue);
            String idMember = idValue == null ? "" : namedMember("id", idValue);
            return switch (s.layout) {
                case SERVICE_FIRST -> serviceMember + idMember;
                case ID_FIRST -> idMember + serviceMember;
                case DUPLICATE_SERVICE -> namedMember("service", "<string>unbound</string>") + idMember + serviceMember;
                case DUPLICATE_ID -> namedMember("id", "<string>ffffffff-0000-4000-8000-000000000000</string>")
                        + serviceMember + idMember;
                case EXTRA_MEMBER -> serviceMember + namedMember("note", "<string>sync</string>") + idMember;
                case ATTRIBUTES -> (serviceMember + idMember).replace("<member>", "<member kind=\"m\">")
                        .replace("<value>", "<value type='string'>").replace("<name>", "<name xml:lang=\"en\">");
                case INTERLEAVED -> "<!-- a -->\n" + serviceMember + "<?carp b?>\n \t" + idMember + "<!-- c -->";
            };
        }

        private String namedMember(String name, String value) {
            return "  <member><name>" + pad(text(name, s.nameText), s.namePad) + "</name><value>" + value + "</value></member>\n";
        }

        private static String member(String name, String value) {
            return "<member><name>" + name + "</name><value>" + value + "</value></member>\n";
        }

        private String value(String plain, Text text, Wrapper wrapper) {
            String t = text(plain, text);
            return switch (wrapper) {
                case TYPED -> "<string>" + t + "</string>";
                case UNTYPED -> t;
                case TYPED_PADDED -> "\n    <string>" + t + "</string>\n  ";
                case UNTYPED_PADDED -> " " + t + "\n";
                case STRING_PADDED -> "<string> " + t + "\t</string>";
                case COMMENTED -> "<!-- v --><string>" + t + "</string><?carp v?>";
                case BASE64 -> "<base64>" + java.util.Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)) + "</base64>";
            };
        }

        private static String pad(String text, Pad pad) {
            return switch (pad) {
                case NONE -> text;
                case WHITESPACE -> " \n\t" + text + " \r\n";
                case COMMENTS -> "<!-- n -->\n " + text + "\t<?carp n?>";
            };
        }

        private String text(String plain, Text text) {
            if (plain.isEmpty()) {
                return text == Text.CDATA ? "<![CDATA[]]>" : "";
            }
            return switch (text) {
                case PLAIN -> plain;
                case DEC_REF -> "&#" + (int) plain.charAt(0) + ";" + plain.substring(1);
                case HEX_REFS -> plain.chars().mapToObj(c -> "&#x" + Integer.toHexString(c) + ";").reduce("", String::concat);
                case CDATA -> "<![CDATA[" + plain + "]]>";
                case SPLIT -> plain.length() < 3 ? plain.charAt(0) + "<!-- x -->" + plain.substring(1)
                        : plain.charAt(0) + "<!-- x --><![CDATA[" + plain.substring(1, 3) + "]]>" + plain.substring(3);
                case PI_SPLIT -> plain.charAt(0) + "<?carp x?>" + plain.substring(1);
                case ENTITY -> {
                    String name = "e" + entities.size();
                    entities.add("<!ENTITY " + name + " \"" + plain + "\">");
                    yield "&" + name + ";";
                }
            };
        }
    }
}
