"""`reports-serve`: run the service with uvicorn on the configured host and port."""

from smartcity_kit.serve import serve

from .settings import Settings


def main() -> None:
    serve("reports.main:create_app", Settings())


if __name__ == "__main__":
    main()
