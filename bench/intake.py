"""Intake benchmark: POST /api/v1/appeals on PostgreSQL under gunicorn, load from a second process.

Target (the intake issue): on this 2-core machine, ≥ 500 accepted appeals/s with p95 < 100 ms, and every 2xx answer
is exactly one stored appeal (appeals stored == 2xx answers).

    .venv/bin/python bench/intake.py [--seconds 20] [--connections 16] [--configs 2x4,3x4]

End to end and on its own:
1. drops and recreates the database `clientcentric_bench`, runs `clientcentric migrate` and `load_demo` on it,
   creates an integrating system (agency «mfc») and its token; with --with-model N it also imports N labelled rows
   of the St Petersburg appeals and trains the classifier, so that intake classifies every appeal;
2. for each gunicorn configuration WORKERSxTHREADS: starts gunicorn (gthread workers, no access log) on a free
   port, waits for /healthz, warms up, then drives the load from a second process — Debian's `wrk` with
   bench/intake.lua (varied Russian appeals, a unique Idempotency-Key per request), or, when wrk is not installed
   (`apt-get install -y wrk`), a Python load generator (this file with --loadgen-child) — for --seconds;
   the load is closed-loop, and every appeal sent in the window is answered before the counts are taken;
3. after each run counts the 2xx answers and the rows the run added to appeals_appeal, and the CPU used by
   gunicorn, PostgreSQL, the load generator and everything else (the machine may be shared: the figures say so);
4. prints the figures of the best configuration (the fastest with p95 < 100 ms and stored == 2xx, else the
   fastest) against the target; exit status 0 only when all three hold;
5. stops gunicorn and drops the database at the end, also on failure (--keep-db keeps it; --reuse-db then
   measures again on the kept database without setting it up).

With --py-spy PATH it then profiles one worker of the best configuration under the same load (py-spy is not a
project dependency: `pip install --target /tmp/pyspy py-spy` and pass /tmp/pyspy/bin/py-spy), sampling only the
thread that holds the GIL, i.e. the worker's Python CPU, and prints where the samples go (token auth, idempotency
check, classification, routing, deadline policy, full_clean, INSERTs, commit, connection set-up, SQL compilation).

For experiments, --db-options adds a query string to DATABASE_URL (e.g. conn_max_age=60) and --wsgi serves
another WSGI callable (e.g. one that wraps the application with a candidate fix) under the same load.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "intake.lua"
APPEALS_CSV = ROOT / "data" / "appeals" / "spb_gorod_2020-10_2021-02.csv.gz"

TARGET_RATE = 500.0  # accepted appeals per second
TARGET_P95_MS = 100.0
WARMUP_SECONDS = 5
DRAIN_SECONDS = 8  # wrk runs this much longer than the measured window, so every appeal sent gets its answer


# ----------------------------------------------------------------------------------------------------------------
# Database and the project's own commands


def admin_connection(admin_url: str):
    import psycopg

    return psycopg.connect(admin_url, autocommit=True)


def recreate_database(admin_url: str, name: str) -> None:
    with admin_connection(admin_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    with admin_connection(admin_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clientcentric(env: dict, *args: str, timeout: float = 900) -> str:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "clientcentric.cli", *args],
        env=env,
        cwd=env["CLIENTCENTRIC_HOME"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"clientcentric {' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    print(
        f"  clientcentric {' '.join(a for a in args[:2])}: {time.perf_counter() - started:.1f} s", flush=True
    )
    return result.stdout


CREATE_CLIENT = """
from clientcentric.accounts.models import Agency, ApiScope
from clientcentric.accounts.services import issue_token
client, token = issue_token(
    name="intake benchmark %s", agency=Agency.objects.get(code="mfc"), scopes=[ApiScope.APPEALS_WRITE]
)
print("TOKEN", token)
"""


def create_token(env: dict) -> str:
    out = clientcentric(env, "shell", "-c", CREATE_CLIENT % uuid.uuid4().hex[:8])
    match = re.search(r"^TOKEN (\S+)$", out, re.M)
    if not match:
        raise RuntimeError(f"no token in the shell's output:\n{out}")
    return match.group(1)


def train_model(env: dict, rows: int, workdir: Path) -> None:
    """Import `rows` labelled St Petersburg appeals (a fixed random sample) and train the classifier."""
    import csv
    import io

    text = gzip.decompress(APPEALS_CSV.read_bytes()).decode("utf-8")
    table = list(csv.reader(io.StringIO(text, newline="")))
    header, body = table[0], table[1:]
    random.Random(2026).shuffle(body)
    sample = workdir / "appeals_sample.csv"
    with sample.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(body[:rows])
    clientcentric(
        env,
        "appeals",
        "import",
        str(sample),
        "--category-column",
        "reason",
        "--executor-column",
        "executor_org",
        "--skip-invalid",
    )
    clientcentric(env, "appeals", "train", timeout=1800)


def count_appeals(db_url: str, key_prefix: str | None = None) -> int:
    import psycopg

    with psycopg.connect(db_url) as conn:
        if key_prefix is None:
            return conn.execute("SELECT count(*) FROM appeals_appeal").fetchone()[0]
        return conn.execute(
            "SELECT count(*) FROM appeals_appeal WHERE idempotency_key LIKE %s", [key_prefix + "-%"]
        ).fetchone()[0]


# ----------------------------------------------------------------------------------------------------------------
# gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    workers: int
    threads: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)


def start_gunicorn(env: dict, workers: int, threads: int, workdir: Path) -> Server:
    port = free_port()
    log = workdir / f"gunicorn-{workers}x{threads}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            env.get("INTAKE_WSGI_APP", "clientcentric.config.wsgi:application"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=env["CLIENTCENTRIC_HOME"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process, port, log, workers, threads)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as answer:
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(server: Server | None) -> None:
    if server is None or server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def server_errors(server: Server) -> list[str]:
    """The distinct errors gunicorn and Django logged (JSON lines), most frequent first."""
    counts: dict[str, int] = {}
    for line in server.log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or record.get("level") not in ("error", "critical"):
            continue
        exception = (record.get("exception") or "").strip().splitlines()
        what = re.sub(r"\d+", "N", f"{record.get('event', '')} — {exception[-1] if exception else ''}")[:200]
        counts[what] = counts.get(what, 0) + 1
    return [f"{n:6d} × {what}" for what, n in sorted(counts.items(), key=lambda kv: -kv[1])]


# ----------------------------------------------------------------------------------------------------------------
# CPU accounting from /proc (whole machine, and who used it)

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return [raw[: raw.rindex(")") + 1]] + raw[raw.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[2]) == pid:
                found.append(int(entry.name))
    return found


def _tree_ticks(root: int) -> int:
    """CPU ticks of a process, its live children, and its reaped children (cutime/cstime)."""
    fields = _stat(root)
    if fields is None:
        return 0
    total = int(fields[12]) + int(fields[13]) + int(fields[14]) + int(fields[15])
    for child in children(root):
        child_fields = _stat(child)
        if child_fields:
            total += int(child_fields[12]) + int(child_fields[13])
    return total


def _own_and_reaped_ticks(pid: int) -> int:
    fields = _stat(pid)
    return sum(int(v) for v in fields[12:16]) if fields else 0


def postmaster_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields and fields[0].endswith("(postgres)"):
            parent = _stat(int(fields[2]))
            if not parent or not parent[0].endswith("(postgres)"):
                pids.append(int(entry.name))
    return pids


def machine_ticks() -> tuple[int, int]:
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first]
    idle = values[3] + values[4]
    return sum(values[:8]), idle


class CpuMeter:
    def __init__(self, gunicorn_pid: int):
        self.gunicorn_pid = gunicorn_pid
        self.postmasters = postmaster_pids()

    def snapshot(self) -> dict:
        total, idle = machine_ticks()
        return {
            "time": time.monotonic(),
            "total": total,
            "idle": idle,
            "gunicorn": _tree_ticks(self.gunicorn_pid),
            "postgres": sum(_tree_ticks(p) for p in self.postmasters),
            "self": _own_and_reaped_ticks(
                os.getpid()
            ),  # the load generator is our child, reaped when it ends
        }

    @staticmethod
    def shares(before: dict, after: dict) -> dict:
        seconds = after["time"] - before["time"]
        cores = os.cpu_count() or 1

        def pct(key):
            return 100.0 * (after[key] - before[key]) / CLK_TCK / seconds

        busy = (
            100.0 * cores * (1 - (after["idle"] - before["idle"]) / max(1, after["total"] - before["total"]))
        )
        return {
            "gunicorn": pct("gunicorn"),
            "postgres": pct("postgres"),
            "loadgen": pct("self"),
            "busy": busy,
            "capacity": 100.0 * cores,
            "seconds": seconds,
        }


# ----------------------------------------------------------------------------------------------------------------
# Load generation: wrk (preferred) or a Python fallback in a separate process


@dataclass
class LoadResult:
    issued: int = 0
    answered: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: int = 0
    timeouts: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    seconds: float = 0.0
    tool: str = ""

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    @property
    def created(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def failed(self) -> int:
        return sum(n for s, n in self.statuses.items() if not 200 <= s < 300)


def parse_intake_lines(text: str, tool: str, seconds: float) -> LoadResult:
    result = LoadResult(seconds=seconds, tool=tool)
    values = {}
    for line in text.splitlines():
        if not line.startswith("INTAKE "):
            continue
        parts = line.split()
        if parts[1] == "status":
            result.statuses[int(parts[2])] = result.statuses.get(int(parts[2]), 0) + int(parts[3])
        else:
            values[parts[1]] = float(parts[2])
    if "issued" not in values:
        raise RuntimeError(f"the load generator printed no summary:\n{text[-3000:]}")
    result.issued = int(values["issued"])
    result.answered = int(values["answered"])
    result.socket_errors = int(
        values.get("error_connect", 0) + values.get("error_read", 0) + values.get("error_write", 0)
    )
    result.timeouts = int(values.get("error_timeout", 0))
    result.p50_ms = values.get("latency_p50_us", 0) / 1000
    result.p95_ms = values.get("latency_p95_us", 0) / 1000
    result.p99_ms = values.get("latency_p99_us", 0) / 1000
    result.mean_ms = values.get("latency_mean_us", 0) / 1000
    result.max_ms = values.get("latency_max_us", 0) / 1000
    return result


def run_load(args, url: str, token: str, run_id: str, seconds: float) -> LoadResult:
    if args.loadgen == "wrk":
        command = [
            args.wrk,
            f"-t{min(args.wrk_threads, args.connections)}",
            f"-c{args.connections}",
            f"-d{int(seconds + DRAIN_SECONDS)}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            token,
            run_id,
            str(seconds),
        ]
        tool = "wrk"
    else:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--loadgen-child",
            json.dumps(
                {
                    "url": url,
                    "token": token,
                    "run_id": run_id,
                    "seconds": seconds,
                    "connections": args.connections,
                }
            ),
        ]
        tool = "python"
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + DRAIN_SECONDS + 60)
    if done.returncode != 0:
        raise RuntimeError(
            f"{tool} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return parse_intake_lines(done.stdout, tool, seconds)


def lua_texts() -> tuple[list[str], list[str]]:
    """The appeal texts and districts of intake.lua, so that both load generators send the same appeals."""
    source = LUA.read_text(encoding="utf-8")

    def block(name):
        body = re.search(rf"local {name} = \{{(.*?)\n\}}", source, re.S).group(1)
        return re.findall(r'"([^"]*)"', body)

    return block("texts"), block("districts")


def loadgen_child(spec: dict) -> None:
    """Python fallback load generator: closed loop, one keep-alive connection per thread."""
    texts, districts = lua_texts()
    host, port = spec["url"].removeprefix("http://").split(":")
    deadline = time.monotonic() + spec["seconds"]
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counters = {"issued": 0, "answered": 0, "errors": 0}

    def worker(tid: int):
        rnd = random.Random(tid)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            district = rnd.choice(districts)
            body = json.dumps(
                {
                    "text": f"{rnd.choice(texts)} Район: {district}.",
                    "district": district,
                    "address": f"Санкт-Петербург, д. {rnd.randint(1, 150)}",
                    "contact_email": f"user{rnd.randint(1, 99999)}@example.ru",
                    "latitude": 59.84375 + rnd.randint(0, 14) / 64,  # see intake.lua: a 1/64° grid
                    "longitude": 30.203125 + rnd.randint(0, 20) / 64,
                },
                ensure_ascii=False,
            ).encode()
            headers = {
                "Authorization": f"Bearer {spec['token']}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{spec['run_id']}-{tid}-{n}",
            }
            with lock:
                counters["issued"] += 1
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/appeals", body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    counters["errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                counters["answered"] += 1
                latencies.append(elapsed)
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(spec["connections"])]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    ordered = sorted(latencies) or [0.0]

    def pct(p):
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1e6

    lines = [
        f"issued {counters['issued']}",
        f"answered {counters['answered']}",
        f"error_read {counters['errors']}",
    ]
    lines += [f"status {s} {n}" for s, n in statuses.items()]
    lines += [f"latency_p{p}_us {pct(p):.0f}" for p in (50, 75, 90, 95, 99)]
    lines += [
        f"latency_mean_us {statistics.fmean(ordered) * 1e6:.0f}",
        f"latency_max_us {ordered[-1] * 1e6:.0f}",
    ]
    print("\n".join("INTAKE " + line for line in lines))


# ----------------------------------------------------------------------------------------------------------------
# One configuration, the matrix, the report


@dataclass
class Run:
    workers: int
    threads: int
    load: LoadResult
    stored: int  # rows added to appeals_appeal while the measured run went on
    stored_with_run_keys: int  # rows whose Idempotency-Key is one of the run's: one per 2xx answer
    cpu: dict
    errors: list[str]
    background: float  # % CPU busy (of all cores) just before gunicorn started

    @property
    def rate(self) -> float:
        return self.load.ok / self.load.seconds

    @property
    def consistent(self) -> bool:
        # Each 2xx answer is exactly one stored appeal carrying the run's key (every request has its own key, so a
        # row stored for a request that got no 2xx, or twice for one, shows here). Rows added without the run's
        # keys can only be late answers to the warm-up and are reported, not counted.
        return self.load.ok == self.stored_with_run_keys

    def meets(self) -> bool:
        return self.rate >= TARGET_RATE and self.load.p95_ms < TARGET_P95_MS and self.consistent


def background_load(seconds: float = 2.0) -> float:
    """% of all cores busy while nothing of ours runs: other work on the machine skews every figure."""
    total0, idle0 = machine_ticks()
    time.sleep(seconds)
    total1, idle1 = machine_ticks()
    return 100.0 * (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))


def settled_count(db_url: str) -> int:
    """Rows in appeals_appeal once the warm-up's last requests (answered after wrk stopped waiting) are in."""
    count = count_appeals(db_url)
    while True:
        time.sleep(0.5)
        again = count_appeals(db_url)
        if again == count:
            return count
        count = again


def measure(args, env: dict, db_url: str, token: str, workers: int, threads: int, workdir: Path) -> Run:
    background = background_load()
    server = start_gunicorn(env, workers, threads, workdir)
    try:
        run_load(args, server.url, token, f"warm{uuid.uuid4().hex[:8]}", WARMUP_SECONDS)
        run_id = f"r{uuid.uuid4().hex[:10]}"
        rows_before = settled_count(db_url)
        meter = CpuMeter(server.process.pid)
        before = meter.snapshot()
        load = run_load(args, server.url, token, run_id, args.seconds)
        after = meter.snapshot()
        cpu = CpuMeter.shares(before, after)  # the measured window plus the short drain
        stored = count_appeals(db_url) - rows_before
        return Run(
            workers,
            threads,
            load,
            stored,
            count_appeals(db_url, run_id),
            cpu,
            server_errors(server),
            background,
        )
    finally:
        stop_gunicorn(server)


def print_run(run: Run) -> None:
    load = run.load
    other = ", ".join(f"{s}: {n}" for s, n in sorted(load.statuses.items()) if s != 201) or "none"
    print(
        f"  {run.workers}x{run.threads:<3} {run.rate:7.1f} appeals/s   p50 {load.p50_ms:6.1f}  p95 {load.p95_ms:6.1f}  "
        f"p99 {load.p99_ms:6.1f}  max {load.max_ms:7.1f} ms   sent {load.issued}  201: {load.created}  "
        f"other answers: {other}  socket errors {load.socket_errors}  stored {run.stored_with_run_keys}",
        flush=True,
    )
    cpu = run.cpu
    print(
        f"        CPU (of {cpu['capacity']:.0f} %; {run.background:.0f} % busy before the run): busy {cpu['busy']:.0f} %  gunicorn {cpu['gunicorn']:.0f} %  "
        f"postgres {cpu['postgres']:.0f} %  load generator ({load.tool}) {cpu['loadgen']:.0f} %  "
        f"other processes {max(0.0, cpu['busy'] - cpu['gunicorn'] - cpu['postgres'] - cpu['loadgen']):.0f} %",
        flush=True,
    )
    if load.answered:
        # CPU per answer, and the rate those costs would allow if gunicorn and PostgreSQL had every core
        per = {k: cpu[k] / 100 * cpu["seconds"] / load.answered * 1000 for k in ("gunicorn", "postgres")}
        ceiling = cpu["capacity"] / 100 * 1000 / max(0.001, per["gunicorn"] + per["postgres"])
        print(
            f"        CPU per answer: gunicorn {per['gunicorn']:.1f} ms + postgres {per['postgres']:.1f} ms "
            f"-> at most ~{ceiling:.0f} answers/s on {cpu['capacity'] / 100:.0f} otherwise idle cores",
            flush=True,
        )
    for line in run.errors[:5]:
        print(f"        server error {line}", flush=True)


def report(best: Run, args) -> bool:
    rate_ok = best.rate >= TARGET_RATE
    p95_ok = best.load.p95_ms < TARGET_P95_MS
    consistent = best.consistent
    load = best.load
    print(
        f"\nbest configuration: gunicorn {best.workers} workers x {best.threads} threads (gthread); load: {load.tool}, "
        f"{args.connections} connections, {load.seconds:g} s"
    )
    print(
        f"intake throughput       {best.rate:7.0f} appeals/s   target ≥ {TARGET_RATE:.0f}       {'OK' if rate_ok else 'MISSED'}"
    )
    print(
        f"intake p95 latency      {load.p95_ms:7.0f} ms          target < {TARGET_P95_MS:.0f} ms    {'OK' if p95_ok else 'MISSED'}"
    )
    pair = f"{best.stored_with_run_keys} {'==' if consistent else '!='} {load.ok}"
    print(f"appeals stored == 2xx   {pair:<36}{'OK' if consistent else 'MISSED'}")
    notes = []
    if best.stored_with_run_keys != best.stored:
        notes.append(
            f"{best.stored} rows were added during the run, {best.stored - best.stored_with_run_keys} of them "
            "late answers to the warm-up (no key of the run)"
        )
    if load.failed:
        share = 100 * load.failed / max(1, load.answered)
        notes.append(
            "answers other than 2xx: "
            + ", ".join(f"{s} × {n}" for s, n in sorted(load.statuses.items()) if not 200 <= s < 300)
            + f" ({share:.0f} % of the answers)"
        )
    if load.answered != load.issued or load.socket_errors:
        notes.append(
            f"{load.issued - load.answered} appeals sent and never answered, {load.socket_errors} socket errors"
        )
    for note in notes:
        print(f"  note: {note}")
    return rate_ok and p95_ok and consistent


def parse_configs(text: str) -> list[tuple[int, int]]:
    configs = []
    for item in text.split(","):
        workers, threads = item.lower().split("x")
        configs.append((int(workers), int(threads)))
    return configs


# What a request spends its samples on: (label, pattern of a frame "function (file:line)" in py-spy's raw stacks).
PROFILE_PARTS = [
    ("request in Django (WSGIHandler)", r"^WSGIHandler\.__call__ "),
    ("  open the DB connection (CONN_MAX_AGE=0)", r"^BaseDatabaseWrapper\.(connect|ensure_connection) "),
    ("  close the DB connection", r"^close_old_connections |^BaseDatabaseWrapper\.close "),
    ("  django-ninja operation", r"^Operation\.run "),
    ("    token auth (ApiTokenAuth)", r"^ApiTokenAuth\.authenticate "),
    ("    body: JSON + schema", r"^Operation\._get_values |^ViewSignature"),
    ("    response rendering", r"^Operation\._result_to_response "),
    ("    receive_appeal", r"^receive_appeal "),
    ("      idempotency pre-check (_by_key)", r"^_by_key "),
    ("      _register", r"^_register "),
    ("        classify (model lookups + predict)", r"^classify "),
    ("        routing.route", r"^route \(clientcentric"),
    ("        policies.policy_for", r"^policy_for "),
    ("        policies.due_at", r"^due_at "),
    ("        Appeal.full_clean", r"^Model\.full_clean "),
    ("          FK checks (clean_fields)", r"^ForeignKey\.validate "),
    ("          constraint checks", r"^Model\.validate_constraints "),
    ("        rows: take the key (nextval)", r"^_next_key "),
    ("        rows: one INSERT ... WITH statement", r"^_insert_in_one_statement "),
    ("        audit.entry", r"^entry \(clientcentric/core/services/audit"),
    ("  waiting on PostgreSQL (psycopg send/wait)", r"^Connection\.wait |^ClientCursorMixin\._execute_send "),
    ("  SQL compilation (Django ORM as_sql)", r"^SQLCompiler\.as_sql "),
    ("  gettext", r"^gettext |^do_translate "),
]


def profile_summary(raw: Path) -> list[str]:
    stacks = []
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = [re.sub(r"\((?:/[^)]*/site-packages/|/[^)]*/src/)", "(", f) for f in stack.split(";")]
            stacks.append((frames, int(count)))
    total = sum(n for _, n in stacks) or 1
    lines = [f"{'samples':<46} {total:6d}"]
    for label, pattern in PROFILE_PARTS:
        rx = re.compile(pattern)
        hit = sum(n for frames, n in stacks if any(rx.search(f) for f in frames))
        lines.append(f"{label:<46} {100 * hit / total:5.1f} %")
    own: dict[str, int] = {}
    for frames, n in stacks:
        leaf = re.sub(r":\d+\)$", ")", frames[-1])
        own[leaf] = own.get(leaf, 0) + n
    lines.append("hottest functions (self):")
    for leaf, n in sorted(own.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"  {100 * n / total:5.1f} %  {leaf[:110]}")
    return lines


def profile(args, env: dict, token: str, best: Run, workdir: Path) -> None:
    """py-spy on one worker of the best configuration under the same load; an .svg is a flame graph, anything
    else py-spy's raw collapsed stacks, summarised here. Only samples holding the GIL (--gil): the worker's
    Python CPU, which is what bounds throughput; waits on PostgreSQL release the GIL and do not show."""
    server = start_gunicorn(env, best.workers, best.threads, workdir)
    try:
        run_load(args, server.url, token, f"warm{uuid.uuid4().hex[:8]}", WARMUP_SECONDS)
        pid = server.worker_pids()[0]
        seconds = min(15, int(args.seconds))
        out_path = Path(args.profile_out)
        raw = out_path if out_path.suffix != ".svg" else out_path.with_suffix(".raw.txt")
        outcome: list = []

        def load_in_background():
            try:
                outcome.append(run_load(args, server.url, token, f"prof{uuid.uuid4().hex[:8]}", seconds + 4))
            except Exception as error:  # reported below
                outcome.append(error)

        loader = threading.Thread(target=load_in_background)
        loader.start()
        time.sleep(2)  # sample the steady state, not the first requests
        recorders = [
            subprocess.Popen(
                [
                    args.py_spy,
                    "record",
                    "-o",
                    str(path),
                    "--format",
                    fmt,
                    "--pid",
                    str(pid),
                    "--duration",
                    str(seconds),
                    "--rate",
                    "100",
                    "--nonblocking",
                    "--gil",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for path, fmt in {(raw, "raw"), (out_path, "flamegraph" if out_path.suffix == ".svg" else "raw")}
        ]
        for recorder in recorders:
            out, _ = recorder.communicate(timeout=120)
            if recorder.returncode != 0:
                print(f"py-spy failed: {out.strip()[-500:]}")
                return
        loader.join()
        if outcome and isinstance(outcome[0], Exception):
            print(f"the load under the profiler failed: {outcome[0]}")
        elif outcome:
            print(
                f"\nunder the profiler: {outcome[0].ok / outcome[0].seconds:.0f} appeals/s, p95 {outcome[0].p95_ms:.0f} ms"
            )
        print(
            f"\npy-spy on worker {pid} of {best.workers}x{best.threads} for {seconds} s: {out_path}"
            f"{' and ' + str(raw) if raw != out_path else ''}"
        )
        for line in profile_summary(raw):
            print("  " + line)
    finally:
        stop_gunicorn(server)


def source_fingerprint() -> str:
    """Which code was measured: a hash of src/ and the newest change in it (the tree changes under benchmarks)."""
    import hashlib

    digest = hashlib.sha256()
    newest = 0.0
    for path in sorted((ROOT / "src").rglob("*.py")):
        digest.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    changed = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(newest))
    return f"src/**/*.py sha256 {digest.hexdigest()[:12]}, newest change {changed} UTC"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured load per configuration")
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent connections of the load generator"
    )
    parser.add_argument(
        "--configs", default="3x4,4x2,4x4", help="gunicorn WORKERSxTHREADS to try, comma-separated"
    )
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="clientcentric_bench")
    parser.add_argument(
        "--db-options",
        default="",
        help="query string added to DATABASE_URL, e.g. conn_max_age=60 (default: none)",
    )
    parser.add_argument(
        "--with-model",
        type=int,
        default=0,
        metavar="ROWS",
        help="import ROWS labelled St Petersburg appeals and train the classifier first",
    )
    parser.add_argument(
        "--wsgi",
        default="clientcentric.config.wsgi:application",
        help="the WSGI application gunicorn serves (for experiments with a wrapped application)",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--reuse-db", action="store_true", help="use the database kept by --keep-db as it is")
    parser.add_argument(
        "--py-spy", default="", metavar="PATH", help="py-spy binary: profile one worker afterwards"
    )
    parser.add_argument(
        "--profile-out", default="/tmp/intake.svg", help=".svg: flame graph (+ .raw.txt); else raw"
    )
    parser.add_argument("--loadgen-child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.loadgen_child:
        loadgen_child(json.loads(args.loadgen_child))
        return 0

    args.wrk = shutil.which("wrk") or ""
    if args.loadgen in ("auto", "wrk") and not args.wrk:
        message = "wrk is not installed (Debian: apt-get install -y wrk)"
        if args.loadgen == "wrk":
            print(f"intake benchmark: {message}", file=sys.stderr)
            return 2
        print(
            f"NOTE: {message}; falling back to the Python load generator, which shares the 2 cores "
            "with the server less frugally than wrk",
            flush=True,
        )
        args.loadgen = "python"
    elif args.loadgen == "auto":
        args.loadgen = "wrk"

    host = args.admin_url.rsplit("/", 1)[0]
    db_url = f"{host}/{args.database}"
    django_db_url = db_url + (f"?{args.db_options}" if args.db_options else "")
    workdir = Path(tempfile.mkdtemp(prefix="clientcentric-intake-"))
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=django_db_url,
        CLIENTCENTRIC_HOME=str(workdir),
        CLIENTCENTRIC_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="clientcentric.config.settings",
        INTAKE_WSGI_APP=args.wsgi,
        PYTHONPATH=str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    )
    print(
        f"intake benchmark: POST /api/v1/appeals, PostgreSQL {args.database}"
        f"{' (' + args.db_options + ')' if args.db_options else ''}, {os.cpu_count()} cores, "
        f"load from {args.loadgen} with {args.connections} connections for {args.seconds:g} s per configuration",
        flush=True,
    )
    print(f"  source: {source_fingerprint()}", flush=True)
    runs: list[Run] = []
    created = False
    try:
        if not args.reuse_db:
            recreate_database(args.admin_url, args.database)
            created = True
            clientcentric(env, "migrate", "--verbosity", "0")
            clientcentric(env, "load_demo")
        created = True
        token = create_token(env)
        if args.with_model:
            train_model(env, args.with_model, workdir)
        print("gunicorn WORKERSxTHREADS (gthread):", flush=True)
        for workers, threads in parse_configs(args.configs):
            run = measure(args, env, db_url, token, workers, threads, workdir)
            runs.append(run)
            print_run(run)
        print(f"appeals in appeals_appeal after all runs (warm-ups included): {count_appeals(db_url)}")
        passing = [r for r in runs if r.load.p95_ms < TARGET_P95_MS and r.consistent]
        best = max(passing or runs, key=lambda r: r.rate)
        ok = report(best, args)
        if args.py_spy:
            profile(args, env, token, best, workdir)
        return 0 if ok else 1
    finally:
        if created and not args.keep_db:
            drop_database(args.admin_url, args.database)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
