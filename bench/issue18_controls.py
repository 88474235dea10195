"""Proof that each issue-18 finding has a test that fails without its control: every control
is switched off in turn (one text replacement in its source file), the finding's tests run
(SQLite and PostgreSQL, stopping at the first failure) and must fail; the file is restored.

    .venv/bin/python bench/issue18_controls.py [NAME-SUBSTRING]

Refuses to run when a file it would touch has uncommitted changes (the restore would lose
them). Prints one line per control: FAILS (the test catches the finding) or STILL PASSES.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = "src/needlecare/"
HOSTILE = "tests/security/test_hostile_input.py"
THROTTLE = "tests/security/test_login_throttle.py"
UPLOADS = "tests/photo_web/test_hostile_uploads.py"

# (finding, file, text, replacement that switches the control off, pytest arguments)
CONTROLS: list[tuple[str, str, str, str, list[str]]] = [
    ("1 JPEG scan bomb", "photos/decode.py", "if scans > limits.MAX_JPEG_SCANS:", "if False:",
     [UPLOADS, "-k", "scan"]),
    ("2 tiny file claiming 40 MP", "photos/decode.py",
     "if len(data) * limits.MAX_JPEG_PIXELS_PER_BYTE < pixels:", "if False:",
     [UPLOADS, "-k", "header-claims"]),
    ("2 16-bit RGBA PNG memory", "photos/decode.py",
     "if needed > limits.DECODE_MEMORY_BUDGET:", "if False:", [UPLOADS, "-k", "memory-budget"]),
    ("3 body limits", "web/hardening.py", "def body_limit(path: str) -> int:\n",
     "def body_limit(path: str) -> int:\n    return 10**12\n",
     [HOSTILE, "-k", "huge or small_bodies or streamed"]),
    ("4 ids as ASCII digits in range", "web/hardening.py",
     "return _ASCII_ID.fullmatch(value) is not None and int(value) <= MAX_DB_ID", "return True",
     [HOSTILE, "-k", "path_id or audit_cursor"]),
    ("4 NUL and lone surrogates", "web/hardening.py", '    if "\\x00" in value:\n',
     '    return None\n    if "\\x00" in value:\n', [HOSTILE, "-k", "unstorable or nul_in"]),
    ("4 treatment date bound", "services/treatments.py",
     "if data.treatment_date < today - MAX_TREATMENT_AGE:", "if False:",
     [HOSTILE, "-k", "decades"]),
    ("4 stored old treatment (check-in)", "services/checkins.py",
     "    day = min(day, MAX_TRIAGE_DAY)", "    pass", [HOSTILE, "-k", "ancient"]),
    ("4 stored old treatment (ingredient check)", "services/products.py",
     "min(max(0, (today - treatment.treatment_date).days), MAX_TRIAGE_DAY)",
     "max(0, (today - treatment.treatment_date).days)", [HOSTILE, "-k", "ancient"]),
    ("5 session generation", "services/auth.py",
     "if session_generation is not None and user.session_generation != session_generation:",
     "if False:", ["tests/security/test_sessions_end.py"]),
    ("6 registration rate limit", "services/ratelimit.py",
     'cannot be asked in bulk."""\n', 'cannot be asked in bulk."""\n    return\n',
     [THROTTLE, "-k", "registration or sign_up"]),
    ("6 lock per account and address", "services/ratelimit.py",
     "pair = _pair(email[:320], client_ip)\n        wait = account_wait",
     "pair = _pair(email[:320], None)\n        wait = account_wait", [THROTTLE, "-k", "elsewhere"]),
    ("6 files 0600", "config.py", "        path.chmod(0o600)", "        path.chmod(0o644)",
     ["tests/security/test_file_modes.py", "-k", "readable"]),
    ("6 deletion receipt counts photos", "services/deletion.py",
     'counts: dict[str, int] = {"photo": photo_rows}', "counts: dict[str, int] = {}",
     ["tests/security/test_sessions_end.py", "-k", "receipt"]),
    ("6 check-in list pages", "services/pagination.py", "    more = len(rows) > limit\n",
     "    more = False\n", ["tests/security/test_pagination.py", "-k", "every_row_once"]),
    ("7 synchronous=FULL", "storage/engine.py", 'cursor.execute("PRAGMA synchronous=FULL")',
     'cursor.execute("PRAGMA synchronous=NORMAL")',
     ["tests/security/test_file_modes.py", "-k", "synced"]),
]  # fmt: skip


def _dirty(path: Path) -> bool:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", str(path)], cwd=ROOT, capture_output=True, text=True
    )
    return bool(status.stdout.strip())


def main() -> int:
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    chosen = [c for c in CONTROLS if wanted in c[0]]
    dirty = sorted({f for _, f, *_ in chosen if _dirty(ROOT / SRC / f)})
    if dirty:
        print(f"uncommitted changes in {', '.join(dirty)}: commit or stash first")
        return 2
    caught = 0
    for name, file, text, off, tests in chosen:
        path = ROOT / SRC / file
        original = path.read_text()
        if text not in original:
            print(f"{name}: control not found in {file} (update this list)")
            continue
        path.write_text(original.replace(text, off))
        try:
            run = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "-x",
                 *tests],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            path.write_text(original)
        failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
        caught += run.returncode != 0
        verdict = "FAILS" if run.returncode else "STILL PASSES"
        print(f"{name}: {verdict} {failed[0].removeprefix('FAILED ') if failed else ''}")
    print(f"{caught} of {len(chosen)} controls: their test fails without them")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    raise SystemExit(main())
