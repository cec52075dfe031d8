"""`gateway-token`: print a token signed by the gateway's own key (embedded default only).

gateway-token --sub ops@kominfo.go.id --role operator
gateway-token --sub tim@bandung.go.id --role region --region 32.73
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid

import jwt
from smartcity_kit.identity import ROLES, Role

from .keys import load_or_create_signing_key
from .settings import Settings


def issue_token(
    settings: Settings, subject: str, role: str, region_code: str | None, ttl: int, not_before: int | None = None
) -> str:
    key = load_or_create_signing_key(settings.signing_key_path)
    now = int(time.time())
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": subject,
        "role": role,
        "iat": now,
        "nbf": not_before if not_before is not None else now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    if region_code:
        claims["region_code"] = region_code
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": "gateway"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="gateway-token", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sub", required=True, help="the subject: who the token is for")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--region", help="region code, required for --role region (e.g. 32.73)")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds (default 8 h)")
    args = parser.parse_args(argv)
    if args.role == Role.REGION and not args.region:
        parser.error("--role region needs --region")
    if args.role != Role.REGION and args.region:
        parser.error("--region only goes with --role region")
    sys.stdout.write(issue_token(Settings(), args.sub, args.role, args.region, args.ttl) + "\n")


if __name__ == "__main__":
    main()
