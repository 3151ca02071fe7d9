"""The client's address behind reverse proxies and load balancers.

`TRUSTED_PROXIES` names the proxies (addresses or networks) whose `X-Forwarded-For` is believed. A request
from one of them is the client's whose address the proxies recorded: the list is read from its right end
(the address the last proxy saw), hop after hop while the hop is itself a trusted proxy. A request from
anyone else keeps its peer address, and its forwarding headers are ignored: the servers of `openimis serve`
remove them before Django sees the request (`openimis.gateway`), so neither `X-Forwarded-Proto` nor
`X-Forwarded-For` can be forged by a client that talks to the server directly.

The rate limit, the login lockout and the logs use `client_address(request)`.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

# the environ key the servers' gateway sets once it has decided who the client is
RESOLVED_ADDRESS = "openimis.client_address"
PROXY_ADDRESS = "openimis.proxy_address"
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_BY", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def parse_address(text: str):
    """An ip_address from a hop of X-Forwarded-For (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`, `::1`), or None."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has several colons
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address, networks) -> bool:
    if isinstance(address, str):
        address = parse_address(address)
    if address is None:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks) -> str:
    """Who sent a request that `peer` passed on with this X-Forwarded-For, believing trusted proxies only."""
    if not networks or not is_trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([hop for hop in forwarded_for.split(",") if hop.strip()]):
        address = parse_address(hop)
        if address is None:  # a malformed hop: what lies to its left cannot be believed
            break
        client = str(address)
        if not is_trusted(address, networks):
            break
    return client


def resolve_environ(environ: dict, networks) -> None:
    """Decide once, in front of Django, who the client is: REMOTE_ADDR becomes the client's address when a
    trusted proxy passed the request on (the proxy's is kept under PROXY_ADDRESS); otherwise the forwarding
    headers are dropped."""
    peer = environ.get("REMOTE_ADDR", "")
    if networks and is_trusted(peer, networks):
        client = forwarded_client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""), networks)
        environ[PROXY_ADDRESS] = peer
        environ["REMOTE_ADDR"] = client
    else:
        client = peer
        for header in FORWARDING_HEADERS:
            environ.pop(header, None)
    environ[RESOLVED_ADDRESS] = client


def client_address(request) -> str:
    """The client's address: decided by the gateway when the request came through `openimis serve`'s
    servers, else (another WSGI server, the test client) from REMOTE_ADDR and TRUSTED_PROXIES."""
    meta = request.META
    if RESOLVED_ADDRESS in meta:
        return meta[RESOLVED_ADDRESS]
    return forwarded_client(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""),
                            getattr(settings, "TRUSTED_PROXIES", ()))
