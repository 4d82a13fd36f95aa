"""A framework's reset of the database (``mix ecto.reset``, ``rails db:drop``, ``prisma
migrate reset``, ``manage.py flush``) passes unless the command names an environment that is
not the developer's own (production, staging, a remote ``DATABASE_URL``) or runs it in the
deployed application (``heroku run``): unnamed, the frameworks reset the development
database, and agents run these all day."""

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
        # Nothing named: the framework's default, the development database.
        "bin/rails db:reset",
        "mix ecto.reset",
        "npx prisma migrate reset --force",
        "python manage.py flush --noinput",
    ],
)
def test_resetting_a_local_or_unnamed_database_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "MIX_ENV=prod mix ecto.reset",
        "RAILS_ENV=staging bin/rails db:reset",
        "RAILS_ENV=production bin/rails db:drop DISABLE_DATABASE_ENVIRONMENT_CHECK=1",
        "python manage.py flush --settings=myproj.settings.production",
        "DATABASE_URL=postgresql://u@db.prod.internal/app npx prisma migrate reset --force",
        "RAILS_ENV=test DATABASE_URL=postgres://prod.example.com/app bin/rails db:drop",
        "MIX_ENV=dev mix ecto.reset && psql -c 'DROP DATABASE prod'",
        "export RAILS_ENV=production; bin/rails db:drop",
        "heroku run rails db:reset -a shop",
        "kubectl exec deploy/web -- python manage.py flush --noinput",
    ],
)
def test_resetting_another_environments_database_is_blocked(command: str) -> None:
    assert bash(command) == "drop_database"
