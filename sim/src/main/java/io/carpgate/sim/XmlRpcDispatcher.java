package io.carpgate.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * IXR_Server's dispatch on the backup: the opnsense.* callbacks plus system.multicall, system.listMethods
 * and system.getCapabilities. A result is a PHP-shaped value or an {@link IxrFault}.
 */
final class XmlRpcDispatcher {
    private static final String MULTICALL = "system.multicall";
    private final Map<String, Function<Object, Object>> callbacks = new LinkedHashMap<>();

    XmlRpcDispatcher(BackupState state) {
        // OPNsense's callbacks first, then IXR's own (setCallbacks() appends them).
        callbacks.put("opnsense.firmware_version", args -> state.firmwareVersion());
        callbacks.put("opnsense.restore_config_section", state::restoreConfigSection);
        callbacks.put("opnsense.backup_config_section", state::backupConfigSection);
        callbacks.put("opnsense.filter_configure", args -> true);
        callbacks.put("opnsense.configd_reload_all_templates", args -> true);
        callbacks.put("opnsense.list_services", args -> state.listServices());
        callbacks.put("opnsense.start_service", args -> orDie(state.control("start", args)));
        callbacks.put("opnsense.restart_service", args -> orDie(state.control("restart", args)));
        callbacks.put("opnsense.stop_service", args -> orDie(state.control("stop", args)));
        callbacks.put("system.getCapabilities", args -> capabilities());
        callbacks.put("system.listMethods", args -> listMethods());
        callbacks.put(MULTICALL, this::multiCall);
    }

    /** PHP died with a fatal error: the rest of the request (a multicall's other entries too) never runs. */
    static final class PhpDied extends RuntimeException {
        private final String body;

        PhpDied(String body) {
            super("PHP fatal error", null, false, false);
            this.body = body;
        }

        String body() {
            return body;
        }
    }

    private static Object orDie(Object result) {
        if (result instanceof BackupState.Fatal fatal) {
            throw new PhpDied(fatal.body());
        }
        return result;
    }

    /** IXR_Server::call(): a single parameter is passed as itself, otherwise the list of parameters. */
    Object call(Object methodName, List<Object> params) {
        Function<Object, Object> callback = callbacks.get(Php.toStringValue(methodName));
        if (callback == null) {
            return new IxrFault(-32601, "server error. requested method " + Php.toStringValue(methodName)
                    + " does not exist.");
        }
        return callback.apply(params.size() == 1 ? params.get(0) : params);
    }

    private Object multiCall(Object calls) {
        List<Object> results = new ArrayList<>();
        for (Object call : phpIterate(calls)) {
            Object method = call instanceof Map<?, ?> m ? m.get("methodName") : null;
            Object result = Php.looseEquals(method, MULTICALL)
                    ? new IxrFault(-32600, "Recursive calls to system.multicall are forbidden")
                    : call(method, params(call instanceof Map<?, ?> m ? m.get("params") : null));
            if (result instanceof IxrFault fault) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("faultCode", (long) fault.code());
                // IXR_Error escaped its message on construction; the writer escapes it again.
                f.put("faultString", Php.htmlspecialchars(fault.message()));
                results.add(f);
            } else {
                results.add(List.of(result));
            }
        }
        return results;
    }

    /**
     * A call's params. PHP 8 would die with a TypeError on count() of a missing or scalar params; the
     * simulator treats missing as none and a scalar as the one parameter instead (documented deviation).
     */
    private static List<Object> params(Object params) {
        if (params == null) {
            return List.of();
        }
        return params instanceof List || params instanceof Map ? phpIterate(params) : List.of(params);
    }

    /** foreach over a PHP value: a list's elements, a struct's values, nothing for a scalar. */
    private static List<Object> phpIterate(Object value) {
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (value instanceof Map<?, ?> m) {
            return new ArrayList<>(m.values());
        }
        return List.of();
    }

    private List<Object> listMethods() {
        List<Object> names = new ArrayList<>(callbacks.keySet());
        Collections.reverse(names); // array_reverse(array_keys($this->callbacks))
        return names;
    }

    private static Map<String, Object> capabilities() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("xmlrpc", spec("http://www.xmlrpc.com/spec", 1));
        out.put("faults_interop", spec("http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php", 20010516));
        out.put(MULTICALL, spec("http://www.xmlrpc.com/discuss/msgReader$1208", 1));
        return out;
    }

    private static Map<String, Object> spec(String url, long version) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("specUrl", url);
        out.put("specVersion", version);
        return out;
    }
}
