"""The README's table of actions, generated from the action table."""

from __future__ import annotations

from nexigon_fake.actions import ACTIONS, SEED_NAMESPACES

BEGIN = "<!-- actions:begin -->"
END = "<!-- actions:end -->"


def action_table() -> str:
    rows = [
        "| action | namespace | typed API | notes: where the fake chose or differs |",
        "|---|---|---|---|",
    ]
    for spec in ACTIONS.values():
        scope = "seed" if spec.namespace in SEED_NAMESPACES else "adjacent"
        status = spec.differs or "as documented"
        rows.append(
            f"| `{spec.name}` | {spec.namespace} ({scope}) "
            f"| `hub.{spec.namespace}.{spec.method_name}(…)` | {status} |"
        )
    return "\n".join(rows)


def render_section() -> str:
    return f"{BEGIN}\n{action_table()}\n{END}"


if __name__ == "__main__":  # python -m nexigon_fake.facade.coverage
    print(render_section())
