"""P1 and P5: requests per second over HTTP, against a bare Starlette app and against Prism.

Load comes from ``wrk`` (keep-alive connections, bounded in time, 127.0.0.1 only) when it is
installed, else from a small asyncio client on raw keep-alive sockets; whichever is used, every
server of one run is measured with the same one.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import Result, at_least, fleet, reported

HERE = Path(__file__).resolve().parent
PATH = "/api/v1/actions/invoke/devices_GetProperty"
CONNECTIONS = 16
ROUNDS = 10  # short alternating rounds, so that a drifting machine weighs on both sides alike
P1_GOAL = 0.8
P5_GOAL = 3.0
PRISM = "@stoplight/prism-cli@5"


def request_body() -> tuple[bytes, str]:
    """The GetProperty body (the fake's device is deterministic) and the admin token."""
    hub, [device_id] = fleet(1)
    body = json.dumps({"deviceId": device_id, "name": "app.setting-0"}).encode()
    return body, hub.admin_token


@contextmanager
def process(command: list[str], ready: str, cwd: Path | None = None) -> Iterator[int]:
    """Start a server, wait for its ready line naming the port, stop it afterwards."""
    child = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    try:
        for line in child.stdout:
            match = re.search(ready, line)
            if match:
                yield int(match.group(1))
                return
        raise RuntimeError(f"{command[0]} exited before it was ready")
    finally:
        child.terminate()
        child.wait(timeout=30)
        child.stdout.close()


def wrk(port: int, body: bytes, token: str, seconds: float) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body.decode())}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        )
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    match = re.search(r"Requests/sec:\s*([0-9.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match is None or errors is not None:
        raise RuntimeError(f"wrk failed or saw errors:\n{output}")
    return float(match.group(1))


async def _client(port: int, request: bytes, deadline: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    while time.perf_counter() < deadline:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        done += 1
    counts.append(done)
    writer.close()


def python_load(port: int, body: bytes, token: str, seconds: float) -> float:
    request = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    counts: list[int] = []

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_client(port, request, deadline, counts) for _ in range(CONNECTIONS))
        )

    started = time.perf_counter()
    asyncio.run(main())
    return sum(counts) / (time.perf_counter() - started)


def load(port: int, body: bytes, token: str, seconds: float) -> float:
    generator = wrk if shutil.which("wrk") else python_load
    generator(port, body, token, min(seconds, 1.0))  # warm-up
    return generator(port, body, token, seconds)


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "asyncio client (install wrk for a lighter load)"


def serve(kind: str) -> list[str]:
    return [sys.executable, str(HERE / "servers.py"), kind, "0"]


def compare(ports: tuple[int, int], body: bytes, token: str, seconds: float) -> tuple[float, float]:
    """Best requests/s of each server over alternating rounds, so that what else the machine
    does at some moment weighs on both sides alike."""
    best = [0.0, 0.0]
    for _ in range(ROUNDS):
        for side, port in enumerate(ports):
            best[side] = max(best[side], load(port, body, token, seconds / ROUNDS))
    return best[0], best[1]


def run_p1(quick: bool) -> Result:
    seconds = 3.0 if quick else 15.0
    body, token = request_body()
    with (
        process(serve("fake"), r"listening on (\d+)") as fake_port,
        process(serve("bare"), r"listening on (\d+)") as bare_port,
    ):
        fake, bare = compare((fake_port, bare_port), body, token, seconds)
    return at_least(
        "P1 HTTP fake / bare Starlette",
        fake / bare,
        P1_GOAL,
        f"{fake:,.0f} vs {bare:,.0f} req/s (best of {ROUNDS} alternating rounds), "
        f"{CONNECTIONS} keep-alive connections, {generator_name()}",
    )


def run_p5(quick: bool) -> Result:
    npx = shutil.which("npx")
    if npx is None:
        return Result("P5 fake / Prism", 0.0, f">= {P5_GOAL:g}", False, "npx not found")
    seconds = 3.0 if quick else 15.0
    body, token = request_body()
    sys.path.insert(0, str(HERE.parent))
    from nexigon_fake.serve.openapi import build_openapi

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "openapi.json").write_text(json.dumps(build_openapi("bench")))
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", PRISM],
            cwd=directory,
            check=True,
            capture_output=True,
        )
        prism = [str(directory / "node_modules" / ".bin" / "prism"), "mock", "-p"]
        command = [*prism, str(free_port()), "openapi.json"]
        ready = r"Prism is listening on http://127\.0\.0\.1:(\d+)"
        with (
            process(serve("fake"), r"listening on (\d+)") as fake_port,
            process(command, ready, directory) as peer_port,
        ):
            fake, peer = compare((fake_port, peer_port), body, token, seconds)
    return reported(
        "P5 fake / Prism (reported)",
        fake / peer,
        P5_GOAL,
        f"{fake:,.0f} vs {peer:,.0f} req/s on the same action and load, "
        f"best of {ROUNDS} alternating rounds ({generator_name()})",
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
