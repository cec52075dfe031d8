"""The client's address behind trusted proxies: the rightmost hop that is not a trusted proxy."""

from __future__ import annotations

import pytest
from gateway.clientaddress import ClientAddress, parse_networks

TRUSTED = parse_networks("10.0.0.0/8, 127.0.0.1, fd00::/8")


@pytest.mark.parametrize(
    ("peer", "values", "expected"),
    [
        ("203.0.113.1", ["198.51.100.7"], "203.0.113.1"),  # an untrusted peer is the client, whatever it claims
        ("10.0.0.5", [], "10.0.0.5"),  # a trusted proxy that says nothing: itself
        ("10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
        ("10.0.0.5", ["192.0.2.1, 198.51.100.7"], "198.51.100.7"),  # the left part is the client's own claim
        ("10.0.0.5", ["198.51.100.7, 10.3.3.3"], "198.51.100.7"),  # two proxies in a row
        ("10.0.0.5", ["192.0.2.1", "198.51.100.7, 10.3.3.3"], "198.51.100.7"),  # the header sent twice
        ("10.0.0.5", ["10.9.9.9, 10.3.3.3"], "10.9.9.9"),  # proxies all the way: the leftmost
        ("10.0.0.5", ["198.51.100.7, garbage"], "10.0.0.5"),  # unreadable: nothing left of it counts
        ("10.0.0.5", ["203.0.113.9:8080"], "203.0.113.9"),
        ("127.0.0.1", [" 2001:db8::1 "], "2001:db8::1"),
    ],
)
def test_x_forwarded_for(peer: str, values: list[str], expected: str) -> None:
    headers = [(b"x-forwarded-for", v.encode()) for v in values]
    assert ClientAddress(TRUSTED).of(peer, headers) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['for="[2001:db8:cafe::17]:4711"'], "2001:db8:cafe::17"),
        (["for=192.0.2.60;proto=http;by=203.0.113.43"], "192.0.2.60"),
        (["for=192.0.2.43, for=198.51.100.17"], "198.51.100.17"),
        (["For=192.0.2.43, for=10.1.1.1"], "192.0.2.43"),
        (["for=unknown"], "10.0.0.5"),
        (["for=_hidden, for=198.51.100.17"], "198.51.100.17"),
    ],
)
def test_forwarded(values: list[str], expected: str) -> None:
    headers = [(b"forwarded", v.encode()) for v in values]
    assert ClientAddress(TRUSTED, "forwarded").of("10.0.0.5", headers) == expected


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert ClientAddress([]).of("10.0.0.5", [(b"x-forwarded-for", b"198.51.100.7")]) == "10.0.0.5"
