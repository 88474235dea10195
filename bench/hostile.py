"""Hostile requests against a running server (issue 18), loopback only, every loop bounded.

Starts `needlecare serve` (one worker process, SQLite in a temp data dir) on 127.0.0.1,
registers a personal patient with a treatment, then runs each attack in turn while a probe
polls /health. Per attack it reports the answers (status counts), the server's CPU seconds
(its own plus its reaped children's: isolated photo decoders run as children), the growth of
the peak RSS of the server and its children above the RSS before the attack (sampled every
20 ms), and /health p50/p99 during the attack. `baseline-idle` sends nothing for 2 s: /health
on this machine at this load, to tell the machine's share of a p99 from the attack's. Then
a line with the server's RSS before the first attack and after the last, the attacks'
wall-clock time and the load average, and one with how many of the files and folders the
server wrote others may read. `--postgres`: the server on a throwaway PostgreSQL cluster
(`storage.pgcluster`, as the tests start one) instead of SQLite; NUL was a PostgreSQL finding.

    .venv/bin/python bench/hostile.py                 # every attack
    .venv/bin/python bench/hostile.py --only scan-bomb,json-500mb
    .venv/bin/python bench/hostile.py --postgres --only nul-surrogate-fields

Goal: every attack refused or served within 2 s of CPU and 200 MB of extra memory, and
/health p99 < 200 ms throughout.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the attack files are built by the tests' helpers

from needlecare.photos.limits import MAX_BYTES  # noqa: E402
from needlecare.storage.pgcluster import start_cluster  # noqa: E402
from photos.attacks import deep_alpha_png, header_only_jpeg, scan_bomb_jpeg  # noqa: E402
from photos.synthetic import Scene, encode  # noqa: E402

NEEDLECARE = str(ROOT / ".venv" / "bin" / "needlecare")
PORT = int(os.environ.get("NEEDLECARE_BENCH_PORT", "8116"))
BASE = f"http://127.0.0.1:{PORT}"
# Plain HTTP on loopback: every client is built with verify=False, which skips loading the CA
# bundle (~30-80 ms of CPU and GIL per client). Twenty attack clients built at once cost the
# shared cores ~1 s of the bench's own CPU that the server's figures then paid for.
API = f"{BASE}/api/v1"
PASSWORD = "a long and unusual bench password"


@dataclass
class Server:
    """The server process and its descendants: the fork server of the isolated photo
    decoders is its child, and each decoder that fork server's child (reaped by it, so its
    CPU shows in the fork server's cutime, not in the server's)."""

    pid: int

    def tree(self) -> list[int]:
        pids, index = [self.pid], 0
        while index < len(pids):
            for task in Path(f"/proc/{pids[index]}/task").glob("*/children"):
                try:
                    pids.extend(int(p) for p in task.read_text().split())
                except OSError:
                    continue
            index += 1
        return pids

    def cpu_seconds(self) -> float:
        ticks = 0
        for pid in self.tree():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile (its CPU went to its parent's cutime)
            ticks += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mb(self, *, children: bool = True) -> float:
        total = 0
        for pid in self.tree() if children else [self.pid]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024


def _probe(pid: int, stop: Any, probes: Any, out: Connection) -> None:  # in the probe's own process
    server, latencies, failures, peak = Server(pid), [], 0, 0.0
    with httpx.Client(timeout=10, verify=False) as client:
        client.get(f"{BASE}/health")  # connected and warm (its lazy imports) before timing
        while not stop.is_set():
            peak = max(peak, server.rss_mb())
            start = time.perf_counter()
            try:
                ok = client.get(f"{BASE}/health").status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            failures += not ok
            with probes.get_lock():
                probes.value += 1
            time.sleep(0.02)
    out.send((latencies, failures, peak))
    out.close()


@dataclass
class Probe:
    """Polls /health every 20 ms on its own connection while an attack runs, from its own
    process: an attack's threads hold this process's GIL (twenty httpx clients built at once
    take ~50 ms of it each), which an in-process probe counted as the server's latency."""

    server: Server
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    peak_rss_mb: float = 0.0  # of the whole process tree, sampled with each probe

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._probes = context.Value("i", 0)
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_probe, args=(self.server.pid, self._stop, self._probes, sender)
        )
        self._process.start()
        sender.close()
        deadline = time.monotonic() + 60
        while self._probes.value < 1 and time.monotonic() < deadline:
            time.sleep(0.01)  # polling before the attack starts

    def finish(self) -> None:
        deadline = time.monotonic() + 10
        while self._probes.value < 6 and time.monotonic() < deadline:
            time.sleep(0.05)  # a few probes even when the attack was refused at once
        self._stop.set()
        self.latencies, self.failures, self.peak_rss_mb = self._receiver.recv()
        self._process.join(30)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_server(data_dir: Path, database_url: str = "") -> subprocess.Popen[bytes]:
    # As deployed (deploy/systemd/needlecare.service): two malloc arenas, unless set.
    env = {
        "MALLOC_ARENA_MAX": "2",
        **os.environ,
        "NEEDLECARE_DATA_DIR": str(data_dir),
        # As behind a reverse proxy on the same host: the lock-out attack speaks for several
        # client addresses through X-Forwarded-For (a request without one is 127.0.0.1's).
        "NEEDLECARE_TRUSTED_PROXIES": "127.0.0.1",
    }
    if database_url:
        env["NEEDLECARE_DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [NEEDLECARE, "serve", "--port", str(PORT), "--no-worker", "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180  # a loaded machine starts it slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{BASE}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def server_pid(process: subprocess.Popen[bytes]) -> int:
    return process.pid  # `needlecare serve` runs uvicorn in its own process (one worker)


def set_up(client: httpx.Client) -> tuple[dict[str, str], int]:
    """A personal patient with a treatment; returns its bearer headers and patient id."""
    client.post(
        f"{API}/register",
        json={"email": "bench@example.org", "password": PASSWORD, "display_name": "Bench"},
    ).raise_for_status()
    token = client.post(
        f"{API}/auth/tokens", json={"email": "bench@example.org", "password": PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    patient_id = client.get(f"{API}/me", headers=headers).json()["patient_id"]
    client.post(
        f"{API}/patients/{patient_id}/treatments",
        json={"treatment_date": date.today().isoformat(), "depth_mm": 0.5, "device": "pen"},
        headers=headers,
    ).raise_for_status()
    return headers, patient_id


Attack = Callable[[httpx.Client, dict[str, str], int], list[int]]


def upload(
    client: httpx.Client,
    headers: dict[str, str],
    patient_id: int,
    data: bytes,
    route: str = "photos",  # or "ingredient-scan": the label scan (read, not kept)
) -> int:
    response = client.post(
        f"{API}/patients/{patient_id}/{route}",
        files={"file": ("p.jpg", data, "image/jpeg")},
        headers=headers,
    )
    return response.status_code


def concurrently(count: int, call: Callable[[], int]) -> list[int]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def streamed(size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    block = b" " * chunk
    for _ in range(size // chunk):
        yield block


def as_from(address: str) -> dict[str, str]:
    """A request relayed by the trusted proxy (the server believes 127.0.0.1's X-Forwarded-For:
    start_server) for a client at `address`: the attacker and the real user apart."""
    return {"X-Forwarded-For": address}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if match is None:
        raise SystemExit("no CSRF field on the page")
    return match.group(1)


@cache
def payload(name: str) -> bytes:
    """The attack files, built when an attack first needs one (a few seconds of the bench's
    CPU each, which `--only` runs need not pay for)."""
    if name == "scan-bomb":  # the issue's: 10,000 repeats (660 KB there, 843 KB here)
        return scan_bomb_jpeg(6000, 6600, repeats=10_000)
    if name == "scan-bomb-2.6mb":  # the 2.6 MB file (114 s of CPU before)
        return scan_bomb_jpeg(6000, 6600, repeats=40_000)
    if name == "scan-bomb-25mb":  # as many repeats as fit under the byte limit
        one = scan_bomb_jpeg(6000, 6600, repeats=1)
        per_repeat = len(scan_bomb_jpeg(6000, 6600, repeats=2)) - len(one)
        return scan_bomb_jpeg(6000, 6600, repeats=(MAX_BYTES - len(one)) // per_repeat)
    if name == "deep-png":
        return deep_alpha_png(6000, 6600)
    if name == "header-claims-40mp":
        return header_only_jpeg(6000, 6600)
    if name == "photo":
        return encode(Scene(width=1600, height=1200).rgb(), "JPEG")
    raise KeyError(name)


def attacks() -> dict[str, Attack]:

    def huge_json(client: httpx.Client, _h: dict[str, str], pid: int) -> list[int]:
        headers = {"content-type": "application/json", "content-length": str(500 << 20)}
        try:
            response = client.post(
                f"{API}/patients/{pid}/checkins", content=streamed(500 << 20), headers=headers
            )
            return [response.status_code]
        except httpx.HTTPError:
            return [-1]  # the server closed the connection after its 413

    def chunked_json(client: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        codes = []
        for path in ("auth/tokens", "register"):
            try:
                response = client.post(
                    f"{API}/{path}",
                    content=streamed(50 << 20),
                    headers={"content-type": "application/json"},
                )
                codes.append(response.status_code)
            except httpx.HTTPError:
                codes.append(-1)
        return codes

    def odd_ids(client: httpx.Client, headers: dict[str, str], pid: int) -> list[int]:
        codes = [
            client.get(f"{API}/patients/{bad}/checkins", headers=headers).status_code
            for bad in ("²", "①", "٣", "9223372036854775808", "2147483648")
        ]
        codes.append(
            client.get(
                f"{API}/audit", params={"before_id": "9223372036854775808"}, headers=headers
            ).status_code
        )
        for escaped in ("\\u0000", "\\ud800"):  # as JSON escapes: NUL, a lone surrogate
            body = '{"email": "x@example.org", "password": "a' + escaped + 'b"}'
            codes.append(
                client.post(
                    f"{API}/auth/tokens",
                    content=body,
                    headers={"content-type": "application/json"},
                ).status_code
            )
        return codes

    def login_flood(client: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        def attempt() -> int:
            with httpx.Client(timeout=60, verify=False) as own:
                return own.post(
                    f"{API}/auth/tokens",
                    json={"email": "bench@example.org", "password": "wrong wrong wrong"},
                ).status_code

        return concurrently(20, attempt)

    def register_probe(client: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        # "Is this email taken?" asked 20 times from one address: 409 until the sign-up
        # limit (10 an hour per address, set_up's sign-up included), then 429.
        body = {"email": "bench@example.org", "password": PASSWORD, "display_name": "Probe"}
        return [client.post(f"{API}/register", json=body).status_code for _ in range(20)]

    def report_pdfs(client: httpx.Client, headers: dict[str, str], pid: int) -> list[int]:
        # The patient's own PDF report twelve times at once: identical, so one render shared.
        url = f"{API}/patients/{pid}/report.pdf"
        return concurrently(12, lambda: client.get(url, headers=headers).status_code)

    def mixed_pdfs(client: httpx.Client, headers: dict[str, str], pid: int) -> list[int]:
        # Two different PDFs of one person, six of each at once: the aftercare sheet (a page,
        # logged in on the page first: one password hash) and the report in Spanish (not the
        # English one `report-pdf-x12` may have left in the cache). Identical ones share a
        # render; a different one while the person's first is made is refused (429).
        url = f"{API}/patients/{pid}/report.pdf"
        spanish = headers | {"accept-language": "es"}
        with httpx.Client(base_url=BASE, timeout=60, verify=False) as browser:
            token = csrf_of(browser.get("/login").text)
            browser.post(
                "/login",
                data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token},
            )
            calls = [lambda: browser.get("/guide/sheet.pdf").status_code] * 6
            calls += [lambda: client.get(url, headers=spanish).status_code] * 6
            with ThreadPoolExecutor(len(calls)) as pool:
                return list(pool.map(lambda call: call(), calls))

    def unstorable_fields(client: httpx.Client, headers: dict[str, str], pid: int) -> list[int]:
        # NUL (PostgreSQL cannot store it) and a lone surrogate (not UTF-8) in fields that
        # are stored: a sign-up's name, a check-in's product list, a clinic protocol's name
        # (sent by a patient: refused before any route), and the login form.
        sign_up = '{"email": "nul@example.org", "password": "%s", "display_name": "N\\u0000"}'
        product = '{"symptoms": {}, "products": ["Aqua\\u0000"]}'
        protocol = '{"schema_version": 1, "name": "A\\udc80", "version": 1}'
        json_type = {"content-type": "application/json"}
        codes = [
            client.post(f"{API}/register", content=sign_up % PASSWORD, headers=json_type),
            client.post(
                f"{API}/patients/{pid}/checkins", content=product, headers=headers | json_type
            ),
            client.put(f"{API}/clinic/protocol", content=protocol, headers=headers | json_type),
        ]
        with httpx.Client(base_url=BASE, timeout=60, verify=False) as browser:
            token = csrf_of(browser.get("/login").text)
            codes.append(
                browser.post(
                    "/login",
                    data={"email": "bench\x00@example.org", "password": "x", "csrf_token": token},
                )
            )
        return [response.status_code for response in codes]

    def ancient_treatment(client: httpx.Client, headers: dict[str, str], pid: int) -> list[int]:
        # A treatment of 1990 and one next month are refused; the ingredient check and a
        # check-in keep working (they answered 500 and 422 after a stored 1990 treatment).
        url = f"{API}/patients/{pid}/treatments"
        codes = [
            client.post(
                url,
                json={"treatment_date": day, "depth_mm": 0.5, "device": "pen"},
                headers=headers,
            ).status_code
            for day in ("1990-01-01", (date.today() + timedelta(days=31)).isoformat())
        ]
        check = {"text": "Aqua, Glycerin, Ascorbic Acid"}
        codes.append(
            client.post(
                f"{API}/patients/{pid}/ingredient-check", json=check, headers=headers
            ).status_code
        )
        checkin = {"symptoms": {"redness": 1}}
        codes.append(
            client.post(f"{API}/patients/{pid}/checkins", json=checkin, headers=headers).status_code
        )
        return codes

    def logout_cookie_copy(client: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        # Log in on the page, keep a copy of the session cookie, log out: the copy must read
        # nothing (it read the patient's pages for 14 days).
        with httpx.Client(
            base_url=BASE, timeout=60, verify=False, headers=as_from("192.0.2.21")
        ) as browser:
            token = csrf_of(browser.get("/login").text)
            login = browser.post(
                "/login",
                data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token},
            )
            home = login.headers.get("location", "/")
            copy = dict(browser.cookies)
            page = browser.get(home)
            logout = browser.post("/logout", data={"csrf_token": csrf_of(page.text)})
        with httpx.Client(base_url=BASE, timeout=60, verify=False, cookies=copy) as thief:
            after = thief.get(home)
        # 303 login, 200 home, 303 logout, then the copy: 303 to /login (not 200)
        return [login.status_code, page.status_code, logout.status_code, after.status_code]

    def lockout(client: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        # Ten wrong passwords from one address (it locked any account, staff included, for
        # everyone for 15 min): that address is locked out, the real user elsewhere is not.
        email = "lockout@example.org"
        body = {"email": email, "password": PASSWORD, "display_name": "Real user"}
        codes = [
            client.post(f"{API}/register", json=body, headers=as_from("192.0.2.30")).status_code
        ]
        wrong = {"email": email, "password": "wrong wrong wrong"}
        for _ in range(11):  # the 11th: 429 with Retry-After, the password not even checked
            codes.append(
                client.post(
                    f"{API}/auth/tokens", json=wrong, headers=as_from("203.0.113.7")
                ).status_code
            )
        right = {"email": email, "password": PASSWORD}
        codes.append(
            client.post(
                f"{API}/auth/tokens", json=right, headers=as_from("198.51.100.9")
            ).status_code
        )
        return codes

    def idle(_c: httpx.Client, _h: dict[str, str], _pid: int) -> list[int]:
        # No request for 2 s (about a loaded login flood's length): /health on this machine at
        # this load, the baseline that the attacks' p99 compare with.
        time.sleep(2)
        return []

    return {
        "baseline-idle": idle,
        "scan-bomb": lambda c, h, p: [upload(c, h, p, payload("scan-bomb"))],
        "scan-bomb-2.6mb": lambda c, h, p: [upload(c, h, p, payload("scan-bomb-2.6mb"))],
        "scan-bomb-25mb": lambda c, h, p: [upload(c, h, p, payload("scan-bomb-25mb"))],
        "scan-bomb-x4": lambda c, h, p: concurrently(
            4, lambda: upload(c, h, p, payload("scan-bomb"))
        ),
        "label-scan-bomb-x4": lambda c, h, p: concurrently(
            4, lambda: upload(c, h, p, payload("scan-bomb"), "ingredient-scan")
        ),
        "deep-png": lambda c, h, p: [upload(c, h, p, payload("deep-png"))],
        "deep-png-x12": lambda c, h, p: concurrently(
            12, lambda: upload(c, h, p, deep_alpha_png_variant(payload("deep-png")))
        ),
        "header-claims-40mp": lambda c, h, p: [upload(c, h, p, payload("header-claims-40mp"))],
        "duplicate-x10": lambda c, h, p: [upload(c, h, p, payload("photo")) for _ in range(10)],
        "report-pdf-x12": report_pdfs,
        "pdf-sheet-and-report-x12": mixed_pdfs,
        "json-500mb": huge_json,
        "json-50mb-auth-register": chunked_json,
        "odd-ids-nul-surrogate": odd_ids,
        "nul-surrogate-fields": unstorable_fields,
        "ancient-treatment": ancient_treatment,
        "logout-cookie-copy": logout_cookie_copy,
        "lockout-x10-real-user-elsewhere": lockout,
        "login-flood-x20": login_flood,
        "register-probe-x20": register_probe,
    }


_variant = iter(range(1, 1 << 30))


def deep_alpha_png_variant(png: bytes) -> bytes:
    # Different bytes each time (a trailing chunk), so no upload is a repeat of another.
    import struct
    import zlib

    data = str(next(_variant)).encode()
    chunk = struct.pack(">I", len(data)) + b"teXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"teXt" + data) & 0xFFFFFFFF)
    return png[:-12] + chunk + png[-12:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated attack names")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    args = parser.parse_args()
    chosen = set(filter(None, args.only.split(",")))
    cluster = start_cluster(prefix="needlecare-hostile-pg-") if args.postgres else None
    try:
        run_all(chosen, cluster.url() if cluster else "")
    finally:
        if cluster is not None:
            cluster.stop()


def run_all(chosen: set[str], database_url: str) -> None:
    with tempfile.TemporaryDirectory(prefix="needlecare-hostile-") as scratch:
        process = start_server(Path(scratch), database_url)
        server = Server(server_pid(process))
        try:
            with httpx.Client(timeout=120, verify=False) as client:
                headers, patient_id = set_up(client)
                print(
                    f"{'attack':26} {'answers':28} {'cpu s':>6} {'+peak MB':>8} "
                    f"{'health p50':>10} {'p99 ms':>7} {'fail':>4}"
                )
                started, first_rss = time.monotonic(), server.rss_mb(children=False)
                for name, attack in attacks().items():
                    if chosen and name not in chosen:
                        continue
                    run_one(name, attack, client, headers, patient_id, server)
                # Whether the memory an attack took is given back (the issue: "the memory
                # stayed held"): the server process's RSS before the first attack and after
                # (its children, the decoders' fork server, start with the first decode).
                tree, own = server.rss_mb(), server.rss_mb(children=False)
                print(
                    f"server RSS {first_rss:.0f} MB before the attacks, {own:.0f} MB after "
                    f"(+{tree - own:.0f} MB in its children); "
                    f"attacks took {time.monotonic() - started:.1f} s; "
                    f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
                )
                print(private_files(Path(scratch)))
        finally:
            process.terminate()
            process.wait(timeout=30)


def private_files(data_dir: Path) -> str:
    """What the server wrote in its data dir (database, key, photos) and how many of those
    files and folders others than its owner may read (issue 18: the database was 0644)."""
    paths = [data_dir, *data_dir.rglob("*")]
    shared = [p for p in paths if p.stat().st_mode & 0o077]
    named = ", ".join(f"{p.relative_to(data_dir)} {p.stat().st_mode & 0o777:o}" for p in shared)
    summary = f"data dir: {len(paths)} files and folders, {len(shared)} readable by others"
    return f"{summary}: {named}" if shared else summary


def run_one(
    name: str,
    attack: Attack,
    client: httpx.Client,
    headers: dict[str, str],
    patient_id: int,
    server: Server,
) -> None:
    probe = Probe(server)
    cpu, before = server.cpu_seconds(), server.rss_mb()
    probe.start()
    try:
        codes = attack(client, headers, patient_id)
    finally:
        probe.finish()
    answers = ", ".join(f"{code}x{n}" for code, n in sorted(Counter(codes).items()))
    print(
        f"{name:26} {answers:28} {server.cpu_seconds() - cpu:6.2f} "
        f"{probe.peak_rss_mb - before:8.0f} "
        f"{statistics.median(probe.latencies) * 1000:10.1f} "
        f"{percentile(probe.latencies, 0.99) * 1000:7.1f} {probe.failures:4d}",
        flush=True,
    )


if __name__ == "__main__":
    main()
