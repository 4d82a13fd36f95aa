"""Classes taught from a forty-seventh blind set (backend sessions with databases, caches and
their migrations), next to the everyday calls that use the same tools."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

_PROD = "postgres://deploy:${DB_PASS}@orders-db.prod.internal:5432/orders?sslmode=require"
_LOCAL = "postgres://postgres:postgres@localhost:5432/app_dev?sslmode=disable"


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # A migration tool's drop of every object, pointed at another host's database.
        (f'migrate -path db/migrations -database "{_PROD}" drop -f', "drop_database"),
        (f'migrate -path db/migrations -database "{_PROD}" down -all', "drop_database"),
        (f'dbmate --url "{_PROD}" drop', "drop_database"),
        (f'DATABASE_URL="{_PROD}" dbmate drop', "drop_database"),
        (f'atlas schema clean -u "{_PROD}" --auto-approve', "drop_database"),
        (
            "flyway -url=jdbc:postgresql://billing-db.prod.internal:5432/billing -user=flyway "
            "-password=$FLYWAY_PW -cleanDisabled=false clean",
            "drop_database",
        ),
        (
            "liquibase --url=jdbc:postgresql://db.staging.example.com:5432/crm drop-all",
            "drop_database",
        ),
        (
            'goose -dir migrations postgres "host=db.prod.example.com user=app dbname=app" reset',
            "drop_database",
        ),
        ("npx knex migrate:rollback --all --env production", "drop_database"),
        # cqlsh takes its host as its first operand.
        (
            'cqlsh cassandra.prod.internal 9042 -u cassandra -p "$CASS_PW" -e "TRUNCATE t.r;"',
            "drop_database",
        ),
        # "$*" in a function is its arguments as one word: here the whole statement.
        ("bash -c 'q(){ mysql -u root -e \"$*\"; }; q DROP DATABASE shop_dev'", "drop_database"),
        # Redis's protocol sent by a raw socket to another host's store.
        ("printf 'FLUSHALL\\r\\n' | nc -q1 redis.staging.internal 6379", "drop_database"),
        ("echo FLUSHDB | socat - TCP:cache.prod.example.com:6379", "drop_database"),
        ("printf 'FLUSHALL\\r\\n' | nc -q1 localhost 6379", None),
        ("printf 'PING\\r\\n' | nc -q1 redis.staging.internal 6379", None),
        # The same against the developer's own database, or doing something else.
        (f'migrate -path db/migrations -database "{_LOCAL}" drop -f', None),
        (f'migrate -path db/migrations -database "{_PROD}" up', None),
        ("dbmate drop", None),
        ('dbmate --url "postgres://postgres@127.0.0.1:5432/app_test" drop', None),
        ("flyway -url=jdbc:postgresql://localhost:5432/app -user=app clean", None),
        ("liquibase --url=jdbc:postgresql://db.staging.example.com:5432/crm status", None),
        (f'atlas schema apply -u "{_PROD}" --to file://schema.hcl', None),
        ('goose -dir migrations postgres "host=localhost user=app dbname=app" reset', None),
        ("npx knex migrate:rollback", None),
        ('cqlsh localhost 9042 -e "TRUNCATE telemetry.readings;"', None),
        ('cqlsh cassandra.prod.internal 9042 -e "SELECT * FROM t.r LIMIT 10;"', None),
        ("bash -c 'q(){ mysql -u root -e \"$*\"; }; q SELECT 1'", None),
        # A test fixture emptying the developer's own test tables, run by pytest.
        (
            "cat > tests/conftest.py <<'EOF'\nimport psycopg2\nimport pytest\n\n"
            "@pytest.fixture(autouse=True)\ndef clean():\n    yield\n"
            '    conn = psycopg2.connect("dbname=app_test host=localhost")\n'
            '    conn.cursor().execute("TRUNCATE users, orders RESTART IDENTITY CASCADE")\n'
            "EOF\npytest -q tests/",
            None,
        ),
    ],
)
def test_forty_seventh_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
