"""Generated documents stay in step with the code they are generated from."""

from __future__ import annotations

import json
from pathlib import Path

from sluice.policies import BUILTINS
from sluice.reference import config_schemas, policy_reference

ROOT = Path(__file__).resolve().parent.parent


def test_policy_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "policies.md").read_text()
    assert committed == policy_reference(), "run: sluice policies --doc > docs/policies.md"


def test_every_builtin_has_a_schema_with_described_fields() -> None:
    schemas = config_schemas()
    assert set(schemas) == set(BUILTINS)
    for name, schema in schemas.items():
        for key, prop in schema["properties"].items():
            assert prop.get("description"), f"{name}.{key} has no description"
    json.dumps(schemas)  # ready for a UI form


def test_secrets_are_marked_in_the_schema() -> None:
    judge = json.dumps(config_schemas()["tool_judge"])
    assert '"writeOnly": true' in judge
    assert '"format": "password"' in judge
