"""Who the client is, as an address: the direct peer, or what a trusted proxy in front says.

Behind the Ingress every request comes from the Ingress's address, so the
failed-authentication limit would count every caller as one. The proxy's
`X-Forwarded-For` (or `Forwarded`) names the client, but anyone can send those
headers: they count only when the direct peer is one of the configured trusted
proxies, and then the client is the rightmost address that is not itself a
trusted proxy (everything to its left was written by the client and proves
nothing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Literal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ForwardedHeader = Literal["x-forwarded-for", "forwarded"]


def parse_networks(spec: str) -> list[Network]:
    """`10.0.0.0/8, 192.168.1.7, ::1` -> networks; a bad entry raises ValueError naming it."""
    networks: list[Network] = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"GATEWAY_TRUSTED_PROXIES: '{item}' is not an address or a network.") from None
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # [v6] or [v6]:port
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None  # `unknown`, an obfuscated `_node`, or garbage


def _hops(header: ForwardedHeader, values: Iterable[str]) -> list[str]:
    """The addresses the header lists, leftmost (the original client, as claimed) first."""
    hops: list[str] = []
    for value in values:
        for element in value.split(","):
            if header == "x-forwarded-for":
                hops.append(element)
                continue
            for pair in element.split(";"):
                name, _, found = pair.partition("=")
                if name.strip().lower() == "for":
                    hops.append(found)
    return hops


class ClientAddress:
    def __init__(self, trusted: list[Network], header: ForwardedHeader = "x-forwarded-for") -> None:
        self.trusted = trusted
        self.header = header.encode()
        self.kind: ForwardedHeader = header

    def is_trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in self.trusted)

    def of(self, peer: str, headers: list[tuple[bytes, bytes]]) -> str:
        """The client's address for this request."""
        if not self.trusted or not self.is_trusted(peer):
            return peer
        values = [v.decode("latin-1") for k, v in headers if k == self.header]
        client = peer
        for hop in reversed(_hops(self.kind, values)):
            address = _address(hop)
            if address is None:
                break  # an entry we cannot read: trust nothing further left of it
            client = str(address)
            if not self.is_trusted(client):
                break
        return client
