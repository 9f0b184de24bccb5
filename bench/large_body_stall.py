"""How long an 8 MiB body stalls other clients of a served hub (issue 18, item 8).

Starts ``nexigon-fake serve`` on 127.0.0.1, then, while one client posts 8 MiB bodies (valid
JSON that takes the longest to decode and check, garbage, deep brackets), another calls a cheap
action in a loop and records its latencies. Prints the other client's worst and median latency
with and without the large bodies in flight.

    python bench/large_body_stall.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import start_server, stop_server

SIZE = 8 * 1024 * 1024 - 64
SMALL_POSTS_PER_ROUND = 50


def bodies() -> dict[str, bytes]:
    event = {
        "eventId": "d_ev_20260101-0000-11111111",
        "severity": "Info",
        "body": "a" * 100,
        "attributes": {},
        "emittedAt": "2026-01-01T00:00:00Z",
    }
    many = json.dumps({"deviceId": "d_" + "1" * 22, "events": [event] * 40_000}).encode()
    return {"events": many[:SIZE], "garbage": b"\xff" * SIZE, "deep": b"[" * SIZE}


def probe(url: str, token: str, stop: threading.Event, latencies: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.is_set():
            started = time.perf_counter()
            http.post(
                "/api/v1/actions/invoke/actor_GetActor",
                json={},
                headers={"Authorization": f"Bearer {token}"},
            )
            latencies.append(time.perf_counter() - started)


def measure(url: str, token: str, body: bytes | None, rounds: int) -> list[float]:
    latencies: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(url, token, stop, latencies))
    prober.start()
    with httpx.Client(base_url=url, timeout=60) as http:
        for _ in range(rounds):
            if body is None:  # the baseline: the same loop with small bodies, no wall-clock wait
                for _ in range(SMALL_POSTS_PER_ROUND):
                    http.post(
                        "/api/v1/actions/invoke/devices_PublishEvents",
                        content=b"{}",
                        headers={"Authorization": f"Bearer {token}"},
                    )
            else:
                http.post(
                    "/api/v1/actions/invoke/devices_PublishEvents",
                    content=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
    stop.set()
    prober.join()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    server = start_server("--journal-bytes", str(8 * 1024 * 1024))
    try:
        cases: dict[str, bytes | None] = {"idle": None, **bodies()}
        for name, body in cases.items():
            latencies = measure(server.url, server.admin_token, body, args.rounds)
            print(
                f"{name:8s} other client: worst {max(latencies) * 1000:7.1f} ms, "
                f"median {statistics.median(latencies) * 1000:6.2f} ms over {len(latencies)} calls"
            )
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
