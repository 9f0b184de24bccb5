"""CORS on the ``nexigon_server`` fixture: the ``cors`` marker keyword and ``--nexigon-cors``.

The live server is shared per worker and CORS is fixed when it starts, so a test whose origins
differ from the running server's gets a restarted one (a new URL)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INNER = """
import httpx
import pytest

URLS = {}
INVOKE = "/api/v1/actions/invoke/actor_GetActor"


def preflight(server, origin):
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization"}
    return httpx.options(server.url + INVOKE, headers=headers, timeout=10)


def test_off_by_default(nexigon_server):
    URLS["off"] = nexigon_server.url
    assert preflight(nexigon_server, "http://page.localhost:3000").status_code == 405


@pytest.mark.nexigon(cors=["http://page.localhost:3000"])
def test_marker(nexigon_server, nexigon_hub):
    URLS["marker"] = nexigon_server.url
    answer = preflight(nexigon_server, "http://page.localhost:3000")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "http://page.localhost:3000"
    assert preflight(nexigon_server, "http://other.localhost").status_code == 400
    assert nexigon_hub is nexigon_server.hub


@pytest.mark.nexigon(cors=["http://page.localhost:3000"])
def test_same_origins_keep_the_server(nexigon_server):
    assert nexigon_server.url == URLS["marker"]
    assert nexigon_server.url != URLS["off"]


def test_back_to_the_option(nexigon_server):
    assert preflight(nexigon_server, "http://page.localhost:3000").status_code == 405
"""


def test_marker_and_restart(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_cors=INNER)
    inner.runpytest().assert_outcomes(passed=4)


def test_option(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_option="""
        import httpx

        def test_option(nexigon_server):
            for origin in ("http://a.localhost:1", "http://b.localhost:2"):
                answer = httpx.options(
                    nexigon_server.url + "/_fake/health",
                    headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
                )
                assert answer.status_code == 200
                assert answer.headers["access-control-allow-origin"] == origin
        """
    )
    args = ("--nexigon-cors", "http://a.localhost:1", "--nexigon-cors=http://b.localhost:2")
    inner.runpytest(*args).assert_outcomes(passed=1)
    inner.runpytest().assert_outcomes(failed=1)  # without the option: no CORS


def test_bad_cors_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.nexigon(cors="http://a.localhost:1")
        def test_string(nexigon_server):
            pass

        @pytest.mark.nexigon(cors=["http://a.localhost:1/path"])
        def test_path(nexigon_server):
            pass
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "E * pytest.UsageError: nexigon marker: `cors` must be a list of origins, "
            "not 'http://a.localhost:1'",
            "E * pytest.UsageError: nexigon: CORS origin 'http://a.localhost:1/path'*",
        ]
    )
