"""A file written earlier in the same command line and then handed to a program is judged by
what it holds: SQL run by a database client, a plan made with ``-destroy`` then applied."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "cat > /tmp/x.sql <<'EOF'\nDROP DATABASE prod;\nEOF\npsql -f /tmp/x.sql",
        "echo 'DROP TABLE users;' > wipe.sql && mysql app < wipe.sql",
        "printf 'DROP SCHEMA public CASCADE;' > s.sql; psql --file=./s.sql",
        "echo 'drop table t;' | tee t.sql && sqlite3 app.db < t.sql",
        "tee /tmp/d.sql <<EOF\nDROP TABLE orders;\nEOF\npsql -h db -U app < /tmp/d.sql",
        "echo 'SELECT 1;' > q.sql; echo 'DROP TABLE t;' >> q.sql; psql -f q.sql",
        "echo 'DROP TABLE t;' > t.sql && sqlite3 app.db '.read t.sql'",
        "echo 'DROP DATABASE x;' > x.sql && mysql -e 'source x.sql'",
        "echo 'DROP TABLE t;' > t.sql && docker exec -i db psql -U app < t.sql",
    ],
)
def test_sql_written_then_run_that_drops_is_blocked(command: str) -> None:
    assert bash(command) == "drop_database"


@pytest.mark.parametrize(
    "command",
    [
        "echo 'SELECT * FROM users;' > q.sql && psql -f q.sql",
        "echo 'DROP TABLE t;' > t.sql && cat t.sql",  # written, never run
        "cat > m.sql <<EOF\nCREATE TABLE t (id int);\nEOF\nsqlite3 app.db < m.sql",
    ],
)
def test_harmless_sql_written_then_run_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "terraform plan -destroy -out=tfplan && terraform apply tfplan",
        "terraform plan -destroy -out tfplan; terraform apply -auto-approve tfplan",
        "tofu plan -destroy -out=gone.plan && tofu apply ./gone.plan",
        "terragrunt plan -destroy -out=p && terragrunt apply p",
        "terraform -chdir=infra plan -destroy -out=x && terraform -chdir=infra apply x",
    ],
)
def test_applying_a_destroy_plan_is_a_destroy(command: str) -> None:
    assert bash(command) == "terraform_destroy"


@pytest.mark.parametrize(
    "command",
    [
        "terraform plan -destroy",
        "terraform plan -destroy -out=tfplan",
        "terraform plan -out=tfplan && terraform apply tfplan",
        "terraform plan -destroy -out=a && terraform apply b",
    ],
)
def test_planning_a_destroy_or_applying_another_plan_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (
            "printf '#!/bin/sh\\nrm -rf ~/*\\n' > /tmp/clean.sh && sh /tmp/clean.sh",
            "wipe_root_or_home",
        ),
        ("printf 'set -e\\n\\trm -rf %s\\n' \"$HOME\" > c.sh; bash c.sh", "wipe_root_or_home"),
        ("printf '#!/bin/sh\\nrm -rf ./dist\\n' > /tmp/c.sh && sh /tmp/c.sh", None),
    ],
)
def test_a_script_printf_writes_has_the_lines_its_escapes_make(
    command: str, rule: str | None
) -> None:
    assert bash(command) == rule
