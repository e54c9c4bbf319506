"""`clientcentric serve` under a supervisor: a taken port or an unsafe key is one plain sentence and a non-zero exit,
and after `kill -9` of the master its workers die with it so that a restart binds the port at once."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import clientcentric

SOURCE = str(Path(clientcentric.__file__).resolve().parent.parent)
# Starting Django with the classifiers takes seconds on a loaded machine; a hang takes longer than this.
BOOT_SECONDS = 90

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers die with the master on Linux"
)


def _environment(tmp_path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "CLIENTCENTRIC_DEBUG")
    }
    env.update(
        PYTHONPATH=SOURCE,
        CLIENTCENTRIC_VAR_DIR=str(tmp_path / "var"),
        CLIENTCENTRIC_LOG_LEVEL="WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    env.update(overrides)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path, port: int, **environment) -> subprocess.Popen:
    # Output to a file: a pipe would stay open in any worker that outlived the master, and could fill up.
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "clientcentric.cli", "serve", "--port", str(port), "--workers", "1"],
            env=_environment(tmp_path, **environment),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server.log = log
    return server


def _finished(server: subprocess.Popen) -> str:
    server.wait(timeout=BOOT_SECONDS)
    return server.log.read_text()


def _wait_until_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the server did not answer on port {port} within {BOOT_SECONDS} s")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_restart_after_kill_9_of_the_master_comes_up(tmp_path):
    port = _free_port()
    first = _serve(tmp_path, port)
    second = None
    try:
        _wait_until_healthy(port, first)
        workers = _children(first.pid)
        assert workers
        # A request in flight, which a worker would finish (holding the port) before noticing its master is gone.
        pending = socket.create_connection(("127.0.0.1", port))
        pending.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        first.send_signal(signal.SIGKILL)
        first.wait()
        deadline = time.monotonic() + 5
        while any(_alive(worker) for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        pending.close()
        assert not any(_alive(worker) for worker in workers), "orphaned workers outlived their master"
        second = _serve(tmp_path, port)
        _wait_until_healthy(port, second)
    finally:
        for server in (first, second):
            if server is not None:
                _stop(server)


def test_serve_on_a_taken_port_exits_with_a_message_and_no_traceback(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        server = _serve(tmp_path, taken.getsockname()[1])
        output = _finished(server)
    assert server.returncode != 0
    assert "Address already in use" in output and "Traceback" not in output


@pytest.mark.parametrize("key", ["", "insecure-development-key-change-me-in-production"])
def test_serve_refuses_the_built_in_or_an_empty_secret_key(tmp_path, key):
    server = _serve(tmp_path, _free_port(), SECRET_KEY=key)
    output = _finished(server)
    assert server.returncode != 0
    assert "SECRET_KEY" in output and "Traceback" not in output


def test_the_wsgi_application_refuses_the_built_in_key_too(tmp_path):
    # gunicorn or uwsgi started without `clientcentric serve` load this module.
    env = _environment(tmp_path)
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "-c", "import clientcentric.config.wsgi"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "Refusing to serve" in result.stderr
    env["CLIENTCENTRIC_DEBUG"] = "true"
    assert subprocess.run([sys.executable, "-c", "import clientcentric.config.wsgi"], env=env).returncode == 0
