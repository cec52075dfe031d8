"""Operators sign in to /docs at the organisation's OpenID Connect provider, then try a call from the page.

A real chromium (driven by chromedriver) opens the gateway's Swagger UI, signs
in at a provider started here (Authlib: authorization code flow, PKCE required)
and calls `GET /api/v1/me` from "Try it out"; the gateway verifies the
provider's token against its JWKS, as in production.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from smartcity_dev.oidc_provider import OidcProvider, User
from smartcity_dev.platform import BIN, Platform, free_port
from smartcity_dev.testing import skip_without

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CLIENT_ID = "smartcity-docs"
AUDIENCE = "smartcity-api"
OPERATOR = User(subject="ops-ayu-lestari", name="Ayu Lestari", claims={"role": "operator"})


@pytest.fixture(scope="module")
def signed_in_gateway(platform: Platform) -> Iterator[tuple[str, OidcProvider]]:
    """A gateway trusting the provider (embedded issuer off, as in production), before the platform's services."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    provider = OidcProvider(
        user=OPERATOR,
        client_id=CLIENT_ID,
        redirect_uri=origin + "/docs/oauth2-redirect.html",
        audience=AUDIENCE,
        cors_origin=origin,
    )
    env = platform.environ() | {
        "GATEWAY_PORT": str(port),
        "GATEWAY_EMBEDDED_ISSUER": "false",
        "GATEWAY_OIDC_ISSUER": provider.issuer,
        "GATEWAY_OIDC_AUDIENCE": AUDIENCE,
        "GATEWAY_DOCS_OIDC_CLIENT_ID": CLIENT_ID,
        "GATEWAY_DOCS_OIDC_SCOPES": "openid profile",
    }
    assert platform.log_dir is not None
    log = open(platform.log_dir / f"gateway-oidc-{port}.log", "ab")  # noqa: SIM115 (lives with the process)
    process = subprocess.Popen([str(BIN / "gateway-serve")], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_documented(origin)
        yield origin, provider
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        provider.close()


def _wait_documented(origin: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(origin + "/openapi.json", timeout=2)
            if response.status_code == 200 and set(response.json()["info"]["x-services"].values()) == {"present"}:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{origin} did not serve a complete document within {timeout} s"
        time.sleep(0.2)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        skip_without(
            "chromium",
            "chromium or chromedriver is missing (apt-get install chromium chromium-driver); .ci/run installs both",
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1400,2000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        try:
            yield driver
        finally:
            driver.quit()


def test_the_document_declares_the_provider_and_the_docs_sign_in_with_pkce(signed_in_gateway):
    origin, provider = signed_in_gateway
    document = httpx.get(origin + "/openapi.json").json()
    assert document["components"]["securitySchemes"]["openIdConnect"]["openIdConnectUrl"] == (
        provider.issuer + "/.well-known/openid-configuration"
    )
    assert {"openIdConnect": []} in document["security"]
    init = httpx.get(origin + "/docs/init.js").text
    expected = (
        '{"clientId": "smartcity-docs", "scopes": ["openid", "profile"], "usePkceWithAuthorizationCodeGrant": true}'
    )
    assert f"window.ui.initOAuth({expected});" in init
    page = httpx.get(origin + "/docs")
    assert page.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {provider.issuer}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    redirect = httpx.get(origin + "/docs/oauth2-redirect.html")
    assert redirect.status_code == 200 and '<script src="oauth2-redirect.js"></script>' in redirect.text
    assert redirect.headers["content-security-policy"] == page.headers["content-security-policy"]
    assert "window.opener.swaggerUIRedirectOauth2" in httpx.get(origin + "/docs/oauth2-redirect.js").text


def test_an_operator_signs_in_to_the_docs_and_calls_me(signed_in_gateway, browser: WebDriver):
    origin, provider = signed_in_gateway
    me = httpx.get(origin + "/openapi.json").json()["paths"]["/api/v1/me"]["get"]
    wait = WebDriverWait(browser, 30)
    browser.get(origin + "/docs")

    wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "button.btn.authorize"))).click()
    scheme = wait.until(
        expected_conditions.presence_of_element_located(
            (By.XPATH, "//div[contains(@class,'auth-container')][.//h4[contains(normalize-space(.),'openIdConnect')]]")
        )
    )
    assert "authorization_code with PKCE" in scheme.find_element(By.TAG_NAME, "h4").text
    assert scheme.find_element(By.ID, "client_id_authorization_code").get_attribute("value") == CLIENT_ID
    main_window = browser.current_window_handle
    _click(browser, scheme.find_element(By.XPATH, ".//button[normalize-space(.)='Authorize']"))
    # the provider's page opens in a window of its own, approves at once and sends the code back to /docs
    wait.until(lambda _: _button(scheme, "Logout") is not None)
    assert browser.window_handles == [main_window]
    assert provider.challenge_methods == ["S256"]
    assert len(provider.tokens) == 1
    _click(browser, browser.find_element(By.CSS_SELECTOR, "button.btn-done"))

    # Swagger UI's element id: the operation id CSS-escaped (its dot as `\.`), compared literally by XPath
    escaped = me["operationId"].replace(".", "\\.")
    operation = browser.find_element(By.XPATH, f"//*[@id='operations-{me['tags'][0]}-{escaped}']")
    _click(browser, operation.find_element(By.CSS_SELECTOR, ".opblock-summary-control"))
    _click(browser, wait.until(lambda _: _button(operation, "Try it out")))
    _click(browser, wait.until(lambda _: _button(operation, "Execute")))
    status = wait.until(
        lambda _: (
            operation.find_element(
                By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status"
            ).text.strip()
            or None
        )
    )
    body = operation.find_element(
        By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_description pre"
    ).text
    assert status == "200", body
    assert '"subject": "ops-ayu-lestari"' in body
    assert '"role": "operator"' in body
    assert '"auth": "jwt"' in body
    curl = operation.find_element(By.CSS_SELECTOR, ".curl-command").text
    assert f"Authorization: Bearer {provider.tokens[0]['access_token']}" in curl

    refused = [
        entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]
    ]
    assert refused == []


def _button(within: WebElement, label: str) -> WebElement | None:
    found = within.find_elements(By.XPATH, f".//button[normalize-space(.)='{label}']")
    return found[0] if found else None


def _click(browser: WebDriver, element: WebElement) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
