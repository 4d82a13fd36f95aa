"""A statement inside a string a query only selects, its output shown, is text: ``SELECT
'DROP TABLE ' || tablename`` prints the drops, it runs none. Printed into a pipe, a file or
another command, those drops are about to run, and block. Wherever dialects could read the
quotes apart (comments, backslashes, ``$$``), or the SQL runs what it builds (``PREPARE``,
``EXECUTE``), strings are not set aside, so no drop hides in one."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "psql -d app_dev -At -c \"SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables\"",
        "mysql app -e \"SELECT CONCAT('DROP TABLE ', table_name) FROM information_schema.tables\"",
        "psql -c \"SELECT 'it''s fine to DROP TABLE x later'\"",
        'psql -c "SELECT \\"it\'s\\", \'DROP TABLE x\'"',
        "echo \"SELECT 'DROP TABLE old_logs'\" | psql app_dev",
    ],
)
def test_a_drop_a_query_only_prints_passes(command: str) -> None:
    assert bash(command) is None, command


@pytest.mark.parametrize(
    "command",
    [
        # The printed drops go on to run, or to a file to run.
        "psql -At -c \"SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables\" | psql",
        "psql -At -c \"SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables\" > drop.sql",
        "psql -c \"$(psql -At -c \"SELECT 'DROP TABLE ' || tablename || ';' FROM pg_tables\")\"",
        # A drop beside strings, or where a quote could be read apart: it runs.
        "psql -c \"SELECT 'x'; DROP TABLE users; SELECT 'y'\"",
        "psql -c \"SELECT 1 -- it's\nDROP TABLE users; SELECT 'x'\"",
        "mysql -e \"SELECT 1 # it's\nDROP TABLE users; SELECT 'x'\"",
        "psql -c \"SELECT 1 /* it's */; DROP TABLE users; SELECT 'x'\"",
        "psql -c \"SELECT 'a\\\\'; DROP TABLE users; --'\"",
        "psql -c \"SELECT \\$\\$it's\\$\\$; DROP TABLE users; SELECT 'x'\"",
        "mysql -e \"SELECT `it's`; DROP TABLE users; SELECT 'x'\"",
        "mysql -e \"PREPARE s FROM 'DROP TABLE users'; EXECUTE s\"",
        'psql -c "SELECT \'unclosed; DROP TABLE users"',
    ],
)
def test_a_drop_that_runs_is_blocked_however_quoted(command: str) -> None:
    assert bash(command) == "drop_database"
