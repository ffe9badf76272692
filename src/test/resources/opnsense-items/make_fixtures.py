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
