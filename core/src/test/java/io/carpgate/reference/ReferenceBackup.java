package io.carpgate.reference;

import io.carpgate.reference.PhpValues.PhpArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The backup's dispatcher and service lookup (PROTOCOL.md, "The server's dispatch" and "How the backup picks
 * the service"), on top of {@link IxrParse}. It says which service actions a request makes the backup run.
 * The backup's service list is given: each entry a name and an optional id, in the backup's order.
 */
public final class ReferenceBackup {
    static final String MULTICALL = "system.multicall";
    static final String START = "opnsense.start_service";
    static final String RESTART = "opnsense.restart_service";
    static final String STOP = "opnsense.stop_service";
    /** What every backup answers (PROTOCOL.md): the opnsense.* methods plus IXR's own three. */
    static final Set<String> METHODS = Set.of("opnsense.firmware_version", "opnsense.restore_config_section",
            "opnsense.backup_config_section", "opnsense.filter_configure", "opnsense.configd_reload_all_templates",
            "opnsense.list_services", START, RESTART, STOP, "system.getCapabilities", "system.listMethods", MULTICALL);

    public record Service(String name, Optional<String> id) {
        public static Service of(String name) {
            return new Service(name, Optional.empty());
        }

        public static Service of(String name, String id) {
            return new Service(name, Optional.of(id));
        }
    }

    /** One service action the backup performed: start/restart/stop of the service it picked. */
    public record Action(String verb, Service service) {
        public boolean startsWireGuard() {
            return !verb.equals("stop") && service.name().equals("wireguard");
        }

        /** util.inc's answer: service_name() is the name and, when the entry has one, [id]. */
        public String answer() {
            String done = switch (verb) {
                case "start" -> "started";
                case "stop" -> "stopped";
                default -> "restarted";
            };
            return "Service `" + service.name() + service.id().map(id -> "[" + id + "]").orElse("")
                    + "' has been " + done + ".";
        }
    }

    /** PHP died (a fatal error printed as the whole answer): nothing after it in the request ran. */
    private static final class Died extends RuntimeException {
        Died() {
            super("PHP fatal error", null, false, false);
        }
    }

    /**
     * What a request did: the calls that ran (method names, in order), the service actions, and how it
     * ended: {@code ok}, or the fault ({@code fault -32700}, ...).
     */
    public record Run(List<String> calls, List<Action> actions, String end) {
        public boolean startsWireGuard() {
            return actions.stream().anyMatch(Action::startsWireGuard);
        }
    }

    private final List<Service> services;

    public ReferenceBackup(List<Service> services) {
        this.services = List.copyOf(services);
    }

    public Run run(byte[] body) {
        IxrParse.Message message = IxrParse.parse(body);
        List<String> calls = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        if (!message.ok()) {
            return new Run(calls, actions, "fault -32700");
        }
        if (!"methodCall".equals(message.messageType())) {
            return new Run(calls, actions, "fault -32600");
        }
        PhpArray params = null;
        if (message.params() != null) {
            params = new PhpArray();
            for (Object p : message.params()) {
                params.append(p);
            }
        }
        try {
            String end = call(message.methodName(), params, calls, actions);
            return new Run(calls, actions, end);
        } catch (Died died) {
            return new Run(calls, actions, "fatal");
        }
    }

    /** IXR_Server::call($methodname, $args). Returns "ok" or the fault. */
    private String call(Object methodName, Object args, List<String> calls, List<Action> actions) {
        // hasMethod(): in_array($method, array_keys($callbacks)) compares loosely.
        Optional<String> method = METHODS.stream().filter(m -> PhpValues.looseEquals(methodName, m)).findFirst();
        if (method.isEmpty()) {
            return "fault -32601";
        }
        if (!(methodName instanceof String exact) || !METHODS.contains(exact)) {
            // A loose match ($method == true) then misses $callbacks[$method]: "does not exist", nothing runs.
            return "fault -32601";
        }
        // OPNsense's IXR: "if (is_array($args) && count($args) == 1) $args = $args[0];" (one parameter is
        // passed as itself; no parameters at all leave $args null).
        Object received = args instanceof PhpArray list && list.count() == 1 ? list.get(0L) : args;
        calls.add(exact);
        switch (exact) {
            case START -> control("start", received, actions);
            case RESTART -> control("restart", received, actions);
            case STOP -> control("stop", received, actions);
            case MULTICALL -> multicall(received, calls, actions);
            default -> { }
        }
        return "ok";
    }

    /** IXR_Server::multiCall: foreach over the calls; a fault in one entry does not stop the others. */
    private void multicall(Object received, List<String> calls, List<Action> actions) {
        if (!(received instanceof PhpArray entries)) {
            return; // foreach over a scalar: a warning, no iteration
        }
        for (Object entry : entries.values()) {
            if (!(entry instanceof PhpArray call)) {
                continue; // string offsets of a scalar name no method
            }
            Object method = call.get("methodName");
            if (PhpValues.looseEquals(method, MULTICALL)) {
                continue; // "Recursive calls to system.multicall are forbidden"
            }
            call(method, call.get("params"), calls, actions);
        }
    }

    /**
     * start/restart/stop_service_xmlrpc($params) and util.inc's service_by_name(): a service is looked at when
     * {@code service} loosely equals '*' or its name; the filter is the id when {@code !empty($params['id'])},
     * else {@code name => service} ("force (mis)match": so '*' without an id matches no service); the first
     * service the filter matches (loose ==) is the one; no match does nothing. A string or date parameter makes
     * PHP 8 die on {@code $params["service"]}; a number, boolean or none reads as null and matches nothing.
     */
    private void control(String verb, Object params, List<Action> actions) {
        if (params instanceof String || params instanceof PhpValues.PhpDate) {
            throw new Died();
        }
        if (!(params instanceof PhpArray p)) {
            return;
        }
        Object name = p.get("service");
        Object id = p.get("id");
        boolean wildcard = PhpValues.looseEquals(name, "*");
        for (Service s : services) {
            if (!wildcard && !PhpValues.looseEquals(s.name(), name)) {
                continue;
            }
            boolean match = PhpValues.empty(id) ? PhpValues.looseEquals(s.name(), name)
                    : s.id().isPresent() && PhpValues.looseEquals(s.id().get(), id);
            if (match) {
                actions.add(new Action(verb, s));
                return;
            }
        }
    }

    /** Shorthand for tests: the parse alone. */
    public static IxrParse.Message parse(byte[] body) {
        return IxrParse.parse(body);
    }

}
