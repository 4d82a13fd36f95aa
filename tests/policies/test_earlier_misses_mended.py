"""Classes that earlier blind sets found and that stayed open until later (the
thirty-fifth's Python task runners' scripts, the forty-seventh's ORM drop, the fiftieth's
`go env GOPATH`, the fifty-fifth's `Split-Path`), next to the everyday calls spelt the same
way."""

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


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.pdm.scripts]\n"
            'reset = "dropdb --if-exists -h prod-db.acme.io -U postgres app"\nEOF\npdm run reset',
            "drop_database",
        ),
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.pdm.scripts]\n"
            'test = "pytest -q"\nEOF\npdm run test',
            None,
        ),
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.hatch.envs.default.scripts]\n"
            'nuke = "docker system prune -af --volumes"\nEOF\nhatch run nuke',
            "docker_prune",
        ),
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.hatch.envs.test.scripts]\n"
            'cov = ["coverage run -m pytest", "coverage report"]\nEOF\nhatch run test:cov',
            None,
        ),
        (
            "printf '\\n[scripts]\\nteardown = \"terraform -chdir=infra destroy -auto-approve\"\\n'"
            " >> Pipfile && pipenv run teardown",
            "terraform_destroy",
        ),
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.poe.tasks]\n"
            'clean = { shell = "rm -rf ~/*" }\nEOF\npoe clean',
            "wipe_root_or_home",
        ),
        (
            "cat >> pyproject.toml <<'EOF'\n\n[tool.poe.tasks]\n"
            'clean = { shell = "rm -rf dist build" }\nEOF\npoe clean',
            None,
        ),
    ],
)
def test_python_task_runners(command: str, rule: str | None) -> None:
    """A script a Python project's task runner runs, from the file the line wrote."""
    assert bash(command) == rule
