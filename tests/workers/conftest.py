"""Proof that pytest-xdist workers never share a fake hub or a server port.

Run as ``python -m pytest -n 2 tests/workers`` (and, without ``-n``, as part of the normal suite).

Each test of ``test_worker_isolation.py`` records, through the ``isolation_record`` fixture, the
worker it ran on, that worker's process id, the port of ``nexigon_server`` (when it used one)
and the state the hub showed it before it changed anything. A worker hands its records to the
controller with xdist's own channel (``config.workeroutput``, delivered to the controller's
``pytest_testnodedown``); without xdist the records stay in this process.

After the session the controller (never a worker) checks them and fails the session, saying
why, unless: exactly as many workers reported as were started (``-n``; one without xdist),
each test of this directory left one record, each worker ran in one process and used exactly
one server port, no two workers shared a port or a process, and every test saw a clean hub.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OUTPUT_KEY = "nexigon_isolation_records"
HERE = Path(__file__).parent

# What every test must see before it changes anything: the plugin's fresh default hub.
CLEAN = {
    "projects": [],
    "journal": 0,
    "faults": 0,
    "now": "2026-05-04T07:00:00Z",
    "seed": 0,
}


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


class IsolationCheck:
    """The records of this process (a worker's, or the controller's) and, on the controller,
    the records the workers sent and which tests of this directory ran."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.records: list[dict[str, Any]] = []
        self.ran: set[str] = set()

    def workers_started(self) -> int:
        """How many workers the controller started: ``-n`` under xdist, else itself alone."""
        if self.config.getoption("dist", "no") == "no":
            return 1
        return int(self.config.getoption("numprocesses") or 0) or 1

    def add(self, record: dict[str, Any]) -> None:
        if _is_worker(self.config):
            output = self.config.workeroutput  # type: ignore[attr-defined]
            output.setdefault(OUTPUT_KEY, []).append(record)
        else:
            self.records.append(record)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist, on the controller: a worker finished; keep the records it sent."""
        output = getattr(node, "workeroutput", None) or {}
        self.records.extend(output.get(OUTPUT_KEY, []))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Which tests of this directory ran (got to their call phase), wherever they ran."""
        path = self.config.rootpath / report.nodeid.split("::")[0]
        if report.when == "call" and path.parent == HERE:
            self.ran.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if _is_worker(self.config):
            return
        if not self.ran and not self.records:
            return  # this directory's tests did not run (deselected, or not collected)
        workers = self.workers_started()
        found = problems(self.records, self.ran, workers)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        records = self.records
        ports = sorted({record["port"] for record in records if record.get("port") is not None})
        if not found:
            if reporter is not None:
                reporter.write("\n")  # after the progress line
                reporter.write_line(
                    f"nexigon isolation: {len(records)} tests on {workers} worker(s), "
                    f"server ports {ports}, every hub clean"
                )
            return
        lines = ["nexigon isolation check FAILED:", *(f"  - {problem}" for problem in found)]
        if reporter is not None:
            reporter.write("\n")  # after the progress line
            reporter.write_sep("=", "nexigon isolation check", red=True)
            for line in lines:
                reporter.write_line(line, red=True)
        else:
            print("\n".join(lines))
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


CHECK = pytest.StashKey[IsolationCheck]()


def pytest_configure(config: pytest.Config) -> None:
    check = config.stash[CHECK] = IsolationCheck(config)
    config.pluginmanager.register(check, "nexigon-isolation-check")


@pytest.fixture
def isolation_record(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Record what this test saw, for the controller's check."""
    check = request.config.stash[CHECK]

    def record(**seen: Any) -> None:
        check.add(
            {
                "test": request.node.nodeid,
                "worker": os.environ.get("PYTEST_XDIST_WORKER", "controller"),
                "pid": os.getpid(),
                **seen,
            }
        )

    return record


def problems(records: list[dict[str, Any]], ran: set[str], workers: int) -> list[str]:
    """Why the records do not prove isolation (empty when they do)."""
    found: list[str] = []
    by_worker: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_worker.setdefault(record["worker"], []).append(record)
    if len(by_worker) != workers:
        found.append(f"expected {workers} worker(s) to report, got {sorted(by_worker)}")
    recorded = sorted(record["test"] for record in records)
    if recorded != sorted(ran):
        found.append(f"tests that ran: {sorted(ran)}; tests that left a record: {recorded}")
    ports: dict[str, set[int]] = {}
    for worker, rows in sorted(by_worker.items()):
        pids = {row["pid"] for row in rows}
        if len(pids) != 1:
            found.append(f"worker {worker} ran in several processes: {sorted(pids)}")
        ports[worker] = {row["port"] for row in rows if row.get("port") is not None}
        if len(ports[worker]) != 1:
            found.append(f"worker {worker} used server ports {sorted(ports[worker])}, not one")
    all_ports = [port for worker_ports in ports.values() for port in worker_ports]
    if len(all_ports) != len(set(all_ports)):
        found.append(f"workers shared a server port: {ports}")
    all_pids = [{row["pid"] for row in rows} for rows in by_worker.values()]
    if len(set().union(*all_pids)) != len(by_worker):
        found.append("two workers ran in the same process")
    for record in records:
        if record["seen"] != CLEAN:
            found.append(f"{record['test']} on {record['worker']} saw {record['seen']}")
    return found
