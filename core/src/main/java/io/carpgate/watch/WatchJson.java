package io.carpgate.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the backup's three network answers (docs/drafts/watch.md, "What carpgate reads"). Rows it cannot place are
 * skipped; an answer without the shape it documents is an error. Messages never quote the body.
 */
final class WatchJson {
    /** {@code IFF_UP} in FreeBSD's {@code net/if.h}: the interface is administratively up. */
    private static final long IFF_UP = 0x1;
    /** Deeper than any answer of these endpoints nests; bounds the walk of the BPF answer. */
    private static final int MAX_DEPTH = 8;

    private final ObjectMapper json = new ObjectMapper();

    /** Interfaces and addresses from {@code get_interface_statistics}: {@code netstat -i} rows under "statistics". */
    void interfaces(byte[] body, Map<String, Boolean> up, Map<String, String> addresses) throws BadAnswer {
        JsonNode statistics = tree(body).path("statistics");
        if (!statistics.isObject() && !statistics.isArray()) {
            throw new BadAnswer("has no 'statistics'");
        }
        for (JsonNode row : statistics) {
            String name = row.path("name").asText("").trim();
            if (name.isEmpty()) {
                continue;
            }
            Optional<Long> flags = flags(row.path("flags"));
            if (flags.isPresent()) {
                up.merge(name, (flags.get() & IFF_UP) != 0, Boolean::logicalOr);
            }
            String address = row.path("address").asText("").trim();
            if (!address.isEmpty() && !address.equals(name)) {
                addresses.put(address, name);
            }
        }
    }

    /** The routing table from {@code get_routes}: an array of rows with {@code destination} and {@code netif}. */
    List<Route> routes(byte[] body) throws BadAnswer {
        JsonNode root = tree(body);
        JsonNode rows = root.isArray() ? root : root.path("rows");
        if (!rows.isArray()) {
            throw new BadAnswer("is not a list of routes");
        }
        List<Route> out = new ArrayList<>();
        for (JsonNode row : rows) {
            String destination = row.path("destination").asText("").trim();
            String device = row.path("netif").asText("").trim();
            if (!destination.isEmpty() && !device.isEmpty()) {
                out.add(new Route(destination, device));
            }
        }
        return out;
    }

    /**
     * The interfaces a {@code dhcrelay} holds a BPF descriptor on, from {@code get_bpf_statistics} ({@code netstat -B}:
     * entries with {@code interface-name} and {@code process}), wherever in the answer they sit.
     */
    private static final Set<String> RELAY_PROCESSES = Set.of("dhcrelay", "dhcrelay6");

    Set<String> relayDevices(byte[] body) throws BadAnswer {
        Set<String> out = new HashSet<>();
        Deque<Map.Entry<JsonNode, Integer>> todo = new ArrayDeque<>();
        todo.push(Map.entry(tree(body), 0));
        while (!todo.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = todo.pop();
            JsonNode node = next.getKey();
            // OPNsense runs dhcrelay for an IPv4 destination and dhcrelay6 for an IPv6 one (dhcrelay.inc).
            if (node.isObject() && RELAY_PROCESSES.contains(node.path("process").asText("").trim())) {
                String device = node.path("interface-name").asText("").trim();
                if (!device.isEmpty()) {
                    out.add(device);
                }
            }
            if (next.getValue() < MAX_DEPTH && node.isContainerNode()) {
                node.forEach(child -> todo.push(Map.entry(child, next.getValue() + 1)));
            }
        }
        return out;
    }

    /** {@code "0x8051"} as libxo writes it, or a plain number. */
    private static Optional<Long> flags(JsonNode value) {
        if (value.isNumber()) {
            return Optional.of(value.asLong());
        }
        String text = value.asText("").trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return text.startsWith("0x") ? Optional.of(Long.parseLong(text.substring(2), 16))
                    : text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private JsonNode tree(byte[] body) throws BadAnswer {
        try {
            JsonNode root = json.readTree(body);
            if (root == null) {
                throw new BadAnswer("is empty");
            }
            return root;
        } catch (IOException e) {
            throw new BadAnswer("is not valid JSON");
        }
    }

    /** An answer that is not what the endpoint documents; the message is fit for a reason text. */
    static final class BadAnswer extends Exception {
        BadAnswer(String message) {
            super(message);
        }
    }
}
