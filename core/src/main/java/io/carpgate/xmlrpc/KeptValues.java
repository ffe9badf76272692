package io.carpgate.xmlrpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which values of a call {@link BackupReader} keeps in the tree it returns. Every value is read and checked
 * exactly as always (a body rejected in full is rejected here too); a value not kept stays in its struct as
 * {@link XmlRpcValue.Unread}, so which members exist and in what order is still what the backup sees.
 *
 * <p>Why: a restore of tens of MiB is mostly sections no decision reads (firewall rules, aliases...). Kept
 * whole, its tree takes more than twice the body's size in heap; the gate needs only a few sections.
 */
public final class KeptValues {
    /** Everything, for every method. */
    public static final KeptValues ALL = new KeptValues(Map.of());

    private final Map<String, Node> byMethod;

    private KeptValues(Map<String, Node> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    /**
     * For calls to {@code method}, only struct members along one of {@code paths} (member names from the
     * parameter down) are kept, with everything below a path's last name; other methods keep everything.
     */
    public static KeptValues only(String method, List<List<String>> paths) {
        Node root = new Node(new HashMap<>());
        for (List<String> path : paths) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty path");
            }
            Node at = root;
            for (int i = 0; i < path.size(); i++) {
                if (i == path.size() - 1) {
                    at.children.put(path.get(i), Node.ALL);
                    break;
                }
                at = at.children.computeIfAbsent(path.get(i), k -> new Node(new HashMap<>()));
                if (at.keepsAll()) {
                    break; // a shorter path already keeps everything below
                }
            }
        }
        return new KeptValues(Map.of(method, root));
    }

    Node forMethod(String method) {
        return byMethod.getOrDefault(method, Node.ALL);
    }

    /** What to keep of one value: all of it, none of it, or some of its struct members. */
    static final class Node {
        static final Node ALL = new Node(null);
        static final Node NONE = new Node(Map.of());

        /** null: everything below is kept. */
        private final Map<String, Node> children;

        private Node(Map<String, Node> children) {
            this.children = children;
        }

        boolean keepsAll() {
            return children == null;
        }

        boolean keepsNothing() {
            return this == NONE;
        }

        Node member(String name) {
            return children == null ? ALL : children.getOrDefault(name, NONE);
        }

        /** Paths name struct members: below a partly kept value, array items are not on any path. */
        Node item() {
            return children == null ? ALL : NONE;
        }
    }
}
