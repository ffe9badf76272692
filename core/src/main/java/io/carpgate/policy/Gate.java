package io.carpgate.policy;

import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.KeptValues;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Array;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The decision: call + VHID map + what carpgate learned + CARP state → forward, rewrite, suppress or reject.
 * Pure: no I/O, no clock, no state. It follows the backup's dispatcher (PROTOCOL.md), so it decides on
 * what the backup would run, not on what the request looks like.
 */
public final class Gate {
    /**
     * All that deciding reads of a call's values: of a restore, only each {@link ItemKind}'s module and the VIPs
     * ({@link ItemRewrite}, {@link PayloadVip}); of any other method, everything. A reader may keep just these
     * (the rest is still read and checked), so a restore of tens of MiB needs little heap.
     */
    public static final KeptValues READS = KeptValues.only(Methods.RESTORE, Stream.concat(
            Arrays.stream(ItemKind.values()).map(ItemKind::module), Stream.of(List.of("virtualip"))).toList());

    /**
     * The most calls one {@code system.multicall} may carry. An OPNsense master never sends a multicall to sync
     * (PROTOCOL.md, "Call sequences a master sends"): only a hand-made client would, and a whole "Synchronize and
     * reconfigure all" in one batch (five steps and one restart per listed service, 14-16 on a small install) fits
     * in 64 with room. Each call inside is decided, kept, counted and logged on its own (two decision-log lines
     * each), so without a bound one request of a few MiB would write tens of MiB of logs. Past it the batch is
     * rejected whole, before any call in it is decided, and recorded as one call.
     */
    public static final int MAX_MULTICALL_CALLS = 64;

    private Gate() {}

    /** Whether deciding this call may need the backup's CARP view (so the shell asks the API only then). */
    static boolean needsCarp(MethodCall call) {
        String method = call.methodName();
        return method.equals(Methods.MULTICALL) || method.equals(Methods.RESTORE) || Methods.STARTING.contains(method);
    }

    /**
     * A restore that did not get its turn in time (calls before it are still with the backup): rejected whole, so no
     * start decided on what the backup held before it can reach the backup after it. The master does not retry; its
     * next sync is judged again.
     */
    static Verdict outOfTurn(MethodCall call, String why) {
        return new Verdict.Reject(-32500, why,
                List.of(CallOutcome.plain(call.methodName(), Action.REJECTED, why)));
    }

    /** Whether the call is a restore or a multicall with one: it changes what the backup stores of the items. */
    static boolean restores(MethodCall call) {
        return call.methodName().equals(Methods.RESTORE) || !restoreEntries(call).isEmpty();
    }

    /**
     * Whether the call, once stored, may have replaced the backup's VIPs (uuids and all): a restore, or a multicall
     * restore entry, that carries a {@code virtualip} section, or whose sections carpgate cannot tell.
     */
    static boolean replacesVips(MethodCall call) {
        return restoreSections(call).stream().anyMatch(Gate::carriesVips);
    }

    /**
     * The kinds whose whole list of items the call's restore (alone, or its multicall's one restore entry) replaces
     * on the backup once stored; none when carpgate cannot read its sections.
     */
    static java.util.Set<ItemKind> replacedKinds(MethodCall call) {
        java.util.Set<ItemKind> out = java.util.EnumSet.noneOf(ItemKind.class);
        for (XmlRpcValue sections : restoreSections(call)) {
            if (sections instanceof Struct struct) {
                out.addAll(ItemRewrite.replacedKinds(struct));
            }
        }
        return out;
    }

    /**
     * What the backup receives as the sections of each restore in the call (the restore itself, or each restore entry
     * of a multicall); an entry without a params array gives an empty array: sections carpgate cannot read.
     */
    private static List<XmlRpcValue> restoreSections(MethodCall call) {
        if (call.methodName().equals(Methods.RESTORE)) {
            return List.of(received(call.params()));
        }
        List<XmlRpcValue> out = new ArrayList<>();
        for (int i : restoreEntries(call)) {
            XmlRpcValue entry = ((Array) call.params().get(0)).items().get(i);
            out.add(((Struct) entry).get("params").orElse(null) instanceof Array list ? received(list.items())
                    : new Array(List.of()));
        }
        return out;
    }

    private static boolean carriesVips(XmlRpcValue sections) {
        return !(sections instanceof Struct struct) || struct.get("virtualip").isPresent();
    }

    /** The positions of the restore entries of a {@code system.multicall} (none for any other call). */
    static List<Integer> restoreEntries(MethodCall call) {
        if (!call.methodName().equals(Methods.MULTICALL) || call.params().size() != 1
                || !(call.params().get(0) instanceof Array entries)) {
            return List.of();
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < entries.items().size(); i++) {
            if (entries.items().get(i) instanceof Struct entry && entry.get("methodName")
                    .filter(Str.class::isInstance).map(m -> ((Str) m).text().equals(Methods.RESTORE)).orElse(false)) {
                positions.add(i);
            }
        }
        return positions;
    }

    public static Verdict decide(MethodCall call, GateInputs in) {
        if (call.methodName().equals(Methods.MULTICALL)) {
            return multicall(call, in);
        }
        CallDecision decision = single(call.methodName(), received(call.params()), in);
        if (decision instanceof CallDecision.Suppress suppress) {
            return new Verdict.Suppress(suppress.message(), List.of(suppress.outcome()));
        }
        if (decision instanceof CallDecision.Reject reject) {
            return new Verdict.Reject(reject.faultCode(), reject.message(), List.of(reject.outcome()));
        }
        CallDecision.Forward forward = (CallDecision.Forward) decision;
        return forward.changes().isEmpty()
                ? new Verdict.Forward(List.of(forward.outcome()), forward.learned())
                : new Verdict.Rewrite(forward.changes(), List.of(forward.outcome()), forward.learned());
    }

    /**
     * IXR_Server::call hands a method its only parameter itself, and the list of parameters otherwise.
     * A list arrives as an {@link Array} without source text, which no gated method accepts.
     */
    static XmlRpcValue received(List<XmlRpcValue> params) {
        return params.size() == 1 ? params.get(0) : new Array(params);
    }

    private static CallDecision single(String method, XmlRpcValue received, GateInputs in) {
        if (method.equals(Methods.RESTORE)) {
            if (received instanceof Struct sections) {
                return ItemRewrite.decide(sections, in);
            }
            return reject(method, Methods.INVALID_PARAMS,
                    method + " takes one struct of configuration sections; carpgate cannot tell what the backup would store");
        }
        if (Methods.STARTING.contains(method)) {
            return ServiceGate.decide(method, received, in);
        }
        if (method.equals(Methods.MULTICALL)) {
            // The backup answers a nested multicall with a fault and runs nothing; carpgate rejects it outright.
            return reject(method, Methods.INVALID_REQUEST, "system.multicall inside system.multicall is not accepted");
        }
        return CallDecision.Forward.unchanged(CallOutcome.plain(method, Action.FORWARDED, "not gated"));
    }

    private static Verdict multicall(MethodCall call, GateInputs in) {
        Optional<List<XmlRpcValue>> entries = Optional.of(received(call.params()))
                .filter(Array.class::isInstance).map(v -> ((Array) v).items());
        if (entries.isEmpty() || call.params().size() != 1) {
            String message = "system.multicall takes exactly one array of {methodName, params} structs";
            return new Verdict.Reject(Methods.INVALID_PARAMS, message,
                    List.of(CallOutcome.plain(Methods.MULTICALL, Action.REJECTED, message)));
        }
        if (entries.get().size() > MAX_MULTICALL_CALLS) {
            String message = "system.multicall of " + entries.get().size() + " calls; carpgate accepts at most "
                    + MAX_MULTICALL_CALLS + " in one (an OPNsense master sends none)";
            return new Verdict.Reject(Methods.INVALID_REQUEST, message,
                    List.of(CallOutcome.plain(Methods.MULTICALL, Action.REJECTED, message)));
        }
        if (restoreEntries(call).size() > 1) {
            // The backup stores them one after the other: the VIPs an earlier one replaces (uuids and all) decide
            // where a later one's items must point, and the gate reads each against the backup's VIPs as they are.
            String message = "a system.multicall with more than one " + Methods.RESTORE + " is not accepted (a master "
                    + "sends one restore per sync); send them one at a time";
            return new Verdict.Reject(Methods.INVALID_REQUEST, message,
                    List.of(CallOutcome.plain(Methods.MULTICALL, Action.REJECTED, message)));
        }
        List<CallDecision> decisions = new ArrayList<>();
        for (XmlRpcValue entry : entries.get()) {
            decisions.add(multicallEntry(entry, in));
        }
        return combine(decisions);
    }

    private static CallDecision multicallEntry(XmlRpcValue entry, GateInputs in) {
        // IXR reads $call['methodName'] and $call['params'] and calls the method with them; anything that
        // is not exactly that shape makes PHP coerce or fail in ways carpgate will not second-guess.
        if (!(entry instanceof Struct struct)) {
            return reject(Methods.MULTICALL, Methods.INVALID_PARAMS, "a system.multicall entry is not a struct");
        }
        Optional<XmlRpcValue> name = struct.get("methodName");
        Optional<XmlRpcValue> params = struct.get("params");
        if (name.isEmpty() || !(name.get() instanceof Str method)) {
            return reject(Methods.MULTICALL, Methods.INVALID_PARAMS,
                    "a system.multicall entry has no methodName string");
        }
        if (params.isEmpty() || !(params.get() instanceof Array list)) {
            return reject(method.text(), Methods.INVALID_PARAMS,
                    "system.multicall entry " + method.text() + " has no params array");
        }
        return single(method.text(), received(list.items()), in);
    }

    private static Verdict combine(List<CallDecision> decisions) {
        Optional<CallDecision> blocker = decisions.stream()
                .filter(d -> !(d instanceof CallDecision.Forward)).findFirst();
        if (blocker.isPresent()) {
            String why = blocker.get() instanceof CallDecision.Suppress suppress
                    ? "suppressed " + suppress.message()
                    : ((CallDecision.Reject) blocker.get()).message();
            String message = "system.multicall: " + why;
            // The master gets one fault for the whole batch, so every call in it is rejected: a start carpgate would
            // have suppressed alone says so in its reason, not as "suppressed", which is an answer it never got.
            List<CallOutcome> outcomes = decisions.stream()
                    .map(d -> d instanceof CallDecision.Forward
                            ? d.outcome().withAction(Action.REJECTED, "rejected with its system.multicall: " + why)
                            : d instanceof CallDecision.Suppress
                            ? d.outcome().withAction(Action.REJECTED, "rejected with its system.multicall, a start "
                                    + "carpgate would suppress: " + d.outcome().reason())
                            : d.outcome())
                    .toList();
            return new Verdict.Reject(Methods.INVALID_REQUEST, message, outcomes);
        }
        List<BodyPatcher.Replacement> changes = new ArrayList<>();
        List<CarpItem> learned = new ArrayList<>();
        List<CallOutcome> outcomes = new ArrayList<>();
        for (CallDecision decision : decisions) {
            CallDecision.Forward forward = (CallDecision.Forward) decision;
            changes.addAll(forward.changes());
            learned.addAll(forward.learned());
            outcomes.add(forward.outcome());
        }
        return changes.isEmpty()
                ? new Verdict.Forward(outcomes, learned)
                : new Verdict.Rewrite(changes, outcomes, learned);
    }

    static CallDecision.Reject reject(String method, int code, String message) {
        return new CallDecision.Reject(CallOutcome.plain(method, Action.REJECTED, message), code, message);
    }
}
