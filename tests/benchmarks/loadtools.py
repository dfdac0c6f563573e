"""What the benchmarks share: free ports, waiting for a server, wrk runs and their figures,
and launching the mock. 127.0.0.1 only; every wrk run is bounded by its duration."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DURATION = os.environ.get("BENCH_DURATION", "10s")
P = "/v1/tenants/demo/stores/main"

Figures = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 120) -> float:
    """Seconds until ``url`` answers at all (any status)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            urllib.request.urlopen(url, timeout=max(timeout - (time.monotonic() - started), 1))
            return time.monotonic() - started
        except urllib.error.HTTPError:
            return time.monotonic() - started  # it answered, if not with 2xx
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


def ensure_command(command: str, package: str) -> str:
    """The path of ``command``, installed from Debian's ``package`` when missing."""
    found = shutil.which(command)
    if found:
        return found
    print(f"installing {package} from Debian's packages ...", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True)
    return shutil.which(command) or command


def ensure_wrk() -> str:
    return ensure_command("wrk", "wrk")


def lua(method: str, body: dict[str, Any]) -> str:
    """A wrk script sending ``body`` as JSON with ``method``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(
            f'wrk.method = "{method}"\nwrk.body = [[{json.dumps(body)}]]\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
    return handle.name


def _milliseconds(value: str, unit: str) -> float:
    number = float(value)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number


def wrk(
    binary: str,
    url: str,
    *,
    script: str | None = None,
    threads: int = 2,
    connections: int = 32,
    duration: str | None = None,
) -> Figures:
    """One bounded wrk run: req/s, p50 and p99 in ms, non-2xx answers and socket errors."""
    command = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration or DURATION}",
        "--timeout",
        "2s",
        "--latency",
        url,
    ]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise RuntimeError(f"wrk gave no rate for {url}:\n{output}")

    def percentile(name: str) -> float:
        match = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", output)
        return _milliseconds(match.group(1), match.group(2)) if match else float("nan")

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    done = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(rate.group(1)),
        "requests": int(done.group(1)) if done else 0,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
        "timeouts": int(sockets.group(4)) if sockets else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()[:3]) if sockets else 0,
    }


def start_mock(
    *args: str, ready: str = f"{P}/service-orders?perPage=1"
) -> tuple[subprocess.Popen[bytes], str, float]:
    """``servicestub serve`` as `make serve` runs it, on a free port; seconds to its first
    answer at ``ready``."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "servicestub", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{origin}{ready}")
    except BaseException:
        stop(process)
        raise
    return process, origin, time.monotonic() - started


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ends a server this benchmark started (its own pid only)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def uvicorn_command(app: str, port: int, loop: str = "auto") -> list[str]:
    """``uvicorn`` serving ``app`` (``module:attribute`` of this directory) on 127.0.0.1:``port``
    with servicestub's settings (servicestub/server.py): httptools, no websockets, keep-alive
    5 s, log level info with the access log on (its output discarded by the caller). The
    event ``loop`` is uvicorn's default (uvloop) unless told: the bare app's rate is the
    stack's limit at its fastest; servicestub itself runs on uvloop with its own accepting
    (``servicestub.server:event_loop``)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(__file__).parent),
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--http",
        "httptools",
        "--ws",
        "none",
        "--timeout-keep-alive",
        "5",
        "--log-level",
        "info",
        "--loop",
        loop,
    ]
