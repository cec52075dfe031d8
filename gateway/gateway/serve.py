"""`gateway-serve`: run the gateway with uvicorn on the configured host and port."""

from smartcity_kit.serve import serve

from .settings import Settings


def main() -> None:
    # the gateway is the edge: a client's X-Forwarded-For is not who it is
    serve("gateway.main:create_app", Settings(), proxy_headers=False)


if __name__ == "__main__":
    main()
