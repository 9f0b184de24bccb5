"""Configuring the fake hubs: the ``nexigon`` marker and the ``--nexigon-*`` options."""

from __future__ import annotations

import json
import re

import pytest

pytest_plugins = ["pytester"]

FIXTURE_FILE = {
    "format": "nexigon-fake-fixture/1",
    "description": "written by test_plugin_config.py",
    "projects": [
        {
            "key": "lab",
            "name": "From a file",
            "devices": [{"key": "probe", "name": "Probe"}],
        }
    ],
}


@pytest.fixture
def fixture_file(inner: pytest.Pytester) -> str:
    """A fixture JSON file of one project with one device, by absolute path."""
    path = inner.path / "data" / "lab.json"
    path.parent.mkdir()
    path.write_text(json.dumps(FIXTURE_FILE))
    return str(path)


def test_seed(inner: pytest.Pytester) -> None:
    """The seed decides ids and secrets: the same seed gives the same ones, another other ones,
    for the in-process hub and the live server alike."""
    inner.makepyfile(
        test_seed="""
        import pytest

        DRAWN = {}


        def draw(hub):
            created = hub.projects.create(organization_id=hub.default_organization_id, name="p")
            return created.project_id, hub.admin_token, hub.default_organization_id


        def test_default(nexigon_hub):
            assert nexigon_hub.seed == 0
            DRAWN[0] = draw(nexigon_hub)


        @pytest.mark.nexigon(seed=7)
        def test_seven(nexigon_hub):
            assert nexigon_hub.seed == 7
            DRAWN[7] = draw(nexigon_hub)


        @pytest.mark.nexigon(seed=7)
        def test_seven_again(nexigon_hub):
            assert draw(nexigon_hub) == DRAWN[7]


        @pytest.mark.nexigon(seed=7)
        def test_seven_on_the_server(nexigon_server):
            assert nexigon_server.hub.seed == 7
            assert draw(nexigon_server.hub) == DRAWN[7]


        def test_server_back_to_zero(nexigon_server):
            assert draw(nexigon_server.hub) == DRAWN[0]


        def test_seeds_differ():
            for ours, theirs in zip(DRAWN[0], DRAWN[7]):
                assert ours != theirs
        """
    )
    inner.runpytest().assert_outcomes(passed=6)


def test_now(inner: pytest.Pytester) -> None:
    """``now`` freezes the clock at an RFC 3339 text or an aware datetime."""
    inner.makepyfile(
        test_now="""
        import datetime as dt

        import httpx
        import pytest
        import inner_helpers as h

        UTC = dt.timezone.utc


        @pytest.mark.nexigon(now="2030-01-02T03:04:05Z")
        def test_text(nexigon_hub):
            assert nexigon_hub.clock.now() == dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
            assert nexigon_hub.clock.frozen


        @pytest.mark.nexigon(now="2030-01-02T03:04:05+02:00")
        def test_offset(nexigon_client):
            clock = h.ok(nexigon_client.get("/_fake/clock"))
            assert clock == {"now": "2030-01-02T01:04:05Z", "frozen": True}


        @pytest.mark.nexigon(now=dt.datetime(2031, 6, 7, 8, 9, 10, tzinfo=UTC))
        def test_datetime(nexigon_hub):
            assert nexigon_hub.clock.now() == dt.datetime(2031, 6, 7, 8, 9, 10, tzinfo=UTC)


        @pytest.mark.nexigon(now="2032-12-31T23:59:59Z")
        def test_server(nexigon_server):
            clock = h.ok(httpx.get(nexigon_server.url + "/_fake/clock"))
            assert clock["now"] == "2032-12-31T23:59:59Z"


        def test_server_back_to_default(nexigon_server):
            assert nexigon_server.hub.clock.now() == h.START
        """
    )
    inner.runpytest().assert_outcomes(passed=5)


def test_strict(inner: pytest.Pytester) -> None:
    """``strict=True`` rejects unknown request fields; the default ignores them."""
    inner.makepyfile(
        test_strict="""
        import httpx
        import pytest
        import inner_helpers as h


        def create(http):
            body = {"organizationId": h.organization(http), "name": "p", "colour": "red"}
            return http.post(h.INVOKE + "projects_Create", json=body)


        def live(server):
            headers = {"Authorization": f"Bearer {server.admin_token}"}
            return httpx.Client(base_url=server.url, headers=headers)


        @pytest.mark.nexigon(strict=True)
        def test_strict(nexigon_client, nexigon_hub):
            assert nexigon_hub.config.strict
            response = create(nexigon_client)
            assert response.status_code == 400
            assert response.json()["kind"] == "Invalid"
            assert "colour" in response.json()["message"]


        def test_lenient_by_default(nexigon_client):
            assert create(nexigon_client).status_code == 200


        @pytest.mark.nexigon(strict=False)
        def test_explicitly_lenient(nexigon_client):
            assert create(nexigon_client).status_code == 200


        @pytest.mark.nexigon(strict=True)
        def test_strict_server(nexigon_server):
            with live(nexigon_server) as http:
                assert create(http).status_code == 400


        def test_server_lenient_again(nexigon_server):
            with live(nexigon_server) as http:
                assert create(http).status_code == 200
        """
    )
    inner.runpytest().assert_outcomes(passed=5)


def test_fixture(inner: pytest.Pytester, fixture_file: str) -> None:
    """``fixture`` loads a built-in fixture by name, or a fixture file by path."""
    inner.makepyfile(
        test_fixture="""
        import pathlib

        import httpx
        import pytest
        import inner_helpers as h

        FILE = {{fixture_file}}


        def names(hub):
            return [project.name for project in hub.projects.query().projects]


        @pytest.mark.nexigon(fixture="showcase")
        def test_showcase(nexigon_hub, nexigon_client):
            assert names(nexigon_hub) == ["Gateways", "Environmental Sensors"]
            assert "gw-healthy" in nexigon_hub.fixture.devices
            assert h.project_names(nexigon_client) == names(nexigon_hub)


        @pytest.mark.nexigon(fixture="showcase")
        def test_showcase_again_fresh(nexigon_hub):
            assert len(nexigon_hub.journal) == 0
            assert names(nexigon_hub) == ["Gateways", "Environmental Sensors"]


        @pytest.mark.nexigon(fixture="showcase")
        def test_showcase_on_the_server(nexigon_server):
            headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
            with httpx.Client(base_url=nexigon_server.url, headers=headers) as http:
                assert h.project_names(http) == ["Gateways", "Environmental Sensors"]
                h.create_project(http, "extra")


        def test_server_without_fixture_again(nexigon_server):
            assert nexigon_server.hub.fixture is None
            assert names(nexigon_server.hub) == []


        @pytest.mark.nexigon(fixture=FILE)
        def test_file(nexigon_hub):
            assert names(nexigon_hub) == ["From a file"]
            assert sorted(nexigon_hub.fixture.devices) == ["probe"]


        @pytest.mark.nexigon(fixture=pathlib.Path(FILE))
        def test_path_object_on_the_server(nexigon_server):
            assert names(nexigon_server.hub) == ["From a file"]


        @pytest.mark.nexigon(fixture="no-such-fixture")
        def test_unknown_fixture(nexigon_hub):
            pass
        """.replace("{{fixture_file}}", repr(fixture_file))
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(["*no-such-fixture*no built-in fixture of that name*showcase*"])


def test_all_settings_together_same_hub_in_process_and_served(inner: pytest.Pytester) -> None:
    """The README's example settings: the in-process hub and the live server's hub start in
    exactly the same state (snapshots equal), test after test."""
    inner.makepyfile(
        test_together="""
        import pytest

        SNAPSHOTS = []
        SETTINGS = pytest.mark.nexigon(
            seed=7, now="2030-01-01T00:00:00Z", fixture="showcase", strict=True
        )


        def check(hub):
            assert (hub.seed, hub.config.strict, hub.clock.now().year) == (7, True, 2030)
            details = hub.devices.get_details(device_id=hub.fixture.devices["gw-degraded"])
            assert details.is_connected
            SNAPSHOTS.append(hub.snapshot())
            hub.devices.delete(device_id=hub.fixture.devices["gw-degraded"])


        @SETTINGS
        def test_in_process(nexigon_hub):
            check(nexigon_hub)


        @SETTINGS
        def test_served(nexigon_server):
            check(nexigon_server.hub)


        @SETTINGS
        def test_served_again(nexigon_server):
            check(nexigon_server.hub)


        @SETTINGS
        def test_in_process_again(nexigon_hub):
            check(nexigon_hub)


        def test_all_the_same():
            assert len(SNAPSHOTS) == 4
            assert all(snapshot == SNAPSHOTS[0] for snapshot in SNAPSHOTS)
        """
    )
    inner.runpytest().assert_outcomes(passed=5)


def test_markers_on_class_and_module_closest_wins(inner: pytest.Pytester) -> None:
    """Module and class markers apply; per key the closest marker wins."""
    inner.makepyfile(
        test_levels="""
        import datetime as dt

        import pytest
        import inner_helpers as h

        pytestmark = pytest.mark.nexigon(seed=3, strict=True)
        CLASS_NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


        def settings(hub):
            return hub.seed, hub.clock.now(), hub.config.strict


        def test_module_marker(nexigon_hub):
            assert settings(nexigon_hub) == (3, h.START, True)


        @pytest.mark.nexigon(now="2030-01-01T00:00:00Z", seed=5)
        class TestClassMarker:
            def test_class_beats_module(self, nexigon_hub):
                assert settings(nexigon_hub) == (5, CLASS_NOW, True)

            @pytest.mark.nexigon(seed=9)
            def test_function_beats_class(self, nexigon_hub):
                assert settings(nexigon_hub) == (9, CLASS_NOW, True)

            @pytest.mark.nexigon(strict=False)
            @pytest.mark.nexigon(seed=11)
            def test_two_function_markers(self, nexigon_server):
                assert settings(nexigon_server.hub) == (11, CLASS_NOW, False)
        """
    )
    inner.runpytest().assert_outcomes(passed=4)


BAD_MARKERS = {
    "positional": ("7", "nexigon marker takes keyword arguments only"),
    "unknown": (
        "sead=7",
        "nexigon marker: unknown argument(s) ['sead']; it takes seed, now, fixture, strict, "
        "all_fired, cors",
    ),
    "negative_seed": ("seed=-1", "nexigon: the seed must be an integer >= 0, not -1"),
    "text_seed": ("seed='7'", "nexigon: the seed must be an integer >= 0, not '7'"),
    "bool_seed": ("seed=True", "nexigon: the seed must be an integer >= 0, not True"),
    "text_strict": ("strict='yes'", "nexigon marker: `strict` must be a boolean, not 'yes'"),
    "bad_now": ("now='yesterday'", "nexigon marker: `now` 'yesterday': *"),
    "naive_now": (
        "now=dt.datetime(2030, 1, 1)",
        "nexigon marker: `now` must be a timezone-aware datetime or RFC 3339 text, not *",
    ),
    "number_now": ("now=5", "nexigon marker: `now` must be a timezone-aware datetime *, not 5"),
}


def test_bad_marker_arguments_are_usage_errors(inner: pytest.Pytester) -> None:
    """Each bad marker fails its test's setup with a ``UsageError`` that says what is wrong."""
    tests = [
        f"@pytest.mark.nexigon({arguments})\ndef test_{name}(nexigon_hub):\n    pass\n"
        for name, (arguments, _) in BAD_MARKERS.items()
    ]
    tests.append("@pytest.mark.nexigon(seed='x')\ndef test_server(nexigon_server):\n    pass\n")
    tests.append("@pytest.mark.nexigon(seed=1)\ndef test_good(nexigon_hub):\n    pass\n")
    inner.makepyfile(test_bad="import datetime as dt\n\nimport pytest\n\n\n" + "\n\n".join(tests))
    result = inner.runpytest()
    result.assert_outcomes(passed=1, errors=len(BAD_MARKERS) + 1)
    sections = setup_errors(result.stdout.str())
    assert sorted(sections) == sorted([f"test_{name}" for name in BAD_MARKERS] + ["test_server"])
    for name, (_, message) in BAD_MARKERS.items():
        pytest.LineMatcher(sections[f"test_{name}"]).fnmatch_lines(
            ["E * pytest.UsageError: " + message.replace("[", "[[]")]
        )
    pytest.LineMatcher(sections["test_server"]).fnmatch_lines(
        ["E * pytest.UsageError: nexigon: the seed must be an integer >= 0, not 'x'"]
    )


def setup_errors(output: str) -> dict[str, list[str]]:
    """The lines of each ``ERROR at setup of <test>`` section of a pytest report, by test."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        header = re.fullmatch(r"_+ ERROR at setup of (\S+) _+", line)
        if header:
            current = sections[header.group(1)] = []
        elif re.fullmatch(r"=+ .* =+", line):
            current = None
        elif current is not None:
            current.append(line)
    return sections


def test_marker_is_registered(inner: pytest.Pytester) -> None:
    """``--markers`` documents it; ``--strict-markers`` (in the inner ini) accepts it."""
    result = inner.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.nexigon(seed=0, now=None, fixture=None, strict=False, "
            "all_fired=False): configure this test's fake Nexigon Hub*"
        ]
    )


def test_help_lists_the_options(inner: pytest.Pytester) -> None:
    result = inner.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "nexigon-fake: a fake Nexigon Hub for tests:",
            "*--nexigon-seed=NEXIGON_SEED*",
            "*seed of the fake hub's ids and secrets*",
            "*--nexigon-fixture=NEXIGON_FIXTURE*",
            "*--nexigon-url=NEXIGON_URL*",
            "*--nexigon-token=NEXIGON_TOKEN*",
            "*bearer token for --nexigon-url*",
        ]
    )


def test_seed_option(inner: pytest.Pytester) -> None:
    """``--nexigon-seed`` seeds every hub; a marker still wins."""
    inner.makepyfile(
        test_seed_option="""
        import pytest


        def test_option(nexigon_hub):
            assert nexigon_hub.seed == 4


        def test_option_on_the_server(nexigon_server):
            assert nexigon_server.hub.seed == 4


        @pytest.mark.nexigon(seed=0)
        def test_marker_wins(nexigon_hub):
            assert nexigon_hub.seed == 0
        """
    )
    inner.runpytest("--nexigon-seed", "4").assert_outcomes(passed=3)
    inner.runpytest("--nexigon-seed=4").assert_outcomes(passed=3)
    inner.runpytest().assert_outcomes(passed=1, failed=2)


def test_bad_seed_option(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_one="def test_hub(nexigon_hub):\n    pass\n")
    not_a_number = inner.runpytest("--nexigon-seed", "many")
    assert not_a_number.ret == pytest.ExitCode.USAGE_ERROR
    not_a_number.stderr.fnmatch_lines(["*--nexigon-seed: invalid int value: 'many'*"])
    negative = inner.runpytest("--nexigon-seed=-2")
    assert negative.ret == pytest.ExitCode.USAGE_ERROR
    negative.stderr.fnmatch_lines(["*--nexigon-seed must be an integer >= 0, not -2*"])


def test_fixture_option(inner: pytest.Pytester, fixture_file: str) -> None:
    """``--nexigon-fixture`` loads into every hub, by name or path; a marker still wins."""
    inner.makepyfile(
        test_fixture_option="""
        import pytest

        FILE = {{fixture_file}}


        def names(hub):
            return [project.name for project in hub.projects.query().projects]


        def test_option(nexigon_hub):
            assert names(nexigon_hub) == ["Gateways", "Environmental Sensors"]


        def test_option_on_the_server(nexigon_server):
            assert names(nexigon_server.hub) == ["Gateways", "Environmental Sensors"]


        @pytest.mark.nexigon(fixture=FILE)
        def test_marker_wins(nexigon_hub):
            assert names(nexigon_hub) == ["From a file"]
        """.replace("{{fixture_file}}", repr(fixture_file))
    )
    inner.runpytest("--nexigon-fixture", "showcase").assert_outcomes(passed=3)
    inner.makepyfile(
        test_fixture_option="""
        def test_file(nexigon_hub):
            assert [project.name for project in nexigon_hub.projects.query().projects] == [
                "From a file"
            ]
        """
    )
    inner.runpytest(f"--nexigon-fixture={fixture_file}").assert_outcomes(passed=1)


def test_fleet_fixture_option(inner: pytest.Pytester) -> None:
    """The 1,000-device built-in fleet, loaded once per session and restored per test."""
    inner.makepyfile(
        test_fleet="""
        import pytest


        @pytest.mark.parametrize("n", range(2))
        def test_fleet(n, nexigon_server, nexigon_hub):
            assert nexigon_hub is nexigon_server.hub
            assert len(nexigon_hub.fixture.devices) == 1000
            projects = nexigon_hub.projects.query().projects
            assert len(projects) == 4
            assert len(nexigon_hub.journal) == 1
            victim = nexigon_hub.fixture.devices[sorted(nexigon_hub.fixture.devices)[n]]
            nexigon_hub.devices.delete(device_id=victim)
        """
    )
    inner.runpytest("--nexigon-fixture", "fleet-1000").assert_outcomes(passed=2)


def test_unknown_fixture_option(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_one="def test_hub(nexigon_hub):\n    pass\n")
    result = inner.runpytest("--nexigon-fixture", "nope")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nope: no such file, and no built-in fixture of that name*"])
