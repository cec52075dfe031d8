"""`gateway-serve`: run the gateway with uvicorn on the configured host and port."""

import uvicorn

from .settings import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run(
        "gateway.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,  # the gateway is the edge: a client's X-Forwarded-For is not who it is
        timeout_graceful_shutdown=20,
    )


if __name__ == "__main__":
    main()
