"""A method the gateway's own resources do not have: 405 with `Allow`, as for the services' resources."""

from __future__ import annotations


async def test_an_undeclared_method_on_me_is_a_405_listing_get(client, bearer):
    response = await client.put("/api/v1/me", headers=bearer("operator"), json={})
    assert (response.status_code, response.headers["allow"]) == (405, "GET")
    assert response.headers["content-type"] == "application/problem+json"
    options = await client.options("/api/v1/api-keys", headers=bearer("operator"))
    assert (options.status_code, options.headers["allow"]) == (405, "GET, POST")


async def test_a_path_the_gateway_does_not_have_is_still_a_404(client, bearer):
    response = await client.put("/api/v1/nothing-here", headers=bearer("operator"), json={})
    assert (response.status_code, response.headers["content-type"]) == (404, "application/problem+json")
