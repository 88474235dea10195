"""The shipped service settings (deploy/systemd, scripts/serve.sh) that the measured figures
depend on (pure: files)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(unit: Path) -> list[tuple[str, str]]:
    # systemd repeats keys (Environment=), so not configparser: every `Key=value` line in order.
    pairs = []
    for line in unit.read_text().splitlines():
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    return pairs


def test_the_web_unit_runs_with_two_malloc_arenas_and_private_files() -> None:
    settings = _settings(ROOT / "deploy" / "systemd" / "needlecare.service")
    assert ("Environment", "MALLOC_ARENA_MAX=2") in settings
    assert ("UMask", "0077") in settings
    (start,) = [value for key, value in settings if key == "ExecStart"]
    assert " serve " in start and "MALLOC_ARENA_MAX" not in start


def test_the_demo_server_gets_the_same_arenas_unless_the_operator_set_them() -> None:
    script = (ROOT / "scripts" / "serve.sh").read_text().splitlines()
    export = script.index('export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"')
    start = next(i for i, line in enumerate(script) if line.startswith("exec "))
    assert export < start
