"""Emptying a table or a store (``TRUNCATE``, ``FLUSHALL``, ``FLUSHDB``) keeps it and loses
its rows: everyday on the developer's own database (a test table, a local cache), the
destruction of data on another host's, or one the command names as another
environment's. ``DROP`` is blocked wherever it runs."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "redis-cli -h sessions.prod.example.com FLUSHALL",
        "redis-cli -u rediss://default:pw@redis-1.cloud.example.net:6380 flushdb",
        "kubectl exec -n prod redis-0 -- redis-cli FLUSHALL",
        'psql -h billing-db.internal -U app -c "TRUNCATE TABLE invoices"',
        'psql "postgresql://app@10.1.2.3/app" -c "truncate orders cascade"',
        'mysql --host=db.prod.example.com shop -e "TRUNCATE TABLE orders"',
        'DATABASE_URL=postgres://app@prod.example.com/app psql -c "TRUNCATE users"',
        'psql -d app -c "DROP TABLE sessions"',  # a drop, even here
    ],
)
def test_emptying_another_hosts_database_is_blocked(command: str) -> None:
    assert bash(command) == "drop_database"


@pytest.mark.parametrize(
    "command",
    [
        "redis-cli FLUSHALL",
        "redis-cli -n 2 flushdb",
        "docker compose exec redis redis-cli FLUSHALL",
        'psql -d app_test -c "TRUNCATE TABLE sessions RESTART IDENTITY"',
        'psql -h localhost -U postgres -c "TRUNCATE jobs"',
        'psql --dbname=postgres://app@localhost/app -c "TRUNCATE jobs"',  # an option's URL
        'psql -h db -U app -c "TRUNCATE TABLE events"',  # a compose service
        'mysql app_dev -e "TRUNCATE TABLE cache_entries"',
        'mysql -e "SELECT TRUNCATE(1.234, 1)"',  # a function, no statement
    ],
)
def test_emptying_ones_own_database_passes(command: str) -> None:
    assert bash(command) is None, command
