"""A small OpenID Connect provider for tests, built with Authlib: a real HTTP server on 127.0.0.1.

It serves discovery, JWKS, `/authorize` and `/token` for one public client
(authorization code flow; PKCE with S256 required, as for any client without a
secret). `/authorize` signs the configured user in at once: there is no login
form. Access tokens are RFC 9068 JWTs for the configured audience, carrying the
user's claims (role, region); ID tokens are for the client. Both RS256, one key.
The browser calls discovery and `/token` from the client's origin, so those
answer CORS for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from flask_cors import CORS
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

SCOPES = ("openid", "profile")


@dataclass
class User:
    subject: str
    name: str
    claims: dict[str, Any]  # what the access token carries besides `sub` (role, region_code, ...)

    def get_user_id(self) -> str:
        return self.subject


@dataclass
class Client(ClientMixin):
    client_id: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: Collection[str] | str) -> str:
        asked = scope.split() if isinstance(scope, str) else scope
        return " ".join(s for s in asked if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return False  # a public client has none

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class OidcProvider:
    """Start with the user every `/authorize` signs in, the client and the audience of its access tokens; `close()`."""

    def __init__(self, *, user: User, client_id: str, redirect_uri: str, audience: str, cors_origin: str) -> None:
        self.user = user
        self.client = Client(client_id, redirect_uri)
        self.audience = audience
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-rsa-1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, Code] = {}
        self.challenge_methods: list[str | None] = []  # of each authorization request, in order
        self.tokens: list[dict[str, Any]] = []  # each token response
        self.app = Flask("oidc-provider")
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self._build(cors_origin)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": list(SCOPES),
        }

    def _build(self, cors_origin: str) -> None:
        app = self.app
        CORS(app, origins=[cors_origin], resources=[r"/\.well-known/.*", "/token", "/jwks"])
        server = AuthorizationServer(
            app, query_client=self._query_client, save_token=lambda token, request: self.tokens.append(token)
        )
        provider = self

        class AccessTokens(JWTBearerTokenGenerator):
            def get_jwks(self) -> KeySet:
                return KeySet([provider.key])

            def get_audiences(self, client: Client, user: User, scope: str) -> str:
                return provider.audience

            def get_extra_claims(self, client: Client, grant_type: str, user: User, scope: str) -> dict[str, Any]:
                return dict(user.claims)

        class Codes(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["none"]  # noqa: RUF012 (Authlib's class attribute)

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.challenge_methods.append(data.get("code_challenge_method"))
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.payload.scope,
                    user=request.user,
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    nonce=data.get("nonce"),
                )

            def query_authorization_code(self, code: str, client: ClientMixin) -> Code | None:
                found = provider.codes.get(code)
                return found if found is not None and found.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return authorization_code.user

        class IdTokens(OpenIDCode):
            def resolve_client_private_key(self, client: Client) -> KeySet:
                return KeySet([provider.key])

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 3600}

            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(code.nonce == nonce for code in provider.codes.values())

            def generate_user_info(self, user: User, scope: str) -> UserInfo:
                return UserInfo(sub=user.subject, name=user.name)

        server.register_token_generator(
            "default", AccessTokens(self.issuer, expires_generator=lambda client, grant_type: 600)
        )
        server.register_grant(Codes, [CodeChallenge(required=True), IdTokens(require_nonce=False)])

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(self.discovery())

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(self.jwks())

        @app.get("/authorize")
        def authorize() -> Any:
            try:
                grant = server.get_consent_grant(end_user=self.user)  # type: ignore[no-untyped-call]
            except OAuth2Error as error:  # a bad client, redirect URI or challenge: an error page, or back with it
                return server.handle_error_response(server.create_oauth2_request(None), error)
            return server.create_authorization_response(grant_user=self.user, grant=grant)

        @app.post("/token")
        def token() -> Any:
            return server.create_token_response()

    def _query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None
