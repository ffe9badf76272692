"""Plays the OPNsense master's side of the HA sync with Python's own xmlrpc.client (not carpgate code).

Usage: master.py BASE_URL USER PASSWORD SCENARIO FIXTURES_DIR
Prints one JSON object: what each call answered (faults as {"fault": code, "message": ...}).
BASE_URL is what an admin types into "Synchronize Config"; like the master, xmlrpc.php is appended.
"""
import copy
import json
import os
import ssl
import sys
import urllib.parse
import xmlrpc.client


def proxy(base, user, password):
    if not base.endswith("/"):
        base += "/"
    parts = urllib.parse.urlsplit(base + "xmlrpc.php")
    netloc = "%s:%s@%s" % (urllib.parse.quote(user, safe=""), urllib.parse.quote(password, safe=""), parts.netloc)
    url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    # The master does not verify the peer unless told to: carpgate's certificate is self-signed.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return xmlrpc.client.ServerProxy(url, context=context, allow_none=False)


def call(server, method, *params):
    try:
        return getattr(server, method)(*params)
    except xmlrpc.client.Fault as fault:
        return {"fault": fault.faultCode, "message": fault.faultString}
    except xmlrpc.client.ProtocolError as error:
        return {"http_error": error.errcode, "message": error.errmsg}


def fixture_sections(fixtures):
    with open(fixtures + "/restore_config_section.request.xml", "rb") as f:
        params, _ = xmlrpc.client.loads(f.read())
    return params[0]


def items_sections(fixtures, name):
    """A restore with WireGuard, OpenVPN and DHCP relay items, from ../opnsense-items/ next to the fixtures."""
    with open(os.path.join(fixtures, os.pardir, "opnsense-items", name), "rb") as f:
        params, _ = xmlrpc.client.loads(f.read())
    return params[0]


def two_instances(sections):
    """The fixture's instance on VHID 7 plus a second one following the LAN VIP (VHID 2), master uuids."""
    sections = copy.deepcopy(sections)
    servers = sections["OPNsense"]["wireguard"]["server"]["servers"]
    first = servers["server"]
    second = copy.deepcopy(first)
    second["@attributes"]["uuid"] = "11111111-2222-4333-8444-555555555555"
    second["name"] = "wg1-lan"
    second["instance"] = "1"
    second["port"] = "51821"
    second["carp_depend_on"] = "a1b2c3d4-0000-4000-8000-0000000000a2"
    servers["server"] = [first, second]
    sections["virtualip"]["vip"].append({
        "@attributes": {"uuid": "a1b2c3d4-0000-4000-8000-0000000000a2"},
        "interface": "lan", "mode": "carp", "subnet": "192.168.1.1", "subnet_bits": "24",
        "password": "example-carp-secret", "vhid": "2", "advbase": "1", "advskew": "100", "descr": "LAN CARP"})
    return sections


def without_vips(sections):
    """VIP sync off (or the VIP marked "No XMLRPC sync"): the master sends no virtualip section."""
    sections = copy.deepcopy(sections)
    del sections["virtualip"]
    return sections


def moved_to_unsynced_vip(sections):
    """The fixture's instance now depends on a master VIP that is not synced (not in this restore)."""
    sections = copy.deepcopy(sections)
    sections["OPNsense"]["wireguard"]["server"]["servers"]["server"]["carp_depend_on"] = UNSYNCED_VIP
    return sections


UNSYNCED_VIP = "0badc0de-0000-4000-8000-00000000beef"


def moved_to_lan(sections):
    """The fixture's instance now follows the LAN VIP (VHID 2), which the restore carries beside VHID 7's."""
    sections = copy.deepcopy(sections)
    sections["OPNsense"]["wireguard"]["server"]["servers"]["server"]["carp_depend_on"] = LAN_VIP
    sections["virtualip"]["vip"].append({
        "@attributes": {"uuid": LAN_VIP},
        "interface": "lan", "mode": "carp", "subnet": "192.168.1.1", "subnet_bits": "24",
        "password": "example-carp-secret", "vhid": "2", "advbase": "1", "advskew": "100", "descr": "LAN CARP"})
    return sections


LAN_VIP = "a1b2c3d4-0000-4000-8000-0000000000a2"


def vip_left_out(sections):
    """VIP sync on, but the master's VIP for VHID 7 marked "No XMLRPC sync": the restore carries only the LAN VIP
    (VHID 2), and the fixture's instance depends on the master's VIP for VHID 7, which is not in it."""
    sections = moved_to_unsynced_vip(sections)
    sections["virtualip"]["vip"] = [{
        "@attributes": {"uuid": "a1b2c3d4-0000-4000-8000-0000000000a2"},
        "interface": "lan", "mode": "carp", "subnet": "192.168.1.1", "subnet_bits": "24",
        "password": "example-carp-secret", "vhid": "2", "advbase": "1", "advskew": "100", "descr": "LAN CARP"}]
    return sections


def relay_to(sections, destination, carp_depend_on):
    """The relay of the three kinds sent to another destination (the IPv6 one), or following another VIP."""
    sections = copy.deepcopy(sections)
    relay = sections["OPNsense"]["DHCRelay"]["relays"]
    if destination is not None:
        relay["destination"] = destination
    if carp_depend_on is not None:
        relay["carp_depend_on"] = carp_depend_on
    return sections


def sync_and_reconfigure_all(server, sections):
    result = {"calls": []}

    def record(method, *params):
        answer = call(server, method, *params)
        result["calls"].append({"method": method, "params": params if method.endswith("_service") else [],
                                "answer": answer})
        return answer

    record("opnsense.firmware_version")
    record("opnsense.restore_config_section", sections)
    record("opnsense.filter_configure")
    record("opnsense.configd_reload_all_templates")
    services = record("opnsense.list_services")
    # 25.7-26.7 answer a struct keyed "0", "4", ... (plugins_services() uasort()ed, keys kept); PHP's foreach on
    # the master walks either shape alike.
    if isinstance(services, dict):
        services = list(services.values())
    if isinstance(services, list):
        for service in services:
            record("opnsense.restart_service", {"service": service["name"], "id": service.get("id", "")})
    return result


def main():
    base, user, password, scenario, fixtures = sys.argv[1:6]
    server = proxy(base, user, password)
    sections = fixture_sections(fixtures)
    if scenario == "reconfigure-all":
        out = sync_and_reconfigure_all(server, sections)
    elif scenario == "reconfigure-all-no-vip-sync":
        out = sync_and_reconfigure_all(server, without_vips(sections))
    elif scenario == "reconfigure-all-two-instances":
        out = sync_and_reconfigure_all(server, two_instances(sections))
    elif scenario == "reconfigure-all-three-kinds":
        out = sync_and_reconfigure_all(server, items_sections(fixtures, "restore.three-kinds.request.xml"))
    elif scenario == "reconfigure-all-three-kinds-relay6":
        out = sync_and_reconfigure_all(server, relay_to(items_sections(fixtures, "restore.three-kinds.request.xml"),
                                                        "c273d084-91a3-44b5-a012-62738495a0b1", None))
    elif scenario == "reconfigure-all-three-kinds-relay-follows-wan2":
        out = sync_and_reconfigure_all(server, relay_to(items_sections(fixtures, "restore.three-kinds.request.xml"),
                                                        None, "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f"))
    elif scenario == "reconfigure-all-three-kinds-no-vip-sync":
        out = sync_and_reconfigure_all(server, without_vips(items_sections(fixtures, "restore.three-kinds.request.xml")))
    elif scenario == "restore-three-kinds":
        out = {"answer": call(server, "opnsense.restore_config_section",
                              items_sections(fixtures, "restore.three-kinds.request.xml"))}
    elif scenario == "restore":
        out = {"answer": call(server, "opnsense.restore_config_section", sections)}
    elif scenario == "restore-no-vips":
        out = {"answer": call(server, "opnsense.restore_config_section", without_vips(sections))}
    elif scenario == "restore-moved":
        out = {"answer": call(server, "opnsense.restore_config_section", moved_to_unsynced_vip(sections))}
    elif scenario == "restore-moved-to-lan":
        out = {"answer": call(server, "opnsense.restore_config_section", moved_to_lan(sections))}
    elif scenario == "restore-vip-left-out":
        out = {"answer": call(server, "opnsense.restore_config_section", vip_left_out(sections))}
    elif scenario == "restart-wg0":
        out = {"answer": call(server, "opnsense.restart_service",
                              {"service": "wireguard", "id": "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b"})}
    elif scenario == "firmware":
        out = {"answer": call(server, "opnsense.firmware_version")}
    elif scenario == "multicall-restore-restart":
        batch = xmlrpc.client.MultiCall(server)
        batch.opnsense.restore_config_section(sections)
        batch.opnsense.restart_service({"service": "wireguard", "id": "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b"})
        try:
            out = {"answer": list(batch())}
        except xmlrpc.client.Fault as fault:
            out = {"answer": {"fault": fault.faultCode, "message": fault.faultString}}
    elif scenario == "multicall":
        batch = xmlrpc.client.MultiCall(server)
        batch.opnsense.restart_service({"service": "unbound", "id": ""})
        batch.opnsense.restart_service({"service": "wireguard", "id": "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b"})
        try:
            out = {"answer": list(batch())}
        except xmlrpc.client.Fault as fault:
            out = {"answer": {"fault": fault.faultCode, "message": fault.faultString}}
    else:
        raise SystemExit("unknown scenario " + scenario)
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
