"""The README's 15-line receiver, run as written: it accepts our deliveries and refuses a forged one."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from smartcity_dev.platform import free_port
from smartcity_dev.testing import eventually

from .conftest import identity

README = Path(__file__).resolve().parents[3] / "README.md"


def receiver_code() -> str:
    (code,) = re.findall(r"<!-- receiver -->\n```python\n(.*?)```", README.read_text(), re.S)
    return code


def test_the_receiver_is_fifteen_lines_of_code():
    assert len([line for line in receiver_code().splitlines() if line.strip()]) == 15


async def test_the_documented_receiver_verifies_our_signatures(live, feeds, tmp_path):
    port = free_port()
    ops = identity("operator")
    created = await live.post(
        "/api/v1/webhooks", json={"url": f"http://127.0.0.1:{port}/", "event_types": ["*"]}, headers=ops
    )
    assert created.status_code == 201
    endpoint = created.json()
    script = tmp_path / "receiver.py"
    script.write_text(receiver_code())
    env = {"PATH": "/usr/bin:/bin", "WEBHOOK_SECRET": endpoint["secret"], "PORT": str(port)}
    process = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        await eventually(lambda: _listening(port), what="the receiver to listen")
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "participant_id": "p-1"})

        async def delivered():
            items = (await live.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=ops)).json()["items"]
            return items if items and items[0]["status"] == "delivered" else None

        (delivery,) = await eventually(delivered, what="the delivery")
        assert delivery["last_status_code"] == 204
        forged = httpx.post(
            f"http://127.0.0.1:{port}/",
            content=b'{"type": "participant.applied"}',
            headers={
                "webhook-id": "evt_forged_1",
                "webhook-timestamp": str(int(time.time())),
                "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            },
        )
        assert forged.status_code == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    lines = out.decode().splitlines()
    assert len(lines) == 1, err.decode()
    assert lines[0].startswith('evt_participants_1 {"type":"participant.applied","timestamp":')
    assert lines[0].endswith('"data":{"region_code":"32.73","participant_id":"p-1"}}')


def _listening(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 501
    except httpx.HTTPError:
        return False
