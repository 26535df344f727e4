"""`make run` sets up the demo shop on SQLite and serves the admin login on the address it prints."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, *, seconds: float) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_run_serves_the_admin_login_with_demo_data(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}"}
    env.pop("MAKEFLAGS", None)
    venv = Path(sys.prefix)  # the environment running the tests: `make run` must not build another
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}", f"VENV={venv}"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        status, page = wait_for(f"http://127.0.0.1:{port}/admin/login/", seconds=180)
        assert status == 200
        assert 'name="username"' in page and "Shop backoffice" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/admin/" in output
    assert "Staff login: admin / admin" in output
    assert "Demo shop ready" in output
