"""The pip-audit step of scripts/test.sh: fails on a known vulnerability, names every package it
could not check, and never reads a failed audit as a pass."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "audit_deps.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = _load()

REPORT = {
    "dependencies": [
        {"name": "needlecare", "skip_reason": "distribution marked as editable"},
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
        {"name": "alembic", "skip_reason": "Dependency not found on PyPI: alembic (1.20.1)"},
    ],
    "fixes": [],
}


def test_unchecked_packages_are_named_and_pass_only_when_not_strict() -> None:
    status, lines = audit.summarise(REPORT)
    assert status == 0
    assert lines[0] == "pip-audit: checked 1 of 2 installed packages"  # the project is not counted
    assert "  alembic: Dependency not found on PyPI: alembic (1.20.1)" in lines
    assert "1 NOT CHECKED" in lines[-1]
    assert audit.summarise(REPORT, strict=True)[0] == audit.UNCHECKED


def test_a_known_vulnerability_fails() -> None:
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["3.1.7"], "aliases": [], "description": "XSS"}
    report = {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": [vuln]}]}
    status, lines = audit.summarise(report)
    assert status == audit.VULNERABLE
    assert "VULNERABLE jinja2 3.1.6: GHSA-xxxx (fix: 3.1.7)" in lines


class _FakeOsv(BaseHTTPRequestHandler):
    """OSV's query API: one advisory for jinja2, none for anything else; 500 if told so."""

    fail = False

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["content-length"])))
        name = query["package"]["name"]
        body: dict[str, Any] = {}
        if name == "jinja2":
            affected = [{"package": {"name": "jinja2", "ecosystem": "PyPI"}, "ranges": []}]
            body = {"vulns": [{"id": "TEST-0001", "summary": "test", "affected": affected}]}
        self.send_response(500 if self.fail else 200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osv_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    _FakeOsv.fail = False


def _run(osv_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    command = [sys.executable, str(SCRIPT), "-s", "osv", "--osv-url", osv_url]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_the_real_pip_audit_run_fails_on_an_advisory_and_on_a_broken_feed(osv_url: str) -> None:
    """End to end, offline: the installed pip-audit against a local stand-in for OSV."""
    found = _run(osv_url)
    assert found.returncode == audit.VULNERABLE, found.stdout + found.stderr
    assert "VULNERABLE jinja2" in found.stdout and "TEST-0001" in found.stdout
    _FakeOsv.fail = True
    broken = _run(osv_url)
    assert broken.returncode == audit.AUDIT_FAILED, broken.stdout + broken.stderr
    assert "the dependencies were not audited" in broken.stdout
