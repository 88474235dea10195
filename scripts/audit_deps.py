"""pip-audit, honestly: fail on a known vulnerability, and name every package it could not check.

pip-audit prints "No known vulnerabilities found" and exits 0 even when it skipped packages it
could not look up (no network, or a version PyPI's advisory feed does not know, such as a local
mirror's build), so that line alone may mean nothing was checked. This runs it with JSON output
and reports: vulnerable packages (exit 1); the audit itself failing (exit 2); every package not
checked, with the reason (exit 0, or 3 when NEEDLECARE_AUDIT_STRICT=1, for a CI with network).

    .venv/bin/python scripts/audit_deps.py [extra pip-audit arguments]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

VULNERABLE, AUDIT_FAILED, UNCHECKED = 1, 2, 3
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


EDITABLE = "distribution marked as editable"  # this project itself, not a dependency


def summarise(report: dict[str, Any], strict: bool = False) -> tuple[int, list[str]]:
    """(exit status, lines to print) for pip-audit's JSON report."""
    deps = [d for d in report.get("dependencies", []) if d.get("skip_reason") != EDITABLE]
    skipped = [d for d in deps if "skip_reason" in d]
    checked = [d for d in deps if "skip_reason" not in d]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = [f"pip-audit: checked {len(checked)} of {len(deps)} installed packages"]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fix: {fixes})")
    if skipped:
        lines.append(f"NOT CHECKED ({len(skipped)} packages; no verdict on these):")
        lines += [f"  {d['name']}: {d['skip_reason']}" for d in skipped]
    if vulnerable:
        return VULNERABLE, lines
    verdict = f"no known vulnerability in the {len(checked)} packages checked"
    if skipped:
        verdict += f"; {len(skipped)} NOT CHECKED (listed above)"
    if skipped and strict:
        return UNCHECKED, [*lines, verdict, "failing: NEEDLECARE_AUDIT_STRICT=1"]
    return 0, [*lines, verdict]


def main(argv: list[str]) -> int:
    strict = os.environ.get("NEEDLECARE_AUDIT_STRICT") == "1"
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "audit.json"
        command = [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-f", "json"]
        # stderr is kept for failures: its "No known vulnerabilities found" ignores skipped ones.
        run = subprocess.run(  # noqa: S603 (our own venv's pip-audit)
            [*command, "-o", str(out), *argv], check=False, capture_output=True, text=True
        )
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            report = None
    if report is None or run.returncode not in (0, VULNERABLE):
        print(run.stderr.strip()[-3000:])
        print(f"pip-audit failed (exit {run.returncode}): the dependencies were not audited")
        return AUDIT_FAILED
    status, lines = summarise(report, strict)
    print("\n".join(lines))
    if run.returncode == VULNERABLE and status != VULNERABLE:  # never read a failure as a pass
        print("pip-audit exited 1 but reported no vulnerability:\n" + run.stderr.strip()[-3000:])
        return AUDIT_FAILED
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
