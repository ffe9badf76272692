package io.carpgate.policy;

import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CARP VIPs one restore carries, found by uuid and by VHID, and whether it replaces the backup's. Looked up once
 * per item of the restore: a list searched each time would cost items × VIPs (20,000 of each, some 11 MB from any
 * allowed client, took seconds of CPU).
 */
record RestoreVips(Map<String, PayloadVip> byUuid, Map<Integer, List<PayloadVip>> byVhid, boolean replaced) {

    static RestoreVips of(Struct sections) {
        Map<String, PayloadVip> byUuid = new HashMap<>();
        Map<Integer, List<PayloadVip>> byVhid = new HashMap<>();
        for (PayloadVip vip : PayloadVip.in(sections)) {
            byUuid.putIfAbsent(vip.uuid(), vip); // the first with a uuid, as a search in the restore's order finds
            byVhid.computeIfAbsent(vip.vhid(), v -> new ArrayList<>()).add(vip);
        }
        return new RestoreVips(byUuid, byVhid, PayloadVip.replaced(sections));
    }

    /** The VIP with this uuid in the restore; none for an empty uuid (an item that names no VIP). */
    Optional<PayloadVip> withUuid(String uuid) {
        return uuid.isEmpty() ? Optional.empty() : Optional.ofNullable(byUuid.get(uuid));
    }

    boolean carries(String uuid) {
        return byUuid.containsKey(uuid);
    }

    /** The restore's VIPs with this VHID, in its order. */
    List<PayloadVip> withVhid(int vhid) {
        return byVhid.getOrDefault(vhid, List.of());
    }
}
