package io.carpgate.policy;

import io.carpgate.xmlrpc.Clip;
import java.util.Optional;

/**
 * The decision about one XML-RPC call (a {@code system.multicall} yields one per inner call), with the
 * facts it rests on. Never carries a value from the payload other than names, uuids and service ids, and
 * each of those cut ({@link Clip}): what is recorded and echoed of a call stays small whatever the master sent.
 * The gate decides on the values themselves, before they are cut here.
 *
 * @param kind     the kinds ({@link ItemKind#key()}, comma-separated in row order) of the items concerned
 * @param instance the items concerned, by name (and uuid for starts)
 */
public record CallOutcome(
        String method,
        Optional<String> service,
        Optional<String> id,
        Optional<String> kind,
        Optional<String> instance,
        Optional<String> vhid,
        Optional<String> carpState,
        Action action,
        String reason) {
    public CallOutcome {
        method = Clip.to(Clip.SHORT, method);
        service = service.map(s -> Clip.to(Clip.SHORT, s));
        id = id.map(s -> Clip.to(Clip.SHORT, s));
        kind = kind.map(s -> Clip.to(Clip.SHORT, s));
        instance = instance.map(s -> Clip.to(Clip.LONG, s));
        vhid = vhid.map(s -> Clip.to(Clip.SHORT, s));
        carpState = carpState.map(s -> Clip.to(Clip.SHORT, s));
        reason = Clip.to(Clip.LONG, reason);
    }


    /** A call that concerns no item with a CARP dependency. */
    public CallOutcome(String method, Optional<String> service, Optional<String> id, Optional<String> instance,
                       Optional<String> vhid, Optional<String> carpState, Action action, String reason) {
        this(method, service, id, Optional.empty(), instance, vhid, carpState, action, reason);
    }

    static CallOutcome plain(String method, Action action, String reason) {
        return new CallOutcome(method, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), action, reason);
    }

    public CallOutcome withAction(Action newAction, String newReason) {
        return new CallOutcome(method, service, id, kind, instance, vhid, carpState, newAction, newReason);
    }
}
