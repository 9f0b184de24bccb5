"""Messages of the tools around the hub: snapshots' credentials, the plugin's portable
fixtures, optional extras, the dashboard, the contract machine, id generators, CORS and the
journal's HTTP filters. Kept apart from the action messages of ``nexigon_fake.errors``.
"""

from __future__ import annotations

# Snapshots restored with ``keep_credentials=True``.
MSG_KEEP_CREDENTIALS_TAKEN = (
    "Cannot keep the admin token: the snapshot already has it as a token of user {user_id}."
)
# The plugin's portable fixtures (nexigon_organization_id, ...) against an external hub.
MSG_CALL_FAILED = "{action} failed on {url} with status {status}: {body}"
MSG_NO_ORGANIZATION = (
    "{url}: the token sees no organization; a project needs one (NEXIGON_ORGANIZATION_ID)"
)
MSG_MANY_ORGANIZATIONS = (
    "{url}: the token sees {count} organizations; choose one with --nexigon-organization-id "
    "or NEXIGON_ORGANIZATION_ID ({ids})"
)
# A module of an optional extra imported without it.
MSG_MISSING_EXTRA = (
    "{module} needs `{missing}`, which comes with the [{extra}] extra: "
    "pip install 'nexigon-fake[{extra}]'"
)


def missing_extra(error: ModuleNotFoundError, module: str, extra: str) -> ImportError:
    """The ImportError for ``module`` when a package of ``extra`` is not installed: it says
    which extra to install rather than only which package is missing."""
    missing = error.name or "a package"
    message = MSG_MISSING_EXTRA.format(module=module, missing=missing, extra=extra)
    return ImportError(message, name=error.name)


# The dashboard (issue 16): what a page says when a form or a query is refused.
MSG_UI_NOT_A_NUMBER = "Field `{field}` must be a number, not {value!r}."
MSG_UI_NOT_A_PAGE = "Query parameter `page` must be a whole number of at least 1, not {value!r}."
MSG_UI_UNKNOWN_FIELD = "Unknown field `{field}` (expected {expected})."
MSG_UI_MISSING_FIELD = "Field `{field}` is required."
MSG_UI_ONE_OF = "Field `{field}` must be one of {choices}, not {value!r}."
MSG_UI_BAD_STATUS_FILTER = (
    "Filter `status` must be an HTTP status (e.g. 404), `ok` or `error`, not {value!r}."
)
MSG_UI_NO_SNAPSHOT_FILE = "Choose a snapshot file (JSON) to upload in field `snapshot`."
MSG_UI_CROSS_ORIGIN = "The dashboard refuses forms posted from another origin ({origin})."
MSG_UI_TOKEN_REQUIRED = (
    "This dashboard requires the control token: enter it below (or send `X-Control-Token`)."
)
MSG_UI_WRONG_TOKEN = "That is not the control token."

# The contract machine (testing/contract): the two sides of a disagreement are the client
# under test and the reference model.
MSG_CONTRACT_DISAGREE = "{what}:\n  client: {client!r}\n  model:  {model!r}"
MSG_CONTRACT_CALL_FAILED = (
    "{action} {payload!r}:\n  client: failed with {kind} {status}: {error}\n  model:  succeeds"
)
MSG_CONTRACT_WRONG_FAILURE = (
    "{action} {payload!r}:\n  client: failed with {got}\n  model:  fails with {expected}"
)
MSG_CONTRACT_NO_FAILURE = (
    "{action} {payload!r}:\n  client: answered {output!r}\n  model:  fails with {kind} {status}"
)
MSG_CONTRACT_WRONG_TYPE = "{action}: the client answered {output!r}, not the action's type: {error}"
MSG_CONTRACT_SHRINK_BUDGET = (
    "The contract machine stopped shrinking after {replays} replays; set {env} to allow more."
)
MSG_CONTRACT_SHRINK_ENV = "{env}={value!r}: use a whole number of replays, 0 or more"

# Public id generators (ids.py).
MSG_UNKNOWN_ID_TAG = "unknown id tag {tag!r}: use one of {tags}"

# Hub(start_time=...) and `serve --start-time`.
MSG_START_TIME = "start_time is a timezone-aware datetime or 'now', not {got!r}"

# Cross-origin requests (nexigon_fake/serve/cors.py).
MSG_CORS_ORIGIN = (
    "CORS origin {origin!r}: expected `*` or scheme://host[:port] (http or https, no path, "
    "no trailing slash), as a browser sends it in `Origin`."
)
MSG_CORS_PREFLIGHT_REFUSED = "Cross-origin request refused ({detail}); see `--cors`."

# Journal filters (nexigon_fake/toolkit/journal_query.py, GET /_fake/journal).
MSG_JOURNAL_UNKNOWN_ACTION = "`action`: no action `{action}`.{hint}"
MSG_JOURNAL_SINCE = "`since` is not an instant: {detail} (at `$.since`)"
MSG_JOURNAL_ACTOR = (
    "Expected an actor kind ({kinds}) or an id an actor carries (`<tag>_` followed by base58, "
    "e.g. a user, token, device or organization id)."
)
