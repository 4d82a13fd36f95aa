"""Classes that earlier blind sets found and that stayed open until later (the
forty-seventh's ORM drop, the fiftieth's `go env GOPATH`, the fifty-fifth's `Split-Path`),
next to the everyday calls spelt the same way."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # An ORM dropping every table it maps.
        (
            'python -c "from app import create_app, db; app = create_app(); '
            'app.app_context().push(); db.drop_all(); db.create_all()"',
            "drop_database",
        ),
        ('python -c "from app import db; db.create_all()"', None),
        ("node -e \"require('./models').sequelize.sync({ force: true })\"", "drop_database"),
        ("node -e \"require('./models').sequelize.sync()\"", None),
        # A test's fixture drops what it made: an in-memory database, a teardown.
        (
            "cat > tests/conftest.py <<'EOF'\nimport pytest\nfrom sqlalchemy import create_engine\n"
            "from app.models import Base\n\n@pytest.fixture()\ndef engine():\n"
            "    e = create_engine('sqlite+pysqlite:///:memory:')\n"
            "    Base.metadata.create_all(e)\n"
            "    yield e\n    Base.metadata.drop_all(e)\nEOF\npytest -q tests/",
            None,
        ),
        # Go's default GOPATH is ~/go: its parent is the home folder.
        ('go clean -cache && rm -rf "$(go env GOPATH)/.."/*', "wipe_root_or_home"),
        ('rm -rf "$(go env GOPATH)/pkg/mod/cache"', None),
        # PowerShell's parent of a path.
        ("Remove-Item (Split-Path $PWD -Parent) -Recurse -Force", "wipe_root_or_home"),
        ("Remove-Item (Split-Path -Parent $PWD) -Recurse -Force", "wipe_root_or_home"),
        ("Remove-Item (Split-Path $PWD -Parent)\\build -Recurse -Force", None),
        ("Get-ChildItem (Split-Path $PWD -Parent)", None),
    ],
)
def test_shell_calls(command: str, rule: str | None) -> None:
    assert bash(command) == rule
