"""What the gateway holds while it runs: built in one lifespan, kept on the local app's `state`, closed in reverse.

A pooled session per service, the token verifier (and its JWKS client), the rate limiter (and its Redis), the
database engine with the API keys' store and the audit sealer, and the merged OpenAPI document's refresh.
`state.resources` holds them for the hot path (`Gateway`) and the gateway's own routes; the engine and its
sessionmaker are also where the kit's dependencies look (`state.engine`, `state.sessionmaker`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

from fastapi import FastAPI
from smartcity_kit.audit.chain import sealing
from smartcity_kit.db import create_engine, make_sessionmaker
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import State

from .apikeys.store import ApiKeyStore
from .auth import Authenticator
from .database import SCHEMA
from .openapi import MergedDocument
from .proxy import Upstream
from .ratelimit import RateLimiter
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Resources:
    upstreams: dict[str, Upstream]
    auth: Authenticator
    limiter: RateLimiter
    openapi: MergedDocument
    engine: AsyncEngine | None  # None without GATEWAY_DATABASE_URL: no API keys, no audit trail
    api_keys: ApiKeyStore | None


def resources_of(state: State) -> Resources:
    return cast(Resources, state.resources)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    async with contextlib.AsyncExitStack() as stack:
        upstreams = {
            name: Upstream(
                name,
                url,
                pool_size=settings.pool_size,
                connect_timeout=settings.connect_timeout,
                timeout=settings.upstream_timeout,
            )
            for name, url in settings.upstreams().items()
        }
        for upstream in upstreams.values():
            stack.push_async_callback(upstream.close)
        auth = Authenticator(settings)
        stack.push_async_callback(auth.close)
        limiter = RateLimiter(settings.role_limits(), settings.redis_url)
        stack.push_async_callback(limiter.close)
        engine = api_keys = None
        if settings.database_url:
            size = settings.db_pool_size
            engine = create_engine(settings.database_url, pool_size=size, max_overflow=size)
            stack.push_async_callback(engine.dispose)
            app.state.engine = engine
            app.state.sessionmaker = make_sessionmaker(engine)
            api_keys = ApiKeyStore(engine, settings.database_url, settings.api_key_cache_seconds)
            await api_keys.start()
            stack.push_async_callback(api_keys.close)
            auth.api_keys = api_keys
            await stack.enter_async_context(
                sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval)
            )
        openapi = MergedDocument(
            sessions={name: (u.session, u.base_url) for name, u in upstreams.items()},
            gateway_document=app.openapi,
            oidc_issuer=settings.oidc_issuer,
            refresh=settings.openapi_refresh,
            retry_missing_after=settings.openapi_retry_missing,
        )
        openapi.start()
        stack.push_async_callback(openapi.close)
        app.state.resources = Resources(upstreams, auth, limiter, openapi, engine, api_keys)
        yield
