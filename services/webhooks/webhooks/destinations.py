"""Where a webhook may go: `https` (or `http` in development) to a public address, never inside our network.

A URL's host is resolved and every address it gives must be public: loopback,
private, link-local (169.254.169.254, the cloud metadata service, among them),
shared, multicast, reserved and unspecified addresses are refused unless they
fall in `WEBHOOKS_ALLOWED_NETWORKS`. The check runs when an endpoint is
registered and again before every attempt, and the attempt connects to the
very address that was checked, so a name that later resolves elsewhere (DNS
rebinding) does not get through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from smartcity_kit.problemtypes import FieldError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL or its address may not be delivered to: a field error's code and why (an English message id, its
    `{name}`s filled from `values`); in English, `str()` says it all (a delivery's `last_error`)."""

    def __init__(self, code: str, message: str, **values: str) -> None:
        super().__init__(message.format_map(values))
        self.code, self.message, self.values = code, message, values

    def field_error(self, field: str) -> FieldError:
        return FieldError(field, self.code, self.message, self.values)


def check_url(url: str, *, development: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL a webhook may use, or Refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("not_a_url", "Not a URL: {reason}.", reason=str(exc)) from None
    allowed = ("https", "http") if development else ("https",)
    if parts.scheme not in allowed:
        if development:
            raise Refused("scheme_not_allowed", "Only http(s) URLs are accepted.")
        raise Refused("scheme_not_allowed", "Only https URLs are accepted.")
    if not parts.hostname:
        raise Refused("no_host", "The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise Refused(
            "credentials_in_url",
            "Credentials in the URL are not accepted; authenticate the webhook by its signature.",
        )
    if parts.fragment:
        raise Refused("fragment_in_url", "A URL with a fragment is not accepted.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def forbidden(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def permitted(address: Address, allowed: Sequence[Network]) -> bool:
    if any(address in network for network in allowed if network.version == address.version):
        return True
    return not forbidden(address)


async def resolve(host: str, port: int, allowed: Sequence[Network]) -> Address:
    """The address to connect to: the first the host resolves to, once every one is checked; else Refused."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refused(
                "host_does_not_resolve", "The host '{host}' does not resolve: {reason}.", host=host, reason=str(exc)
            ) from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    bad = [str(a) for a in addresses if not permitted(a, allowed)]
    if bad:
        raise Refused(
            "address_not_public",
            "The host '{host}' resolves to {addresses}: a loopback, private, link-local or reserved address.",
            host=host,
            addresses=", ".join(bad),
        )
    return addresses[0]
