"""`webhooks-serve`: run the service with uvicorn on the configured host and port."""

from smartcity_kit.serve import serve

from .settings import Settings


def main() -> None:
    serve("webhooks.main:create_app", Settings())


if __name__ == "__main__":
    main()
