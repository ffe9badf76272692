"""Writes the restores in this folder as an OPNsense master's IXR client writes them (see ../opnsense-fixtures/).

Run from this folder: python3 make_fixtures.py. The sections are shaped as OPNsense's Config::toArray(listtags())
builds them (docs/PROTOCOL.md, "Every item with a CARP dependency"): a single item is a struct, several an array,
an element without children a string ('' when empty), and `servers` (in listtags()) a list even when single.
All keys, passwords and uuids are made up for tests.
"""
import copy

MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f"  # opt2 (WAN2), VHID 7: the fixture's VIP
MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2"  # lan, VHID 2
WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b"
CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
SERVER = "7d2e8b3f-4c5e-4f60-9bac-1d2e3f405b6c"
CLIENT2 = "8e3f9c40-5d6f-4071-acbd-2e3f40516c7d"
RELAY4 = "9f40ad51-6e70-4182-bdce-3f4051627d8e"
RELAY6 = "a051be62-7f81-4293-8edf-405162738e9f"
DEST4 = "b162cf73-8092-43a4-9f01-516273849fa0"
DEST6 = "c273d084-91a3-44b5-a012-62738495a0b1"


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#039;"))


def value(v):
    if isinstance(v, dict):
        return "<struct>\n" + "".join(
            "  <member><name>%s</name><value>%s</value></member>\n" % (k, value(x)) for k, x in v.items()) + "</struct>"
    if isinstance(v, list):
        return "<array><data>\n" + "".join("  <value>%s</value>\n" % value(x) for x in v) + "</data></array>"
    if isinstance(v, bool):
        return "<boolean>%d</boolean>" % v
    return "<string>%s</string>" % esc(v)


def call(method, param):
    return ('<?xml version="1.0"?>\n<methodCall>\n<methodName>%s</methodName>\n<params>\n'
            "<param><value>%s</value></param>\n</params></methodCall>" % (method, value(param)))


def wireguard():
    server = {
        "@attributes": {"uuid": WG0}, "enabled": "1", "name": "wg0-branches", "instance": "0",
        "pubkey": "mJ8vX2cQ9rT4yU6iO1pA3sD5fG7hJ9kL2zX4cV6bN8M=",
        "privkey": "EXAMPLE-PRIVATE-KEY-never-log-this-value-00=", "port": "51820", "mtu": "", "dns": "",
        "tunneladdress": "10.10.0.1/24", "disableroutes": "0", "gateway": "", "carp_depend_on": MASTER_VIP7,
        "peers": "", "debug": "0", "endpoint": "", "peer_dns": "", "allowed_ips": ""}
    return {
        "client": {"@attributes": {"version": "1.0.0"}, "clients": ""},
        "general": {"@attributes": {"version": "0.0.1"}, "enabled": "1"},
        # listtags() names `servers`: a list even for one.
        "server": {"@attributes": {"version": "1.0.1"}, "servers": [{"server": server}]}}


def instance(uuid, vpnid, role, description, depend_on, **extra):
    item = {"@attributes": {"uuid": uuid}}
    fields = ("vpnid enabled dev_type verb proto port port-share local topology remote role server server_ipv6 "
              "nopool bridge_gateway bridge_pool route push_route push_excluded_routes cert crl ca cert_depth "
              "remote_cert_tls verify_client_cert use_ocsp auth data-ciphers data-ciphers-fallback tls_key authmode "
              "local_group various_flags various_push_flags push_inactive username_as_common_name strictusercn "
              "username password maxclients keepalive_interval keepalive_timeout reneg-sec auth-gen-token "
              "auth-gen-token-renewal auth-gen-token-secret provision_exclusive redirect_gateway route_metric "
              "register_dns dns_domain dns_domain_search dns_servers ntp_servers tun_mtu fragment mssfix "
              "carp_depend_on description compress_migrate ifconfig-pool-persist http-proxy verify-x509-name").split()
    defaults = {"vpnid": vpnid, "enabled": "1", "dev_type": "tun", "verb": "3", "proto": "udp", "topology": "subnet",
                "role": role, "cert_depth": "1", "remote_cert_tls": "1", "use_ocsp": "0", "auth": "SHA256",
                "data-ciphers": "AES-256-GCM", "tls_key": "d384e195-a2b4-45c6-b123-738495a6b1c2",
                "username_as_common_name": "0", "strictusercn": "0", "auth-gen-token": "0",
                "provision_exclusive": "0", "register_dns": "0", "mssfix": "0", "carp_depend_on": depend_on,
                "description": description, "compress_migrate": "0", "ifconfig-pool-persist": "0"}
    defaults.update(extra)
    for field in fields:
        item[field] = defaults.get(field, "")
    return item


def client(uuid=CLIENT, vpnid="1", description="branch-client", depend_on=MASTER_VIP7):
    return instance(uuid, vpnid, "client", description, depend_on, remote="vpn.example.org:1194",
                    username="branch", password="EXAMPLE-OPENVPN-PASSWORD-never-log")


def server():
    # A server whose carp_depend_on still names a VIP (e.g. it was a client once): the backup ignores it.
    return instance(SERVER, "2", "server", "road-warriors", MASTER_VIP7, port="1194", server="10.20.0.0/24",
                    cert="e495f2a6-b3c5-46d7-8234-8495a6b7c2d3", authmode="Local Database",
                    **{"auth-gen-token-secret": "EXAMPLE-TOKEN-SECRET-never-log"})


def openvpn(instances):
    return {"@attributes": {"version": "1.0.1"}, "Overwrites": "", "Instances": instances,
            "StaticKeys": {"StaticKey": {"@attributes": {"uuid": "d384e195-a2b4-45c6-b123-738495a6b1c2"},
                                         "mode": "crypt", "key": "EXAMPLE-STATIC-KEY-never-log",
                                         "description": "tls-crypt"}}}


def relay(uuid, destination, depend_on, interface="lan"):
    return {"@attributes": {"uuid": uuid}, "enabled": "1", "interface": interface, "destination": destination,
            "agent_info": "0", "circuit_id": "", "remote_id": "", "carp_depend_on": depend_on}


def dhcrelay(relays):
    return {"@attributes": {"version": "1.0.1"}, "relays": relays,
            "destinations": [{"@attributes": {"uuid": DEST4}, "name": "dhcp-v4", "server": "10.0.0.10,10.0.0.11"},
                             {"@attributes": {"uuid": DEST6}, "name": "dhcp-v6", "server": "2001:db8::10"}]}


def vip(uuid, interface, subnet, bits, vhid, descr):
    return {"@attributes": {"uuid": uuid}, "interface": interface, "mode": "carp", "subnet": subnet,
            "subnet_bits": bits, "gateway": "", "noexpand": "0", "nobind": "0",
            "password": "example-carp-secret", "vhid": vhid, "advbase": "1", "advskew": "100", "peer": "",
            "peer6": "", "descr": descr}


VIPS = {"vip": [vip(MASTER_VIP7, "opt2", "198.51.100.5", "28", "7", "WAN2 CARP"),
                vip(MASTER_VIP2, "lan", "192.168.1.1", "24", "2", "LAN CARP")]}


def write(name, sections):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write(call("opnsense.restore_config_section", sections))


# Several OpenVPN instances (an array: a client following VHID 7 and a server), one DHCP relay (a struct)
# following the LAN VIP, WireGuard as a master sends it, and both VIPs (VIP sync on).
write("restore.three-kinds.request.xml", {
    "OPNsense": {"wireguard": wireguard(),
                 "OpenVPN": openvpn({"Instance": [client(), server()]}),
                 "DHCRelay": dhcrelay(relay(RELAY4, DEST4, MASTER_VIP2))},
    "virtualip": VIPS})

# The other shapes: one OpenVPN instance (a struct), several relays (an array: DHCPv4 and DHCPv6 on lan).
write("restore.single-client-two-relays.request.xml", {
    "OPNsense": {"OpenVPN": openvpn({"Instance": client(CLIENT2, "3", "second-client", MASTER_VIP2)}),
                 "DHCRelay": dhcrelay([relay(RELAY4, DEST4, MASTER_VIP2), relay(RELAY6, DEST6, MASTER_VIP2)])},
    "virtualip": VIPS})

# Modules without items: empty elements are empty strings; an element with only attributes and no children
# is '' with its attributes in a sibling member NAME@attributes.
write("restore.no-items.request.xml", {
    "OPNsense": {"OpenVPN": {"@attributes": {"version": "1.0.1"}, "Overwrites": "", "Instances": "",
                             "StaticKeys": ""},
                 "DHCRelay": "", "DHCRelay@attributes": {"version": "1.0.1"}},
    "virtualip": VIPS})


# ---------------------------------------------------------------------------------------------------------------
# Answers of a backup running OPNsense 25.7.11-26.7.2, written as IXR_Value::getXml() and IXR_Server::serve()
# write them (independently of the simulator, which the tests compare with these). Beside the team's byte-exact
# originals in ../opnsense-fixtures/ (never edited) go the answers the originals predate:
#   list_services.struct.response.xml     list_services after restore_config_section.request.xml
#   restart_service.named.response.xml    the answer to restart_service.wireguard.request.xml (name[id])
#   vip_settings.search_item.all-fields.response.json   search_item with every field (the password in clear)
# and here list_services.three-kinds.response.xml (list_services after restore.three-kinds.request.xml).

FIXTURE_WG0 = WG0  # the original fixtures' instance, wg0-branches


def response(v):
    return ('<?xml version="1.0"?>\n<methodResponse>\n  <params>\n    <param>\n      <value>\n      %s\n'
            "      </value>\n    </param>\n  </params>\n</methodResponse>\n\n" % answer_value(v))


def answer_value(v):
    """IXR_Value::getXml(): a PHP array is a struct unless its keys are 0, 1, 2, ... in order (isStruct())."""
    if isinstance(v, dict):
        if not v:
            return "<array><data>\n</data></array>"
        if [str(k) for k in v] == [str(i) for i in range(len(v))]:
            return answer_value(list(v.values()))
        return "<struct>\n" + "".join(
            "  <member><name>%s</name><value>%s</value></member>\n" % (k, answer_value(x))
            for k, x in v.items()) + "</struct>"
    if isinstance(v, list):
        return "<array><data>\n" + "".join("  <value>%s</value>\n" % answer_value(x) for x in v) + "</data></array>"
    if isinstance(v, bool):
        return "<boolean>%d</boolean>" % v
    return "<string>%s</string>" % esc(v)


# core_services() (plugins.inc.d/core.inc) and a few other plugins of a small install, in plugins_scan() order.
CORE = [("configd", "Configd"), ("login", "Users and Groups"), ("routing", "System routing"),
        ("sysctl", "System tunables"), ("cron", "Cron"), ("syslog-ng", "Syslog-ng")]
OTHERS = {"ntpd": "Network Time Daemon", "pf": "Packet Filter", "unbound": "Unbound DNS", "webgui": "Web GUI"}


def simple(name, description):
    return {"name": name, "description": description}


def wireguard_service(uuid, name):
    return {"description": "WireGuard " + name,
            "configd": {"start": ["wireguard start " + uuid], "restart": ["wireguard restart " + uuid],
                        "stop": ["wireguard stop " + uuid]},
            "name": "wireguard", "nocheck": True, "id": uuid}


def openvpn_service(uuid, role, description):
    return {"description": "OpenVPN %s %s" % (role, description), "pidfile": "/var/run/ovpn-instance-%s.pid" % uuid,
            "configd": {"start": ["openvpn start " + uuid], "restart": ["openvpn restart " + uuid],
                        "stop": ["openvpn stop " + uuid]},
            "id": uuid, "name": "openvpn"}


def relay_service(uuid, description):
    return {"name": "dhcrelay", "description": description,
            "php": {"restart": ["dhcrelay_configure_id"], "start": ["dhcrelay_configure_id"], "args": ["verbose", "id"]},
            "pidfile": "/var/run/dhcrelay-%s.pid" % uuid, "id": uuid, "verbose": False}


def plugins_services(dhcrelay=(), openvpn_=(), wireguard_=()):
    """plugins_scan() order (core, dhcrelay, ntpd, openvpn, pf, unbound, webgui, wireguard), then uasort() by
    name with strcasecmp (stable), keeping the keys."""
    scanned = ([simple(n, d) for n, d in CORE] + list(dhcrelay) + [simple("ntpd", OTHERS["ntpd"])]
               + list(openvpn_) + [simple(n, OTHERS[n]) for n in ("pf", "unbound", "webgui")] + list(wireguard_))
    keys = sorted(range(len(scanned)), key=lambda i: scanned[i]["name"].lower())
    return {str(k): scanned[k] for k in keys}


def list_services(services, running=()):
    """list_services_xmlrpc(): status added; true for nocheck, else whether the pidfile's process runs (nothing
    of the items runs before a restart; the other services do)."""
    out = {}
    for key, service in services.items():
        service = dict(service)
        if service.get("nocheck"):
            service["status"] = True
        elif service["name"] in ("openvpn", "dhcrelay"):
            service["status"] = service["id"] in running
        else:
            service["status"] = True
        out[key] = service
    return out


def write_answer(name, v):
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write(response(v))


write_answer("../opnsense-fixtures/list_services.struct.response.xml",
             list_services(plugins_services(wireguard_=[wireguard_service(FIXTURE_WG0, "wg0-branches")])))
write_answer("../opnsense-fixtures/restart_service.named.response.xml",
             "Service `wireguard[%s]' has been restarted." % FIXTURE_WG0)
write_answer("list_services.three-kinds.response.xml", list_services(plugins_services(
    dhcrelay=[relay_service(RELAY4, "DHCPv4 Relay (lan)")],
    openvpn_=[openvpn_service(CLIENT, "client", "branch-client"), openvpn_service(SERVER, "server", "road-warriors")],
    wireguard_=[wireguard_service(WG0, "wg0-branches")])))

# search_item over the Vip model (searchBase): every field, subnet without its prefix, the password in clear.
SEARCH_VIPS = [("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", "198.51.100.5", "28", "7", "WAN2 CARP"),
               ("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", "192.168.1.1", "24", "2", "LAN CARP")]
with open("../opnsense-fixtures/vip_settings.search_item.all-fields.response.json", "w", encoding="utf-8",
          newline="") as f:
    import json
    rows = [{"uuid": u, "interface": i, "mode": "carp", "subnet": s, "subnet_bits": b, "gateway": "",
             "noexpand": "0", "nobind": "0", "password": "sim-carp-password-never-show", "vhid": v,
             "advbase": "1", "advskew": "100", "peer": "", "peer6": "", "nosync": "0", "address": "",
             "vhid_txt": "", "descr": d} for u, i, s, b, v, d in SEARCH_VIPS]
    f.write(json.dumps({"total": 2, "rowCount": 2, "current": 1, "rows": rows}, separators=(",", ":")))
