"""Each process's settings accept the environment it is given in compose and in both Kustomize trees.

Each case runs in a process of its own, as in a container: the settings read the environment
when they are imported. Secrets are stand-ins; everything else is exactly what is deployed.
"""

from __future__ import annotations

import subprocess
import sys

from smartcity_dev.deployment import SETTINGS_MODULES, compose_environments, pod_environments


def test_every_container_starts_with_settings_its_process_accepts():
    cases = [("compose", *case) for case in compose_environments()]
    cases += [(overlay, *case) for overlay in ("base", "production") for case in pod_environments(overlay)]
    running = [
        (
            case,
            subprocess.Popen(
                [sys.executable, "-c", f"from {SETTINGS_MODULES[case[1]]} import Settings; Settings()"],
                env={"PATH": "/usr/bin:/bin", **case[3]},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
        for case in cases
    ]
    refused = {}
    for (where, _, workload, _), process in running:
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            refused[f"{where} {workload}"] = output.strip().splitlines()[-3:]
    assert len(running) == 3 * 2 * 7  # compose and two trees; a service and a migration; seven images
    assert refused == {}
