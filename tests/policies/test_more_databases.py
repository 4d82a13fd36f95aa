"""Databases dropped by other means than SQL: every migration undone in another
environment than the developer's (``manage.py migrate APP zero``, ``db:migrate
VERSION=0``, ``dotnet ef database update 0``, ``sequelize db:migrate:undo:all``, ``flask db
downgrade base``, ``mix ecto.rollback --all``), every index of a search cluster deleted over
HTTP, and AWS's hosted stores deleted (ElastiCache, MemoryDB, OpenSearch, Neptune, ...)."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "NODE_ENV=production npx sequelize-cli db:migrate:undo:all",
        "FLASK_ENV=production flask db downgrade base",
        "python manage.py migrate app zero --settings=proj.settings.production",
        "RAILS_ENV=production bin/rails db:migrate VERSION=0",
        "ASPNETCORE_ENVIRONMENT=Production dotnet ef database update 0",
        "MIX_ENV=prod mix ecto.rollback --all",
        "DATABASE_URL=postgres://db.prod.example.com/app diesel migration revert --all",
        "DATABASE_URL=postgres://db.prod.example.com/app sqlx database reset -y",
        "curl -X DELETE http://es.prod.internal:9200/_all",
        'curl -X DELETE "https://search.prod.example.com/logs-*"',
        "curl -XDELETE 'localhost:9200/*?pretty'",
        "http DELETE es.prod:9200/_all",
        "aws elasticache delete-replication-group --replication-group-id prod",
        "aws memorydb delete-cluster --cluster-name sessions",
        "aws opensearch delete-domain --domain-name logs",
        "aws neptune delete-db-cluster --db-cluster-identifier graph --skip-final-snapshot",
    ],
)
def test_a_database_dropped_another_way_is_blocked(command: str) -> None:
    assert bash(command) == "drop_database"


@pytest.mark.parametrize(
    "command",
    [
        "npx sequelize-cli db:migrate:undo:all",  # the developer's own database
        "flask db downgrade base",
        "python manage.py migrate app zero",
        "python manage.py migrate app 0003",
        "bin/rails db:migrate VERSION=0",
        "dotnet ef database update 0",
        "diesel migration revert",
        "curl -XDELETE localhost:9200/test-index",  # one index
        "curl -X DELETE https://api.example.com/users/42",
        "curl -s http://es.prod:9200/_all/_search?q=error",
        "aws elasticache describe-replication-groups",
        "flask run --debug",
    ],
)
def test_local_or_narrow_database_work_passes(command: str) -> None:
    assert bash(command) is None
