"""A framework's reset of the database (``mix ecto.reset``, ``rails db:drop``, ``prisma
migrate reset``, ``manage.py flush``) passes when the command names the developer's own
environment (dev, test, local) and nothing else; unnamed, or named otherwise, it may be
production's and is blocked."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "MIX_ENV=dev mix ecto.reset",
        "MIX_ENV=test mix ecto.drop",
        "RAILS_ENV=test bin/rails db:reset",
        "bin/rails db:drop RAILS_ENV=development",
        "export RAILS_ENV=test && bundle exec rake db:drop db:create",
        "python manage.py flush --settings=myproj.settings.dev --noinput",
        "DJANGO_SETTINGS_MODULE=config.settings.test python manage.py flush --no-input",
        "DATABASE_URL=postgresql://postgres@localhost:5432/app npx prisma migrate reset --force",
        "php artisan migrate:fresh --env=testing",
    ],
)
def test_resetting_a_named_local_database_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "mix ecto.reset",  # the shell may well have MIX_ENV=prod exported
        "npx prisma migrate reset --force",
        "MIX_ENV=prod mix ecto.reset",
        "RAILS_ENV=staging bin/rails db:reset",
        "RAILS_ENV=production bin/rails db:drop DISABLE_DATABASE_ENVIRONMENT_CHECK=1",
        "python manage.py flush --settings=myproj.settings.production",
        "DATABASE_URL=postgresql://u@db.prod.internal/app npx prisma migrate reset --force",
        "RAILS_ENV=test DATABASE_URL=postgres://prod.example.com/app bin/rails db:drop",
        "MIX_ENV=dev mix ecto.reset && psql -c 'DROP DATABASE prod'",
    ],
)
def test_resetting_another_or_an_unnamed_database_is_blocked(command: str) -> None:
    assert bash(command) == "drop_database"
