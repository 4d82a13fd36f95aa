"""The named rules against destroying infrastructure, each a check of one simple command.

Each check takes a command's words, unwrapped (``sudo``, ``env``, ... removed: see
:func:`sluice.policies._wrappers.unwrap`), and its here-document, and returns what it destroys
or None. They read the command's meaning: its program, subcommand and options, wherever the
options stand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from sluice.policies._containers import RUNTIMES, subcommand
from sluice.policies._shell import REDIS_CLIENTS, basename, with_next
from sluice.policies._targets import on_remote
from sluice.policies._wrappers import (
    HTTP_CLIENTS,
    POWERSHELL_HTTP,
    operands,
    option_values,
    package_program,
    referenced,
)

__all__ = [
    "CLUSTER_WIDE_KINDS",
    "INFRA_RULES",
    "OBJECT_NAMING",
    "Seen",
    "destroy_plan",
    "drops_in_sql",
    "full_listing",
    "looks_up_default",
    "may_destroy_infrastructure",
    "names_other_host",
    "other_database",
    "terraform_arguments",
]


@dataclass(frozen=True, slots=True)
class Seen:
    """What a check may need besides the command's words: the text given to its input (a
    here-document, what ``echo`` pipes into it), whether its line lists docker volumes
    (``docker volume rm $(docker volume ls -q)``) or cluster resources, whether ``xargs``
    feeds it, the git branch it is on."""

    data: str = ""
    lists_volumes: bool = False
    lists_kube: bool = False  # the line lists cluster resources (`kubectl get ns -o name`)
    fed: bool = False  # xargs gives the command its operands
    branch: str | None = None
    destroy_plans: frozenset[str] = frozenset()  # files `terraform plan -destroy` saved
    lists_namespaces: bool = False  # the line lists namespaces, narrowed or not
    other_database: bool = False  # the command names a non-local one (RAILS_ENV=production)
    lists_objects: bool = False  # the line lists every object of a bucket (list-objects-v2)
    # It lists a bucket's objects narrowed (a prefix, a grep, a jq select): only those.
    lists_some_objects: bool = False
    saved_listings: frozenset[str] = frozenset()  # files a whole `kubectl get` was saved to
    made: frozenset[str] = frozenset()  # folders the line made with mkdir, empty
    shown: bool = False  # its output goes to the terminal: not piped, redirected or substituted
    # Options terraform takes from its environment (TF_CLI_ARGS, TF_CLI_ARGS_apply), by name.
    cli_args: Mapping[str, str] = field(default_factory=dict)
    looked_up_default: bool = False  # the line looked up the default branch's name
    push_refspec: str | None = None  # the refspec `git config remote.R.push` set in the line
    # Variables the line set: a command naming them is judged with their values as well.
    set_in_line: frozenset[str] = frozenset()
    lists_containers: bool = False  # the line lists every container (`docker ps -aq`)


# SQL Server's clients, sqlcmd and PowerShell's cmdlet (named in lower case: any case).
_SQL_SERVER_CLIENTS = frozenset({"sqlcmd", "invoke-sqlcmd"})
_SQL_CLIENTS = frozenset(
    {"psql", "mysql", "mariadb", "sqlite3", "sqlcmd", "clickhouse-client", "clickhouse"}
    | {"duckdb", "cockroach", "snowsql", "bq", "mongo", "mongosh", "cqlsh", "usql", "pgcli"}
    | {"mycli", "litecli", "trino", "presto", "spark-sql", "supabase", "turso"}
    | REDIS_CLIENTS
    | {"dbshell", "mysqlsh"}  # Django's manage.py dbshell
    # Oracle's SQL*Plus and SQLcl, Db2's, Teradata's, Vertica's, Hive's, Impala's, ODBC's.
    | {"sqlplus", "sqlcl", "sql", "db2", "bteq", "vsql", "beeline", "hive", "impala-shell"}
    | {"isql", "osql", "tsql", "nzsql", "ysqlsh"}
)
_DROP = re.compile(
    r"\bdrop\s+(?:database|schema|table|keyspace)\b|\bdropDatabase\s*\(|\.drop\(\s*\)",
    re.IGNORECASE,
)
# Statements that empty a table or a store, keeping it: everyday on the developer's own
# database (a test table, a cache), destruction on another host's.
_EMPTY = re.compile(
    r"\bflushall\b|\bflushdb\b|\btruncate(?:\s+table)?(?=\s+[\w.\"`])"
    # a DELETE of every row: no WHERE, the statement ends at the table's name
    r"|\bdelete\s+from\s+[\w.\"`]+\s*(?:;|$)",
    re.IGNORECASE,
)


# Commands of frameworks that drop and recreate the database.
_RESETS = re.compile(
    r"(?:\w+:)?db:(?:drop|reset|schema:load|wipe)|ecto\.(?:drop|reset)|flush|reset_db"
    r"|migrate:fresh"
)


def drops_in_sql(text: str, empties: bool = True, printed: bool = False) -> str | None:
    """The statement of ``text`` (SQL) that drops a database, schema or table, or (with
    ``empties``) empties a table or a store, if any. ``printed``: what the SQL prints is
    only shown, so a statement inside a string it selects (``SELECT 'DROP TABLE ' ||
    tablename``) is text, not run."""
    if printed:
        text = _without_strings(text)
    for dropped in _DROP.finditer(text):
        # DROP TABLE IF EXISTS t; CREATE TABLE t …: the table reset, emptied as TRUNCATE
        # empties it (a scratch table rebuilt), not gone
        if empties or not _recreated(text, dropped.start()):
            return f"runs {dropped.group()}"
    found = _EMPTY.search(text) if empties else None
    return f"runs {found.group()}" if found else None


def _recreated(sql: str, at: int) -> bool:
    """Whether the ``DROP TABLE`` at ``at`` in ``sql`` is followed by a ``CREATE TABLE`` of
    the same table (a database's or a schema's drop is never a reset: every table goes)."""
    dropped = _DROPPED_TABLE.match(sql, at)
    if dropped is None:
        return False
    again = _CREATED_TABLE + re.escape(dropped[1]) + r"(?![\w.])"
    return re.search(again, sql[dropped.end() :], re.IGNORECASE) is not None


# One table dropped, alone in its statement (not `DROP TABLE a, b`).
_DROPPED_TABLE = re.compile(
    r"drop\s+table\s+(?:if\s+exists\s+)?[`\"]?([\w.]+)[`\"]?(?:\s+cascade)?\s*(?:;|$|[\"'])",
    re.IGNORECASE,
)
_CREATED_TABLE = (
    r"\bcreate\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?table\s+(?:if\s+not\s+exists\s+)?"
    r"[`\"]?"
)


def _without_strings(sql: str) -> str:
    """``sql`` with its string literals emptied, where that is safe to tell: never when
    it runs text it builds (``PREPARE``, ``EXECUTE``), nor where dialects read quotes
    apart (backslash escapes, ``$$`` quoting, ``#`` and ``--`` comments), nor with a
    quote left open; then ``sql`` as it is. Identifiers, in double quotes or backquotes,
    are kept whole, so a quote inside one opens no string."""
    if _UNSURE.search(sql):
        return sql
    tokens = _QUOTED.findall(sql)
    if any(len(t) < 2 or t[0] != t[-1] for t in tokens):
        return sql  # one left open: the rest would pair otherwise
    return _QUOTED.sub(lambda m: "''" if m.group()[0] == "'" else m.group(), sql)


_UNSURE = re.compile(r"[\\$#]|--|/\*|(?i:\bprepare\b|\bexec(?:ute)?\b|sp_executesql)")
# A quoted string or identifier (a doubled quote stays inside), or one left open.
_QUOTED = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|`[^`]*`?")


def _framework_reset(name: str, words: Sequence[str], args: Sequence[str]) -> str | None:
    """Why a framework's command drops its database (``rails db:drop``, ``mix ecto.reset``,
    ``prisma migrate reset``, ``manage.py flush``), or None."""
    if any(_RESETS.fullmatch(w) for w in args[:3]):
        return f"{' '.join(words[:3])} drops the database"
    # (prisma run by a runner and a wrapper that loads an environment's settings, too:
    # `npx dotenv -e .env.production -- npx prisma migrate reset`, `npx cross-env … prisma`.)
    if "prisma" in words[:8] and (
        ("migrate" in args and "reset" in args) or "--force-reset" in args
    ):
        return "prisma resets the database, dropping its data"
    if (name == "dotnet" and "database" in args and "drop" in args) or (
        name in ("alembic", "flask") and "downgrade" in args and "base" in args
    ):
        return f"{name} drops the database"
    if _to_zero(words, args):  # every migration undone: every table it made dropped
        return f"{' '.join(words[:3])} undoes every migration, dropping their tables"
    if (verbs := _SCHEMA_DROPS.get(name)) and any(
        verb in args and (not then or then in args) for verb, then in verbs
    ):
        return f"{name} drops every table of the database"
    return None


def _to_zero(words: Sequence[str], args: Sequence[str]) -> bool:
    """Whether a framework is told to undo every migration: Django's ``manage.py migrate
    APP zero``, Rails' ``db:migrate VERSION=0``, Entity Framework's ``dotnet ef database
    update 0``."""
    if "zero" in args and "migrate" in args:
        return any(w.endswith("manage.py") or w == "django-admin" for w in words[:3])
    if "VERSION=0" in words:
        return any(w.endswith("db:migrate") for w in args[:3])
    return "ef" in args and "database" in args and "update" in args and args[-1:] == ["0"]


# Migration tools' commands that drop every object of the database they are pointed at
# (golang-migrate's `drop` and `down -all`, `dbmate drop`, `flyway clean`, `liquibase
# drop-all`, `atlas schema clean`, `goose reset`, `typeorm schema:drop`, `knex
# migrate:rollback --all`, `sequelize db:migrate:undo:all`, `mix ecto.rollback --all`, `diesel
# migration revert --all`): each verb, and an option it needs ("" for none).
_SCHEMA_DROPS: dict[str, tuple[tuple[str, str], ...]] = {
    "migrate": (("drop", ""), ("down", "-all"), ("down", "--all")),
    "dbmate": (("drop", ""),),
    "flyway": (("clean", ""),),
    "liquibase": (("drop-all", ""), ("dropAll", ""), ("dropall", "")),
    "atlas": (("clean", "schema"),),
    "goose": (("reset", ""),),
    "typeorm": (("schema:drop", ""),),
    "knex": (("migrate:rollback", "--all"),),
    "sqlx": (("drop", "database"), ("reset", "database")),
    **dict.fromkeys(("sequelize", "sequelize-cli"), (("db:migrate:undo:all", ""),)),
    "mix": (("ecto.rollback", "--all"),),
    "diesel": (("revert", "--all"), ("reset", "database")),
    # The same drops run by Maven's and Gradle's plugins (-Dflyway.url=jdbc:…).
    **dict.fromkeys(("mvn", "mvnw"), (("flyway:clean", ""), ("liquibase:dropAll", ""))),
    **dict.fromkeys(("gradle", "gradlew"), (("flywayClean", ""), ("dropAll", ""))),
}


# Variables and options naming a framework's environment; the names of the local ones.
_ENVIRONMENT_VARIABLES = frozenset(
    {"RAILS_ENV", "RACK_ENV", "MIX_ENV", "APP_ENV", "NODE_ENV", "DJANGO_ENV", "FLASK_ENV"}
    | {"ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "DJANGO_SETTINGS_MODULE", "ENV"}
)
_ENVIRONMENT_OPTIONS = ("--env", "-e", "--environment", "--settings", "-dotenv", "--env-file")
_LOCAL = re.compile(
    r"(?i)(?:.*[._/-])?(?:settings_?)?(?:dev|develop|development|test|tests|testing|local)"
)
# (JDBC's too: jdbc:postgresql://localhost:5432/app; an embedded database's file is local
# however its URL names it: sqlite://./data/app.db, sqlite:app.db, duckdb:///x.duckdb.)
_LOCAL_URL = re.compile(
    r"(?i)(?:jdbc:)?[\w+.-]+://(?:[^@/]*@)?(?:localhost|127\.0\.0\.1|\[::1\]|/)[:/]?.*|file:.*"
    r"|(?:jdbc:)?(?:sqlite3?|duckdb)(?:\+\w+)?:.*"
)


def other_database(
    words: Sequence[str], variables: Mapping[str, Sequence[str]], inside: Sequence[str] = ()
) -> bool:
    """Whether a command names an environment of its framework that is not the developer's
    own (``MIX_ENV=prod``, ``RAILS_ENV=staging`` as a prefix, an argument or set earlier in
    the line, ``--env=production``, ``--settings=app.settings.production``, ``dotenv -e
    .env.production``) or a ``DATABASE_URL`` (or the ``PGHOST`` or ``MYSQL_HOST`` its client
    reads) on another host than this one, or runs on
    another host: quoted in the command of a program in ``inside`` that runs it there
    (``ssh prod '…'``, ``kubectl exec pod -- sh -c '…'``). Local names (dev, development,
    test, testing, local) and naming nothing say no: the frameworks reset the development
    database unless told otherwise."""
    if any(program in _REMOTE_RUNNERS for program in inside):
        return True
    named: list[str] = []
    urls: list[str] = []
    hosts: list[str] = []
    for key, values in variables.items():
        if key in _ENVIRONMENT_VARIABLES:
            named += values[-1:]
        elif key == "DATABASE_URL":
            urls += values[-1:]
        elif key in _HOST_VARIABLES:
            hosts += values[-1:]
    for word, value in with_next(words):
        key, equals, given = word.partition("=")
        if equals and key in _ENVIRONMENT_VARIABLES:
            named.append(given)
        elif equals and key == "DATABASE_URL":
            urls.append(given)
        elif equals and key in _HOST_VARIABLES:
            hosts.append(given)
        elif equals and key in _ENVIRONMENT_OPTIONS:
            named.append(given)
        elif word in _ENVIRONMENT_OPTIONS:
            named.append(value)
    # (An environment is named in one word: `mysql -e "TRUNCATE t"` names a statement.)
    # (`.env.production` names production; `.env` alone, the default file, names none.)
    named = [n.rsplit(".", 1)[-1] if n.startswith(".env.") else n for n in named if n != ".env"]
    named = [n for n in named if not any(c.isspace() for c in n)]
    local_hosts = all(map(_LOCAL_HOST.fullmatch, hosts))
    local_urls = all(map(_LOCAL_URL.fullmatch, urls))
    return not all(map(_LOCAL.fullmatch, named)) or not local_urls or not local_hosts


def terraform_arguments(
    words: Sequence[str], variables: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """The options terraform takes from its environment (``TF_CLI_ARGS``,
    ``TF_CLI_ARGS_apply=-destroy``), set earlier in the line or before the command, by name."""
    given = {k: v[-1] for k, v in variables.items() if k.startswith(_TF_ARGS) and v}
    for word in words:
        if word.startswith(_TF_ARGS):
            key, _, value = word.partition("=")
            given[key] = value
    return given


_TF_ARGS = "TF_CLI_ARGS"


def _drops_database(words: Sequence[str], seen: Seen) -> str | None:
    words = _package_command(words)  # pnpm supabase db reset --linked
    name, args = basename(words[0]), list(words[1:])
    if _cmdlet_rule(name) == "drop_database":
        return f"{name} deletes a database"
    if name in ("dropdb", "dropuser"):
        return f"{name} deletes a database"
    if name == "mysqladmin" and "drop" in args:
        return "mysqladmin drop deletes a database"
    if name in _REMOTE_RUNNERS and any(map(_RESETS.fullmatch, args)):
        return f"{name} runs a reset of the deployed application's database"
    if name == "heroku" and "pg:reset" in args[:2]:
        return "heroku pg:reset drops the deployed application's database"
    if reason := _framework_reset(name, words, args):
        # A reset of the developer's own database (nothing named: the framework's default
        # is development; MIX_ENV=dev, a localhost DATABASE_URL) is everyday; a reset of a
        # database named as another environment's (production, staging, a remote URL) is not.
        return reason if seen.other_database or _on_another_host(name, args, seen) else None
    verbs = operands(args, _AWS_VALUES)
    # supabase resets the local database unless told the linked project's, or another host's.
    resets = name == "supabase" and verbs[:2] == ["db", "reset"]
    if resets and ("--linked" in args or _on_another_host(name, args, seen)):
        return "supabase db reset of the linked project drops its database"
    if name == "gcloud" and [v for v in verbs if v not in _GCLOUD_TRACKS][:3] == _SQL_DELETE:
        return "gcloud sql databases delete deletes a database"
    if name == "firebase" and _firebase_wipes(verbs, args):
        return f"firebase {verbs[0]} deletes the project's database"
    if name == "bq" and verbs[:1] == ["rm"]:
        return "bq rm deletes a dataset or table"
    if name == "aws" and verbs[:2] in _AWS_DROPS:
        return f"aws {' '.join(verbs[:2])} deletes a database"
    if (name, *verbs[:2]) in _DATABASE_DELETES:  # wrangler d1 delete, pscale database delete
        return f"{name} {' '.join(verbs[:2])} deletes a database"
    if name == "az" and verbs[:1] in (["sql"], ["postgres"], ["mysql"], ["cosmosdb"]):
        kind = _AZ_DATABASES.intersection(verbs[1:4])
        if kind and "delete" in verbs[1:5]:  # az sql db delete, az cosmosdb sql database delete
            return f"az {verbs[0]} {min(kind)} delete deletes a database"
    if _calls_api(name) and _deletes_every_index(args):  # curl -X DELETE es:9200/_all
        return "deletes every index of a search cluster (DELETE /_all, or a wildcard)"
    if name in _SOCKET_CLIENTS:  # printf 'FLUSHALL\r\n' | nc redis.prod 6379: Redis's protocol
        found = _STORE_FLUSH.search(seen.data)
        host = _socket_host(name, args)
        remote = host is not None and not _LOCAL_HOST.fullmatch(host)
        return f"sends {found.group()} to the store on {host}" if found and remote else None
    runs_sql = name in _SQL_CLIENTS or name.lower() in _SQL_SERVER_CLIENTS
    runs_sql = runs_sql or any(basename(w) in _SQL_CLIENTS for w in args)
    runs_sql = runs_sql or _runs_sql(name, verbs)  # aws rds-data execute-statement --sql …
    if not runs_sql and not ("prisma" in words[:2] and "execute" in args):
        return None
    # Emptying a table or a store (TRUNCATE, FLUSHALL) counts on another host's database.
    empties = seen.other_database or _on_another_host(name, args, seen)
    for text in (*args, seen.data):
        if reason := drops_in_sql(text, empties, printed=seen.shown):
            return reason
    return None


# A URL naming every index of an Elasticsearch or OpenSearch cluster: its first and only
# segment `_all`, or a wildcard (`/logs-*`, `/*`), a query after it at most.
_EVERY_INDEX = re.compile(r"(?:https?://)?[^/\s]+/(?:_all|[^/?\s]*\*[^/?\s]*)/?(?:\?\S*)?")


def _deletes_every_index(args: Sequence[str]) -> bool:
    """Whether an HTTP client's ``args`` delete every index a search cluster holds, or all
    those a wildcard names (``curl -X DELETE http://es.prod:9200/_all``)."""
    deletes = _http_method(args) == "DELETE" or "DELETE" in args  # (httpie's: http DELETE URL)
    return deletes and any(map(_EVERY_INDEX.fullmatch, args))


# Raw socket clients, which send what they are given as a store's text protocol.
_SOCKET_CLIENTS = frozenset({"nc", "ncat", "netcat", "telnet", "socat"})
_SOCKET_VALUES = frozenset({"-q", "-w", "-p", "-s", "-i", "-x", "-X", "-e", "-c"})
# Redis's and memcached's commands that empty the store, as their text protocol spells them.
_STORE_FLUSH = re.compile(r"(?i)\bflushall\b|\bflushdb\b|\bflush_all\b")


def _socket_host(name: str, args: Sequence[str]) -> str | None:
    """The host a raw socket client connects to (``nc -q1 HOST PORT``, ``socat -
    TCP:HOST:PORT``), or None."""
    if name == "socat":
        found = (a.split(":") for a in args if a.upper().startswith(("TCP:", "TCP4:", "TCP6:")))
        return next((parts[1] for parts in found if len(parts) > 2), None)
    given = operands(args, _SOCKET_VALUES)
    return given[0] if given else None


def _firebase_wipes(verbs: Sequence[str], args: Sequence[str]) -> bool:
    """Whether a firebase command empties a whole database: Firestore's every collection
    (``firestore:delete --all-collections``), or the Realtime Database's root
    (``database:remove /``)."""
    if verbs[:1] == ["firestore:delete"]:
        return "--all-collections" in args or ("-r" in args and verbs[1:2] in ([], ["/"]))
    return verbs[:1] == ["database:remove"] and verbs[1:2] == ["/"]


# Cloud CLIs' commands that run the SQL they are given (`--sql`, `--command`) on a database.
# Hosted databases' CLIs: the commands that delete a database.
_DATABASE_DELETES = frozenset(
    {("wrangler", "d1", "delete"), ("pscale", "database", "delete"), ("turso", "db", "destroy")}
    | {("neonctl", "databases", "delete"), ("neonctl", "projects", "delete")}
    | {("atlas", "clusters", "delete"), ("atlas", "cluster", "delete")}
)
_SQL_COMMANDS = frozenset(
    {("aws", "rds-data", "execute-statement"), ("aws", "rds-data", "batch-execute-statement")}
    | {("wrangler", "d1", "execute"), ("gcloud", "sql", "connect"), ("turso", "db", "shell")}
    | {("aws", "redshift-data", "execute-statement"), ("supabase", "db", "query")}
    | {("aws", "athena", "start-query-execution")}  # --query-string "DROP TABLE …"
    | {("gcloud", "spanner", "databases")}  # execute-sql --sql, ddl update --ddl
    | {("databricks", "api", "post")}  # its SQL statements API: --json '{"statement": …}'
    # Frameworks' and platforms' database consoles and raw queries: `rails dbconsole`,
    # `php artisan db` and `tinker`'s `DB::statement(…)`, `typeorm query`, Ecto's
    # `mix run -e`, `heroku pg:psql`, `fly postgres connect`.
    | {("rails", "dbconsole"), ("rails", "db"), ("artisan", "db"), ("artisan", "tinker")}
    | {("typeorm", "query"), ("heroku", "pg:psql"), ("fly", "postgres")}
    | {("flyctl", "postgres"), ("sequelize", "db:query")}
)


def _runs_sql(name: str, verbs: Sequence[str]) -> bool:
    """Whether a cloud CLI's command runs SQL it is given (``wrangler d1 execute db
    --command "…"``)."""
    if name.startswith("php") and verbs[:1] == ["artisan"]:  # php artisan db
        name, verbs = "artisan", verbs[1:]
    if name == "mix" and verbs[:1] == ["run"]:  # Ecto's SQL in a one-liner: mix run -e '…'
        return True
    return (name, *verbs[:2]) in _SQL_COMMANDS or (name, *verbs[:1]) in _SQL_COMMANDS


def _on_another_host(name: str, args: Sequence[str], seen: Seen) -> bool:
    """Whether a database client reaches a database on another host: it runs there
    (``kubectl exec``, ``ssh``, ``heroku run``), or it is given a host (``-h``, ``--host``,
    a URL, ``host=``) with a dot in its name or an address not this machine's. A name
    without a dot is one on this machine's network, as a compose service's (``-h db``). A
    host that only names variables the line set (``H=localhost; redis-cli -h "$H"``) is
    read from their values, in the command judged with them; one named from elsewhere
    (``$DB_HOST``) may be any host."""
    if name in _REMOTE_RUNNERS:
        return True
    hosts = [b for a, b in pairwise(args) if a in ("-h", "--host", "-u", "--uri", "--url")]
    if name.lower() in _SQL_SERVER_CLIENTS:  # SQL Server's: -S tcp:db.prod,1433
        servers = [b for a, b in pairwise(args) if a in ("-S", "-ServerInstance")]
        hosts += [_sql_server_host(server) for server in servers]
    hosts += [a.partition("=")[2] for a in args if a.startswith("--host=")]
    hosts += [h for a in args if "host=" in a for h in _DSN_HOST.findall(a)]
    hosts += [a.partition("=")[2] if a[:1] == "-" else a for a in args if "://" in a]
    if name == "cqlsh":  # cqlsh db.prod 9042 -e '…': its first operand is the host
        hosts += operands(args, _CQLSH_VALUES)[:1]
    hosts = [h for h in hosts if not (names := referenced(h)) or names - seen.set_in_line]
    return any(not _LOCAL_URL.fullmatch(h) and not _LOCAL_HOST.fullmatch(h) for h in hosts)


def _sql_server_host(server: str) -> str:
    """The host of SQL Server's ``-S`` (``tcp:db.prod,1433``, ``HOST\\INSTANCE``), this
    machine's for LocalDB's and the local server's names (``(localdb)\\MSSQLLocalDB``,
    ``.\\SQLEXPRESS``, ``(local)``)."""
    host = re.split(r"[\\/]", server.removeprefix("tcp:").partition(",")[0])[0]
    return "localhost" if host.lower() in ("(localdb)", "(local)", ".", "") else host


def names_other_host(code: str) -> bool:
    """Whether ``code`` connects to a database on another host, as far as its text names
    one: a URL's host (``postgresql://u@db.prod/app``) or a ``host`` given
    (``host='cache.prod.example.com'``, ``"host=db.prod dbname=app"``) that is not this
    machine's nor a name on its network (a compose service's, without a dot)."""
    hosts = [m[1] or m[2] for m in _CODE_HOST.finditer(code)]
    return any(not _LOCAL_HOST.fullmatch(h) for h in hosts)


_CODE_HOST = re.compile(  # (a scheme read from its first character: see _SECRET_VARIABLE)
    r"(?<![\w+.-])[\w+.-]+://(?:[^@/\s'\"]*@)?([\w.-]+)"
    r"|\bhost\s*[=:]\s*['\"]?([\w.-]+)"
)
# A connection string's host (`host=db.prod dbname=app`, libpq's and goose's).
_DSN_HOST = re.compile(r"(?:^|\s)host=([^\s'\"]+)")
_CQLSH_VALUES = frozenset({"-u", "-p", "-e", "-k", "-f", "--username", "--password"})
# The variables its client reads the database's host from (`PGHOST=db.prod psql`).
_HOST_VARIABLES = frozenset({"PGHOST", "MYSQL_HOST"})
_LOCAL_HOST = re.compile(r"(?i)localhost|127(?:\.\d+){3}|::1|0\.0\.0\.0|/.*|[\w-]+")


_GCLOUD_TRACKS = ("alpha", "beta")
_SQL_DELETE = ["sql", "databases", "delete"]


# Programs that run a command in the deployed application (`heroku run rails db:reset`).
_REMOTE_RUNNERS = frozenset({"heroku", "fly", "flyctl", "railway", "kubectl", "oc", "ssh"})
# Cloud CLIs' database deletions: `aws rds delete-db-instance`, `aws dynamodb delete-table`.
_AWS_DROPS = (
    ["rds", "delete-db-instance"],
    ["rds", "delete-db-cluster"],
    ["dynamodb", "delete-table"],
    ["redshift", "delete-cluster"],
    ["docdb", "delete-db-cluster"],
    ["neptune", "delete-db-cluster"],
    ["elasticache", "delete-replication-group"],
    ["elasticache", "delete-cache-cluster"],
    ["elasticache", "delete-serverless-cache"],
    ["memorydb", "delete-cluster"],
    ["opensearch", "delete-domain"],
    ["es", "delete-elasticsearch-domain"],
    ["timestream-write", "delete-database"],
    ["keyspaces", "delete-keyspace"],
    ["qldb", "delete-ledger"],
)
_AWS_VALUES = frozenset({"--profile", "--region", "--endpoint-url", "--output", "--query"})
_AZ_DATABASES = frozenset({"db", "database", "server", "flexible-server"})
_IAC = frozenset(
    {"terraform", "tofu", "terragrunt", "pulumi", "cdk", "cdktf", "sst", "serverless", "sls"}
    | {"sam", "azd", "amplify", "copilot", "terraspace"}
)


# Programs that run a package's command: `npx cdktf destroy`, `pnpm dlx sst remove`.
# Package managers that run a package's program by its name (`yarn cdk destroy`); npx,
# pnpx, bunx and `pnpm exec`/`dlx` are read through before the checks (see `unwrap`).
_RUNNERS = frozenset({"pnpm", "yarn", "bun"})
# Subcommands that change nothing (`terraform plan -destroy` plans), and options whose value
# may be the word `destroy`.
_READS_ONLY = frozenset(
    {"plan", "show", "validate", "output", "graph", "init", "fmt", "providers", "console"}
    | {"version", "help", "preview", "diff", "synth", "ls", "list", "get"}
)
_IAC_VALUES = frozenset(
    {"-out", "-var", "-var-file", "-target", "-state", "-state-out", "-backup", "-replace"}
    | {"--target", "--stack", "-s", "--config", "--cwd", "--out", "--var", "--name"}
)


def destroy_plan(words: Sequence[str]) -> str | None:
    """The file ``terraform plan -destroy -out=F`` (``tofu``, ``terragrunt``) saves, if
    ``words`` are such a plan: applying it destroys."""
    if not words or basename(words[0]) not in _IAC or "plan" not in words[1:4]:
        return None
    if "-destroy" not in words and "--destroy" not in words:
        return None
    for flag, value in pairwise(words):
        if flag in ("-out", "--out"):
            return value
    saved = [w.partition("=")[2] for w in words if w.startswith(("-out=", "--out="))]
    return saved[0] if saved else None


def _package_command(words: Sequence[str]) -> list[str]:
    """The command a package manager runs by its program's name, named as the package's
    (``yarn cdktf-cli destroy`` runs ``cdktf destroy``, ``pnpm supabase db reset`` runs
    ``supabase db reset``); ``words`` as they are when no such manager runs them."""
    if basename(words[0]) not in _RUNNERS:
        return list(words)
    tools = [w for w in words[1:4] if not w.startswith("-") and w not in ("dlx", "exec")]
    if not tools:
        return list(words)
    package = tools[0] if tools[0][:1] == "@" else basename(tools[0])
    return [package_program(package), *words[words.index(tools[0]) + 1 :]]


def _destroys_stack(words: Sequence[str], seen: Seen) -> str | None:
    name = basename(words[0])
    if _calls_api(name) and any(map(_IAC_API_DESTROYS.search, words[1:])):
        # Terraform Cloud's run with "is-destroy": true, Spacelift's stackDelete that
        # destroys the stack's resources: a destroy run by the platform's API
        return "a destroy run through the IaC platform's API deletes the managed infrastructure"
    if _cmdlet_rule(name) == "terraform_destroy":  # Remove-CFNStack
        return f"{name} deletes the stack's resources"
    if name == "aws" and "cloudformation" in words and "delete-stack" in words:
        return "aws cloudformation delete-stack deletes the stack's resources"
    if name == "databricks" and [w for w in words[1:] if not w.startswith("-")][:2] == [
        "bundle",
        "destroy",
    ]:  # a Databricks bundle's resources, which it deploys with Terraform
        return "databricks bundle destroy deletes the bundle's resources"
    if name in _RUNNERS:  # yarn cdktf destroy, pnpm sst remove
        words = _package_command(words)
        name = words[0]
    if name not in _IAC:
        return None
    rest = list(words[1:])
    # The subcommand: the first operand (`terraform -chdir=x destroy`, `terragrunt run-all
    # destroy`, `npx cdk destroy`), or `destroy` where no option takes it as its value (a
    # plan's `-out destroy` is no destroy).
    commands = [w for w in rest if not w.startswith("-")][:3]
    while commands[:1] and commands[0] in ("run-all", "run"):
        commands = commands[1:]
    sub = commands[:1]
    if sub and sub[0] in _READS_ONLY:
        return None
    # TF_CLI_ARGS=-destroy, TF_CLI_ARGS_apply=-destroy: options terraform adds to its own.
    for variable in ("TF_CLI_ARGS", f"TF_CLI_ARGS_{sub[0]}" if sub else ""):
        rest += seen.cli_args.get(variable, "").split()
    if any(w == "destroy" and p not in _IAC_VALUES for p, w in pairwise(["", *rest])):
        return f"{name} destroy deletes the managed infrastructure"
    if "apply" in commands and ("-destroy" in rest or "--destroy" in rest):
        return f"{name} apply -destroy deletes the managed infrastructure"
    applied = [w.removeprefix("./") for w in operands(rest, _IAC_VALUES)]
    if "apply" in commands and seen.destroy_plans.intersection(applied):
        return f"{name} apply of a plan made with -destroy deletes the managed infrastructure"
    if name == "pulumi" and "down" in commands:
        return "pulumi down deletes the stack's resources"
    if name in ("serverless", "sls", "sst") and "remove" in commands[:1]:
        return f"{name} remove deletes the deployed stack"
    for teardown in ((name, *commands[:1]), (name, *commands[:2])):
        if teardown in _TEARDOWNS:
            return f"{' '.join(teardown)} deletes the deployed application's resources"
    return None


# Deployment tools' commands that delete what they deployed: AWS SAM's stack, the Azure
# Developer CLI's resources, Amplify's and Copilot's applications.
_TEARDOWNS = frozenset(
    {("sam", "delete"), ("azd", "down"), ("amplify", "delete"), ("copilot", "app", "delete")}
    | {("copilot", "env", "delete"), ("terraspace", "down"), ("terraspace", "all", "down")}
)


# A manifest's Namespace (YAML or JSON), as the line writes it or feeds it.
_NAMESPACE_MANIFEST = re.compile(
    r"""(?m)^\s*kind:\s*["']?Namespace["']?\s*$|"kind"\s*:\s*"Namespace"(?!\w)"""
)


# Kinds whose deletion takes cluster-wide state with it: a CRD (every resource of its kind,
# in every namespace), Crossplane's XRD (every composite and claim of it), a persistent
# volume, a node.
CLUSTER_WIDE_KINDS = frozenset(
    {"crd", "crds", "customresourcedefinition", "customresourcedefinitions"}
    | {"xrd", "xrds", "compositeresourcedefinition", "compositeresourcedefinitions"}
    | {"pv", "persistentvolume", "persistentvolumes", "node", "nodes"}
)


def _kubectl_deletes_all(words: Sequence[str], seen: Seen) -> str | None:
    name = basename(words[0])
    if name == "helm":
        return _helm_uninstalls_all(words, seen)
    if name == "argocd":
        return _argocd_deletes_all(words, seen)
    if name in _CRD_UNINSTALLS and _CRD_UNINSTALLS[name].issubset(words):
        # flux uninstall, istioctl uninstall --purge: the tool's CRDs, and with them every
        # resource of their kinds in every namespace
        return f"{name} uninstall deletes its CRDs and every resource of their kinds"
    if name == "helmfile" and "destroy" in operands(words[1:], _HELMFILE_VALUES)[:1]:
        narrowed = any(w in ("-l", "--selector") or w.startswith("--selector=") for w in words)
        return None if narrowed else "helmfile destroy uninstalls every release of the helmfile"
    deletes = _calls_api(name) and _http_method(words[1:]) == "DELETE"
    if deletes and any(_NAMESPACE_PATH.search(w) for w in words[1:]):  # curl -X DELETE …/ns/x
        return "deletes a namespace through the Kubernetes API"
    if deletes and any(_COLLECTION_PATH.search(w) for w in words[1:]):
        return "deletes every resource of a kind through the Kubernetes API"  # …/ns/x/pods
    if name not in _KUBECTLS:
        return None
    if words[1:2] == ["kubectl"]:
        words = words[1:]
    args = list(words[1:])
    raw = option_values(args, _RAW) if "delete" in args else []  # kubectl delete --raw /api/…
    if any(map(_NAMESPACE_PATH.search, raw)):
        return "deletes a namespace through the Kubernetes API"
    if any(map(_COLLECTION_PATH.search, raw)):
        return "deletes every resource of a kind through the Kubernetes API"
    if "delete" not in args or args[:2] == ["auth", "can-i"]:  # (asks whether it may)
        return None
    after = args[args.index("delete") + 1 :]
    listed = seen.fed or any(a.startswith("$(") for a in after)
    if seen.lists_kube and listed:  # for ns in $(kubectl get ns -o name); do kubectl delete …
        return "kubectl delete of every resource kubectl get lists"
    kinds = [a.lower() for a in operands(after, frozenset({"-n", "--namespace", "-l", "-f"}))]
    # `kubectl get ns -o name | grep feature- | xargs kubectl delete`: the names it is given
    # are `namespace/…`; a grep narrows which namespaces go, but namespaces go.
    named = not kinds or kinds[0][:1] in ("$", "{")
    if seen.lists_namespaces and listed and named:
        return "kubectl delete of the namespaces kubectl get lists deletes everything in them"
    if any(a in ("--all", "--all-namespaces", "-A") or a.startswith("--all=") for a in after):
        return "kubectl delete --all deletes every resource of the kind"
    # (`all` names every kind, not every resource: without --all, a selector or names pick.)
    if kinds and kinds[0].split("/")[0] in ("namespace", "namespaces", "ns", "project"):
        return f"kubectl delete {kinds[0]} deletes everything in it"
    files = option_values(after, frozenset({"-f", "--filename"}))
    if seen.saved_listings.intersection(f.removeprefix("./") for f in files):
        return "kubectl delete -f of what a whole listing saved deletes every resource in it"
    if any(a in ("-f", "--filename") or a.startswith("--filename=") for a in after) and (
        _NAMESPACE_MANIFEST.search(seen.data)
    ):  # kubectl delete -f - <<EOF … kind: Namespace: the manifest the line gives it
        return "kubectl delete of a Namespace manifest deletes everything in it"
    if kinds[:1] and kinds[0].partition("/")[0] in CLUSTER_WIDE_KINDS:
        return f"kubectl delete {kinds[0]} deletes cluster-wide state"
    return None


# Tools whose uninstall removes their CRDs (every resource of their kinds with them), and
# the words that make it do so.
_CRD_UNINSTALLS = {
    "flux": frozenset({"uninstall"}),
    "istioctl": frozenset({"uninstall", "--purge"}),
}
_HELMFILE_VALUES = frozenset({"-e", "--environment", "-f", "--file", "-l", "--selector"})
_RAW = frozenset({"--raw"})


def _helm_uninstalls_all(words: Sequence[str], seen: Seen) -> str | None:
    """``helm uninstall`` of every release ``helm ls`` lists (``helm ls -q | xargs helm
    uninstall``, ``helm uninstall $(helm ls -q)``); one named release is everyday."""
    verbs = operands(words[1:], frozenset({"-n", "--namespace", "--kube-context"}))
    if not verbs or verbs[0] not in ("uninstall", "delete", "del", "un"):
        return None
    listed = seen.fed or any(v.startswith("$(") for v in verbs[1:])
    if seen.lists_kube and listed:
        return "helm uninstall of every release helm ls lists deletes their resources"
    return None


def full_listing(words: Sequence[str]) -> bool:
    """Whether ``words`` are a ``kubectl get`` of whole kinds (``kubectl get all,cm -n shop
    -o yaml``): no name, no selector; what it prints, given to ``kubectl delete -f``,
    deletes every resource of them."""
    if not words or basename(words[0]) not in _KUBECTLS or "get" not in words[1:3]:
        return False
    args = list(words[words.index("get") + 1 :])
    if any(a.startswith(("-l", "--selector", "--field-selector")) for a in args):
        return False
    return len(operands(args, _GET_VALUES)) == 1


_KUBECTLS = frozenset({"kubectl", "oc", "k", "kubecolor"})
_GET_VALUES = frozenset({"-n", "--namespace", "-o", "--output", "--context", "--kubeconfig"})


def _argocd_deletes_all(words: Sequence[str], seen: Seen) -> str | None:
    """``argocd app delete`` of every application ``argocd app list`` lists (``argocd app
    list -o name | xargs -n1 argocd app delete``): with them, what they deployed; one named
    application is everyday."""
    verbs = operands(words[1:], frozenset({"--grpc-web-root-path", "--server", "-p"}))
    if verbs[:2] not in (["app", "delete"], ["appset", "delete"]):
        return None
    listed = seen.fed or any(v.startswith("$(") for v in verbs[2:])
    if seen.lists_kube and listed:
        return "argocd app delete of every application argocd app list lists deletes them"
    return None


_STORE = r"(?:gs|s3|s3a|r2|az|azure|wasbs?|abfss?|oss|cos|minio)://[^/]+"
_EVERY_OBJECT = re.compile(  # `gs://b/**`, `gs://b/*`, `s3://b/logs/**`: not `gs://b/*.log`
    _STORE + r"(?:/[^*]*)?/\*\*(?:/\*+)*|" + _STORE + r"/?\*+(?:/\*+)*"
)


def _expires_every_object(text: str) -> bool:
    """Whether an S3 lifecycle configuration (JSON) has an enabled rule expiring every object
    at once: an ``Expiration`` after a day (or on a date) with no filter, or one whose prefix
    is empty. (A retention of weeks or more, `{"Days": 90}`, is a log bucket's everyday.)"""
    try:
        rules = json.loads(text.strip() or "{}").get("Rules")
    except (ValueError, AttributeError):
        return False
    for rule in rules if isinstance(rules, list) else ():
        if not isinstance(rule, dict) or rule.get("Status") != "Enabled":
            continue
        expires = rule.get("Expiration")
        if not isinstance(expires, dict) or not _at_once(expires):
            continue
        chosen = rule.get("Filter", {"Prefix": rule.get("Prefix", "")})
        if isinstance(chosen, dict) and set(chosen) <= {"Prefix"} and not chosen.get("Prefix"):
            return True
    return False


def _at_once(expiration: dict[str, object]) -> bool:
    """Whether a lifecycle rule's ``Expiration`` takes the objects within a day, or on a date."""
    days = expiration.get("Days")
    return "Date" in expiration or (isinstance(days, int) and days <= 1)


def _wipes_cloud_storage(words: Sequence[str], seen: Seen) -> str | None:
    name, args = basename(words[0]), list(words[1:])
    if name == "aws" and "put-bucket-lifecycle-configuration" in args[:3]:
        given = option_values(args, frozenset({"--lifecycle-configuration"}))
        if any(map(_expires_every_object, [*given, seen.data])):
            return "a lifecycle rule expiring every object of the bucket deletes them"
    if _cmdlet_rule(name) == "cloud_storage_wipe":
        emptied = _BUCKET_CMDLETS.get(name.lower())  # (else the bucket must be empty)
        if emptied is None or any(a.lower() == emptied for a in args):
            return f"{name} deletes stored data"
    positional = operands(args, _AWS_VALUES)
    if seen.lists_objects and _deletes_each(name, positional, seen.fed):
        return f"{name} deletes, one by one, every object the line lists in the bucket"
    removes = seen.lists_objects and "-" in name and name.lower() in _OBJECT_REMOVERS
    if removes and not _names_one(args):
        return f"{name} deletes every object the line lists in the bucket"  # … | Remove-S3Object
    source = positional[2:3] if name in ("aws", "gcloud") else positional[1:2]
    if name == "aws":  # the service and command first, wherever the global options stand
        args = positional[:2] + [a for a in args if a.startswith("-")]
    empty = any("empty" in s or "mktemp" in s or s == "/dev/null" for s in source)
    empty = empty or any(s.rstrip("/") in seen.made for s in source)  # mkdir -p /tmp/e && …
    recursive = any(a in ("--recursive", "-r", "-R", "--force") or a.startswith("-r") for a in args)
    recursive = recursive or any(a.startswith("--recursive=") and a[12:] != "false" for a in args)
    # A wildcard that reaches every object: `gs://b/**`, `gs://b/*`, `s3://b/logs/**`.
    recursive = recursive or any(map(_EVERY_OBJECT.fullmatch, positional))
    if name == "aws" and args[:1] == ["s3"]:
        if "rm" in args[1:2] and "--recursive" in args:
            return "aws s3 rm --recursive deletes every object under the prefix"
        if "rb" in args[1:2] and "--force" in args:  # without it, rb removes only an empty bucket
            return "aws s3 rb --force deletes the bucket and every object in it"
        if "sync" in args[1:2] and "--delete" in args and empty:
            return "aws s3 sync --delete deletes what the source lacks"
    if name == "aws" and args[:1] == ["s3api"] and args[1:2] == ["delete-bucket"]:
        return "aws s3api delete-bucket deletes stored data"
    if name == "aws" and args[:1] == ["s3api"] and args[1:2] == ["delete-objects"]:
        # Objects it names (`Objects=[{Key=a}]`), or those a narrowed listing saved: only those.
        given = [b for a, b in with_next(words) if a == "--delete"]
        given += [a.partition("=")[2] for a in words if a.startswith("--delete=")]
        named = any(g.startswith(("Objects=", "{")) and "$(" not in g for g in given)
        if seen.lists_objects or not (named or seen.lists_some_objects):
            return "aws s3api delete-objects deletes stored data"
    if name == "gsutil":
        sub = [a for a in args if not a.startswith("-")][:1]
        if sub == ["rb"] or (sub == ["rm"] and recursive):
            return f"gsutil {sub[0]} deletes stored objects"
        if sub == ["rsync"] and "-d" in args and empty:
            return "gsutil rsync -d deletes what the source lacks"
    deletes = ("rm" in args and recursive) or ("buckets" in args and "delete" in args)
    deletes = deletes or ("objects" in args and "delete" in args and recursive)
    if name == "gcloud" and "storage" in args[:3] and deletes:
        return "gcloud storage deletes stored objects"
    if name == "az" and args[:1] == ["storage"] and _az_storage_wipes(args[1:]):
        return "az storage deletes stored data"
    if name == "rclone" and args[:1] in (["purge"], ["delete"]) and _rclone_remote(args[1:]):
        return f"rclone {args[0]} deletes stored data"  # (a local folder is judged as `rm`'s)
    if name == "azcopy" and args[:1] in (["rm"], ["remove"]) and recursive:
        return "azcopy remove deletes stored data"
    if empty and (mirror := _MIRRORS.get(name)) and positional[:1] == [mirror[0]]:
        # rclone sync EMPTY remote:b, b2 sync --delete, s3cmd sync --delete-removed, mc
        # mirror --remove, azcopy sync --delete-destination=true: the remote made as empty.
        needed = mirror[1]
        if not needed or any(a == needed or a.startswith(needed + "=true") for a in args):
            return f"{name} {mirror[0]} from an empty folder deletes every stored object"
    # (s5cmd deletes every object by a wildcard alone, its global options, whose values are
    # not known here, before: `s5cmd --numworkers 64 rm 's3://b/*'`.)
    verbs = [p for p in positional[:3] if p in ("rm", "rb", "del")]
    if name in ("mc", "s3cmd", "s5cmd", "b2") and verbs and recursive:
        return f"{name} {verbs[0]} deletes stored data"
    return None


# Storage tools' commands that make the destination like the source, and the option that
# makes them delete what the source lacks ("" when they always do).
_MIRRORS = {
    "rclone": ("sync", ""),
    "b2": ("sync", "--delete"),
    "s3cmd": ("sync", "--delete-removed"),
    "mc": ("mirror", "--remove"),
    "azcopy": ("sync", "--delete-destination"),
}


# PowerShell's cmdlets that remove an object, given one (`-Key a.txt`) or what is piped in.
_OBJECT_REMOVERS = frozenset({"remove-s3object", "remove-gcsobject", "remove-azstorageblob"})


OBJECT_NAMING = frozenset({"-key", "-objectname", "-blob", "-keycollection"})
"""The options of PowerShell's storage cmdlets that name objects (lower case)."""


def _names_one(args: Sequence[str]) -> bool:
    """Whether a remover names the one object it removes (``-Key logs/a.txt``), not one
    it is given (``-Key $_.Key``) or piped."""
    return any(a.lower() in OBJECT_NAMING and "$" not in b for a, b in with_next(args))


def _rclone_remote(args: Sequence[str]) -> bool:
    """Whether rclone's path (the first of ``args`` not an option) is a remote's
    (``name:path``, cloud storage), not a folder of this machine."""
    return on_remote(next((a for a in args if not a.startswith("-")), ""))


def _az_storage_wipes(args: Sequence[str]) -> bool:
    """Whether ``az storage …`` deletes many objects (``blob delete-batch``) or what holds
    them (``container delete``, ``account delete``, ``share delete``); one blob or file
    deleted by name is everyday."""
    verbs = operands(args, _AZ_VALUES | {"--container-name", "-c", "--account-name"})
    if any(v.startswith("delete-batch") or v == "purge" for v in verbs[:3]):
        return True
    return "delete" in verbs[1:3] and verbs[0] not in ("blob", "file", "message", "entity")


def _deletes_each(name: str, positional: Sequence[str], fed: bool) -> bool:
    """Whether a command deletes an object it is given, by ``xargs`` or as a substitution
    or loop variable (``xargs -I{} aws s3 rm s3://b/{}``, ``gsutil rm gs://b/$k``)."""
    verbs = positional[:2] if name in ("aws", "gcloud") else positional[:1]
    verbs = positional[:3] if name == "az" else verbs
    deletes = verbs in (["s3", "rm"], ["s3api", "delete-object"], ["storage", "rm"], ["rm"])
    deletes = deletes or verbs == ["storage", "blob", "delete"]
    named = [p for p in positional[len(verbs) :] if "$" in p or "{}" in p]
    stores = ("aws", "gcloud", "gsutil", "s3cmd", "s5cmd", "mc", "az")
    return name in stores and deletes and (fed or bool(named))


def _gcloud_deletes(words: Sequence[str], seen: Seen) -> str | None:
    words = _package_command(words)  # yarn wrangler delete, pnpm vercel rm
    name = basename(words[0])
    verbs = [w for w in words[1:] if not w.startswith("-")][:2]
    if (name in ("gh", "glab") and verbs == ["repo", "delete"]) or (
        name == "hub" and verbs[:1] == ["delete"]  # hub delete -y OWNER/REPO
    ):  # the hosted repository, its history, issues and releases with it
        return (
            f"{name} {' '.join(verbs[: 1 if name == 'hub' else 2])} deletes the hosted repository"
        )
    if _calls_api(name) or (name in ("gh", "glab") and words[1:2] == ["api"]):
        # DELETE of a repository through its host's API: GitHub's, GitLab's, Bitbucket's,
        # Gitea's, Azure DevOps'. (glab api's paths are under GitLab's /api/v4/.)
        args = [
            f"/api/v4/{a}" if name == "glab" and a.startswith("projects/") else a for a in words[1:]
        ]
        if _http_method(args) == "DELETE" and any(map(_REPOSITORY_PATH.search, args)):
            return "deletes the hosted repository through its API"
        if _http_method(args) == "DELETE" and any(map(_PLATFORM_PATH.search, args)):
            return "deletes cloud resources (a server, a cluster, a project) through the API"
    if _cmdlet_rule(name) == "gcloud_delete":
        return f"{name} deletes cloud resources"
    if name == "az" and _empties_group(words, seen.data):
        return "a Complete deployment of an empty template deletes every resource of the group"
    if name == "az":
        return _az_deletes(words)
    if name in ("aws", "eksctl"):
        return _aws_deletes(words)
    if name == "knife":  # knife ec2 server delete: Chef's cloud plugins' machines
        given = [w for w in words[1:] if not w.startswith("-")][:3]
        deletes = given[1:] == ["server", "delete"]
        return f"knife {' '.join(given)} deletes cloud machines" if deletes else None
    if name in _CLOUD_CLIS or name == "heroku":
        return _cloud_cli_deletes(name, words)
    if name != "gcloud":
        return None
    verbs = [a for a in words[1:] if not a.startswith("-")]
    if "storage" in verbs[:2]:
        return None  # cloud_storage_wipe's
    if verbs[:1] in (["alpha"], ["beta"]):
        verbs = verbs[1:]
    if verbs[:1] and verbs[0] in _GCLOUD_LOCAL:
        return None  # gcloud config configurations delete: a profile on this machine
    if "delete" in verbs and tuple(verbs[: verbs.index("delete")]) in _GCLOUD_COPIES:
        return None  # one snapshot, image or image tag: a copy, as AWS's are everyday
    if "delete" in verbs or "purge" in verbs:
        return "gcloud … delete deletes cloud resources"
    return None


# gcloud's groups whose deletions remove a copy or a version (a disk's snapshot, a machine
# image, a container image or its tag), not a running resource: everyday cleanup, as AWS's
# `ec2 delete-snapshot` and `ecr batch-delete-image` are.
_GCLOUD_COPIES = frozenset(
    {("compute", "snapshots"), ("compute", "images"), ("compute", "machine-images")}
    | {("artifacts", "docker", "images"), ("artifacts", "docker", "tags")}
    | {("artifacts", "versions"), ("artifacts", "tags"), ("container", "images")}
)


def _empties_group(words: Sequence[str], data: str) -> bool:
    """Whether ``az deployment group create --mode Complete`` deploys a template with no
    resource (the line wrote it): Complete mode deletes what the template does not hold."""
    args = [w.lower() for w in words[1:]]
    if args[:3] != ["deployment", "group", "create"] or "complete" not in option_values(
        args, frozenset({"--mode"})
    ):
        return False
    return _EMPTY_TEMPLATE.search(data) is not None


_EMPTY_TEMPLATE = re.compile(r'"resources"\s*:\s*\[\s*\]')


def _az_deletes(words: Sequence[str]) -> str | None:
    """Azure's resource deletions: ``az group delete``, ``az aks delete``, ``az vm delete``,
    ``az keyvault delete``; not of the CLI's own settings (``az config unset``, ``az account
    clear``, ``az extension remove``). Storage and databases are other rules'."""
    verbs = operands(words[1:], _AZ_VALUES)
    if not verbs or verbs[0] in _AZ_LOCAL or verbs[0] == "storage" or "delete" not in verbs[1:4]:
        return None
    if verbs[:2] == ["repos", "ref"]:  # a branch of a repository: not the repository
        return None
    if verbs[:1] in (["snapshot"], ["image"]) or (
        verbs[:2] == ["acr", "repository"] and ("--image" in words or "-t" in words)
    ):  # one snapshot, image or image tag: a copy, as AWS's are everyday
        return None
    return f"az {' '.join(verbs[: verbs.index('delete', 1) + 1])} deletes cloud resources"


def _aws_deletes(words: Sequence[str]) -> str | None:
    """AWS's deletions of machines, clusters and the applications they run (``aws ec2
    terminate-instances``, ``aws eks delete-cluster``); its databases, storage and stacks
    are other rules'."""
    verbs = operands(words[1:], _AWS_VALUES)
    if basename(words[0]) == "eksctl":  # eksctl delete cluster --name prod
        deletes = verbs[:1] == ["delete"] and verbs[1:2] and verbs[1] in _EKSCTL_DELETES
        return f"eksctl delete {verbs[1]} deletes cloud resources" if deletes else None
    if tuple(verbs[:2]) in _AWS_DELETES:
        return f"aws {verbs[0]} {verbs[1]} deletes cloud resources"
    # Any other service's resource deleted (a queue, a VPC, a distribution, a hosted zone, a
    # key scheduled for deletion), as gcloud's deletions are; not a part of one (a tag, an
    # item, a message, a snapshot or an image, a version, a key being rotated, a record).
    if (
        len(verbs) > 1
        and _AWS_DELETE_VERB.fullmatch(verbs[1])
        and not _AWS_PART.fullmatch(verbs[1])
        and verbs[0] not in _AWS_OTHER_RULES
        and verbs[:2] not in _AWS_DROPS
    ):
        return f"aws {verbs[0]} {verbs[1]} deletes cloud resources"
    return None


# AWS's verbs that delete (`delete-queue`, `terminate-environment`, a KMS key's scheduled
# deletion, a queue purged), and those that delete a part of a resource, not the resource.
_AWS_DELETE_VERB = re.compile(r"(?:delete|terminate)-[\w-]+|schedule-key-deletion|purge-queue")
_AWS_PART = re.compile(
    r"delete-(?:[\w-]+-)?(?:tags?|items?|messages?|message-batch|snapshots?|images?|objects?"
    r"|access-key|key-pair|ssh-public-key|signing-certificate|login-profile|log-stream"
    r"|alarms?|parameters?|versions?|alias(?:es)?|concurrency|event-source-mapping"
    r"|scheduled-action|change-set|polic(?:y|ies)|rules?|attributes?|records?|permissions?"
    r"|notifications?|metric-filters?|subscription|lifecycle[\w-]*|configuration[\w-]*"
    r"|branch(?:es)?|entries|members?|webhook|invalidation|route|routes|annotations?)"
)
# The services whose deletions are other rules': storage's, stacks' (terraform_destroy).
_AWS_OTHER_RULES = frozenset({"s3", "s3api", "cloudformation"})


# AWS commands that delete machines, clusters, their disks and the applications on them.
_AWS_DELETES = frozenset(
    {("ec2", "terminate-instances"), ("ec2", "delete-volume"), ("eks", "delete-cluster")}
    | {("eks", "delete-nodegroup"), ("ecs", "delete-cluster"), ("ecs", "delete-service")}
    | {("lightsail", "delete-instance"), ("elasticbeanstalk", "terminate-environment")}
    | {("elasticbeanstalk", "delete-application"), ("lambda", "delete-function")}
    | {("autoscaling", "delete-auto-scaling-group"), ("organizations", "close-account")}
    | {("ecr", "delete-repository"), ("apprunner", "delete-service"), ("eks", "delete-addon")}
)
# eksctl's deletions of clusters and what runs on them (its other deletes act on settings).
_EKSCTL_DELETES = frozenset({"cluster", "nodegroup", "fargateprofile", "addon"})


def _cloud_cli_deletes(name: str, words: Sequence[str]) -> str | None:
    """Another cloud's deletion of its resources, read as gcloud's is: a delete verb among
    the command's first words (``doctl compute droplet delete``, ``hcloud server delete``,
    ``fly apps destroy``, ``oci compute instance terminate``, ``heroku apps:destroy``),
    outside the groups that act on the CLI's own settings on this machine."""
    verbs = [w for w in words[1:] if not w.startswith("-")][:4]
    if name == "heroku":
        destroys = [v for v in verbs[:1] if v.endswith(":destroy") or v == "destroy"]
        return f"heroku {destroys[0]} deletes cloud resources" if destroys else None
    if not verbs or verbs[0] in _CLOUD_CLIS[name]:
        return None
    # (ibmcloud's verbs are hyphenated: `ibmcloud is instance-delete`.)
    # (and netlify's are colon-joined: `netlify sites:delete`)
    deletes = (v for v in verbs if v in _DELETE_VERBS or v.endswith(("-delete", "-rm", ":delete")))
    if verb := next(deletes, None):
        return f"{name} {' '.join(verbs[: verbs.index(verb) + 1])} deletes cloud resources"
    return None


# PowerShell's cloud modules (Az, AWS.Tools, GoogleCloud): their cmdlets that delete what a
# rule protects, by the rule (named in lower case: PowerShell ignores case).
_CMDLETS = {
    # dbatools' database removal (Remove-DbaDatabase -SqlInstance … -Database …)
    "remove-dbadatabase": "drop_database",
    **dict.fromkeys(
        [
            "remove-azresourcegroup",
            "remove-azresource",
            "remove-azvm",
            "remove-azvmss",
            "remove-azakscluster",
            "remove-azwebapp",
            "remove-azfunctionapp",
            "remove-azkeyvault",
            "remove-azcontainergroup",
            "remove-ec2instance",
            "remove-ekscluster",
            "remove-eksnodegroup",
            "remove-ecscluster",
            "remove-ecsservice",
            "remove-lmfunction",
            "remove-ebenvironment",
            "remove-gceinstance",
            "remove-gkecluster",
            "remove-gcsqlinstance",
            "remove-gcpproject",
        ],
        "gcloud_delete",
    ),
    **dict.fromkeys(
        [
            "remove-azsqldatabase",
            "remove-azsqlserver",
            "remove-azcosmosdbaccount",
            "remove-azpostgresqlflexibleserver",
            "remove-azmysqlflexibleserver",
            "remove-rdsdbinstance",
            "remove-rdsdbcluster",
            "remove-ddbtable",
        ],
        "drop_database",
    ),
    **dict.fromkeys(
        [
            "remove-azstorageaccount",
            "remove-azstoragecontainer",
            "remove-azstorageshare",
            "remove-s3bucket",
            "remove-gcsbucket",
        ],
        "cloud_storage_wipe",
    ),
    "remove-cfnstack": "terraform_destroy",
}


def _cmdlet_rule(name: str) -> str | None:
    """The rule a PowerShell cmdlet named ``name`` (Verb-Noun, any case) falls under."""
    return _CMDLETS.get(name.lower()) if "-" in name else None


# Their cmdlets that remove a bucket, and the switch that deletes its objects with it.
_BUCKET_CMDLETS = {"remove-s3bucket": "-deletebucketcontent", "remove-gcsbucket": "-force"}


# Other clouds' CLIs, each with its groups that act on this machine (sign-in, settings).
_CLOUD_CLIS = {
    "doctl": frozenset({"auth", "version", "completion"}),
    # Firebase's `functions:delete`, `apps:delete`; its data is the database rule's.
    "firebase": frozenset({"login", "logout", "use", "init", "target:apply", "firestore:delete"})
    | {"database:remove"},
    "hcloud": frozenset({"context", "completion", "version"}),
    "linode-cli": frozenset({"configure", "completion"}),
    "vultr-cli": frozenset({"completion", "version"}),
    "oci": frozenset({"setup", "session"}),
    "fly": frozenset({"auth", "config", "version", "completion"}),
    "flyctl": frozenset({"auth", "config", "version", "completion"}),
    "scw": frozenset({"init", "config", "autocomplete", "version", "info", "login"}),
    "civo": frozenset({"apikey", "config", "completion", "version"}),
    "upctl": frozenset({"account", "completion", "version"}),
    "exo": frozenset({"config", "completion", "version"}),
    "yc": frozenset({"init", "config", "components", "version"}),
    "ibmcloud": frozenset({"login", "logout", "config", "target", "plugin", "update", "api"}),
    # Hosting platforms; their groups for data (D1, R2, KV, secrets) are other rules' or routine.
    "vercel": frozenset({"login", "logout", "whoami", "link", "pull", "env", "dev", "build"})
    | {"switch", "telemetry", "completion", "dns", "certs", "alias", "git"},
    "netlify": frozenset({"login", "logout", "status", "link", "unlink", "dev", "build"})
    | {"env:unset", "env:set", "env:get", "env:list", "env:import", "completion"},
    "wrangler": frozenset({"login", "logout", "whoami", "dev", "init", "types", "kv", "secret"})
    | {"tail", "docs", "d1", "r2"},
    "supabase": frozenset({"login", "logout", "link", "unlink", "init", "start", "stop", "db"})
    | {"status", "migration", "functions", "secrets", "gen", "completion", "storage"},
    "databricks": frozenset({"auth", "configure", "fs", "workspace", "secrets", "repos", "api"})
    | {"bundle"},
    "atlas": frozenset({"auth", "config", "completion", "clusters", "cluster"}),
}
_DELETE_VERBS = frozenset({"delete", "destroy", "terminate", "rm", "remove"})


# Options of az that take a value (which may be any word).
_AZ_VALUES = frozenset(
    {"--name", "-n", "--resource-group", "-g", "--subscription", "--ids", "--output", "-o"}
    | {"--query", "--location", "-l", "--cluster-name", "--vault-name", "--server", "-s"}
)
# az's groups that act on this machine's own settings or sign-in, not on cloud resources.
_AZ_LOCAL = frozenset({"config", "account", "extension", "cache", "login", "logout", "devops"})
# gcloud's groups that act on this machine's own settings, not on cloud resources.
_GCLOUD_LOCAL = frozenset({"config", "auth", "components", "topic", "help", "info", "init"})


def _docker_prunes(words: Sequence[str], seen: Seen) -> str | None:
    name = basename(words[0])
    if _compose_down_volumes(name, words[1:]):  # a local project's `down -v` is everyday
        compose = name if name.endswith("compose") else f"{name} compose"
        return f"{compose} down -v deletes the volumes of a production project"
    posts = _calls_api(name) and _http_method(words[1:]) == "POST"  # Docker's own API
    if posts and any(_PRUNES_PATH.search(w) for w in words[1:]):
        return "deletes unused volumes through Docker's API"
    deletes = _calls_api(name) and _http_method(words[1:]) == "DELETE"
    if deletes and seen.lists_volumes and any(_VOLUME_PATH.search(w) for w in words[1:]):
        return "deletes every volume Docker's API lists, and their data"
    if name not in RUNTIMES:
        return None
    args = subcommand(words[1:])  # (docker --context remote system prune …)
    if args[:1] in (["system"], ["volume"]) and _labelled(args):
        return None  # the volumes a label picks, as a grep's (not `until=24h`, `all=1`)
    if args[:2] == ["system", "prune"] and "--volumes" in args:
        return f"{name} system prune --volumes deletes the data in every unused volume"
    if args[:2] == ["volume", "prune"]:
        return f"{name} volume prune deletes the data in unused volumes"
    if args[:2] == ["system", "reset"]:  # podman system reset: every container, image, volume
        return f"{name} system reset deletes every volume with the rest of its storage"
    every = "--all" in args or "-a" in args
    if args[:2] == ["volume", "rm"] and (seen.lists_volumes or every):  # podman volume rm --all
        return f"{name} volume rm of every listed volume deletes their data"
    removes = args[:1] == ["rm"] or args[:2] in (["container", "rm"], ["container", "remove"])
    volumes = "--volumes" in args or any(_VOLUMES_TOO.fullmatch(a) for a in args)
    every = every or any(a[:1] == "-" != a[1:2] and "a" in a for a in args)  # podman rm -av
    if removes and volumes and (seen.lists_containers or (name == "podman" and every)):
        # docker rm -fv $(docker ps -aq): a database run without -v keeps its data in one
        return f"{name} rm -v of every container deletes the data in their volumes"
    return None


_VOLUMES_TOO = re.compile(r"-[a-zA-Z]*v[a-zA-Z]*")  # rm's -v, alone or clustered: -fv


# A compose file, project or context named for an environment that is not the developer's.
_DEPLOYED = re.compile(r"(?i)(?:^|[._/-])(?:prod|production|staging|stage|live)(?:[._/-]|$)")
_COMPOSE_NAMES = frozenset({"-f", "--file", "-p", "--project-name", "--env-file", "--context"})


def _compose_down_volumes(name: str, args: Sequence[str]) -> bool:
    """Whether Compose takes a project down with its volumes (``down -v``, ``--volumes``)
    where a file, project or context it is given names production or staging
    (``docker compose -f docker-compose.prod.yml down -v``)."""
    compose = name in ("docker-compose", "podman-compose")
    if name in RUNTIMES:
        compose = subcommand(args)[:1] == ["compose"]
    if not compose or "down" not in args:
        return False
    after = args[args.index("down") + 1 :]
    if "--volumes" not in after and not any(map(_VOLUMES_TOO.fullmatch, after)):
        return False
    return any(map(_DEPLOYED.search, option_values(args, _COMPOSE_NAMES)))


def _labelled(args: Sequence[str]) -> bool:
    """Whether a prune is narrowed to volumes a label picks (``--filter label=…``); one
    that only spares those a label picks (``label!=keep``) prunes every other volume."""
    picks = [f.strip("'\"") for f in option_values(args, _FILTER)]
    return any(f.startswith("label") and not f.startswith("label!=") for f in picks)


_FILTER = frozenset({"--filter"})


_DEFAULT_BRANCHES = re.compile(  # (what is pushed may be a substitution: "$(…)":main)
    r"\+?(?:[^:]*:)?(?:refs/heads/)?(main|master|trunk|develop|production|prod|release)"
)
_GH_VALUES = frozenset({"-R", "--repo", "-b", "--branch", "-s", "--source"})
_FED_REFS = 16  # the words xargs gives a push, read at most
# A refspec pushing every branch onto its namesake (`+refs/heads/*:refs/heads/*`), or any
# refs onto every branch (`+refs/remotes/upstream/*:refs/heads/*`).
_EVERY_BRANCH = re.compile(
    r"\+?(?:refs/heads/)?\*(?::(?:refs/heads/)?\*)?|\+?[^:]*\*:(?:refs/heads/)?\*"
)
# git's own, and the programs that are git under another name: GitHub's hub, JGit's CLI.
_GITS = frozenset({"git", "hub", "jgit"})
_MIRROR_SETTING = re.compile(r"(?i)remote\.[^=]+\.mirror=(?:true|yes|on|1)")


def _sapling_force_push(args: Sequence[str]) -> str | None:
    """Sapling's ``sl push --to BRANCH --force`` to a default branch."""
    to = option_values(args, frozenset({"--to", "-t"}))
    branch = _DEFAULT_BRANCHES.fullmatch(to[0]) if to else None
    forced = "--force" in args or "-f" in args
    return (
        f"force-pushes to {branch.group(1)}, rewriting its history" if branch and forced else None
    )


# The default branch's name looked up where the line runs: GitHub's `defaultBranchRef`, the
# remote's HEAD (`git symbolic-ref refs/remotes/origin/HEAD`, `git remote show origin`).
_LOOKS_UP_DEFAULT = re.compile(
    r"defaultBranchRef|default_branch|^(?:refs/remotes/)?\w+/HEAD$|^--symref$"
)


def _force_pushes_default(words: Sequence[str], seen: Seen) -> str | None:
    if basename(words[0]) in ("gh", "glab") and words[1:2] == ["api"]:
        return _api_ref_update(words[2:])
    if basename(words[0]) == "sl" and "push" in words[1:2]:  # Sapling: sl push --to main -f
        return _sapling_force_push(words[2:])
    if _calls_api(basename(words[0])):
        return _api_ref_update(words[1:])
    if basename(words[0]) == "gh" and operands(words[1:], _GH_VALUES)[:2] == ["repo", "sync"]:
        # gh repo sync OWNER/FORK --force: the fork's default branch reset on the host to
        # its source's, its own commits dropped (without a repository named, the local one).
        synced = operands(words[1:], _GH_VALUES)[2:]
        return (
            "resets a hosted fork's default branch (gh repo sync --force)"
            if (synced and "--force" in words)
            else None
        )
    verb = "push" if "push" in words else "send-pack"  # (send-pack: push's own plumbing)
    if basename(words[0]) not in _GITS or verb not in words:
        return None
    args = list(words[words.index(verb) + 1 :])
    # git -c remote.origin.mirror=true push origin: the remote's setting makes it --mirror
    settings = [b for a, b in pairwise(words[: words.index(verb)]) if a == "-c"]
    if any(_MIRROR_SETTING.fullmatch(s) for s in settings):
        args.append("--mirror")
    forced = any(
        a in ("--force", "--mirror")
        or a.startswith("--force-with-lease")
        or a.startswith("--force-if")
        or (a[:1] == "-" and a[1:2] != "-" and "f" in a)
        for a in args
    )
    deleting = "--delete" in args or "-d" in args
    if (forced and "--all" in args) or "--mirror" in args:  # every branch, the default's too
        return "force-pushes every branch, the default branch's history rewritten with them"
    refs = operands(args, frozenset({"--repo", "-o", "--push-option", "--receive-pack"}))[1:]
    if not refs and seen.push_refspec:  # git push origin: what the config says it pushes
        refs = [seen.push_refspec]
    if seen.fed:  # echo main | xargs git push -f origin: what xargs is given, pushed
        refs += seen.data.split()[:_FED_REFS]
    if any(_EVERY_BRANCH.fullmatch(r) and (forced or r[:1] == "+") for r in refs):
        return "force-pushes every branch, the default branch's history rewritten with them"
    # (a quoted substitution is read after its command: its text is in the ref itself)
    looked_up = [r for r in refs if "$" in r and (seen.looked_up_default or _looks_up(r))]
    if looked_up and (forced or any(r.startswith("+") for r in looked_up)):
        # git push -f origin "HEAD:$(git symbolic-ref --short refs/remotes/origin/HEAD …)"
        return "force-pushes to the default branch the line looks up, rewriting its history"
    if not refs and seen.branch and forced:  # git switch main && git push -f
        refs = [seen.branch]
    if seen.branch:  # git switch main && git push -f origin HEAD: HEAD is main
        refs = [_on_branch(ref, seen.branch) for ref in refs]
    for ref in refs:
        branch = _DEFAULT_BRANCHES.fullmatch(ref)
        if branch is None:
            continue
        if forced or ref.startswith("+"):
            return f"force-pushes to {branch.group(1)}, rewriting its history"
        if deleting or ref.startswith(":"):
            return f"deletes the branch {branch.group(1)}"
    return None


def _looks_up(ref: str) -> bool:
    """Whether a ref's own substitution looks up the default branch's name."""
    if "$(" not in ref:
        return False
    # git remote show origin prints the default branch as `HEAD branch: main`
    return _REMOTE_SHOWN.search(ref) is not None or any(
        map(_LOOKS_UP_DEFAULT.search, ref.replace(")", " ").split())
    )


_REMOTE_SHOWN = re.compile(r"\bgit\s+(?:-C\s+\S+\s+)?remote\s+show\b")


def looks_up_default(words: Sequence[str]) -> bool:
    """Whether ``words`` print the name of the repository's default branch (``gh repo view
    --json defaultBranchRef``, ``git symbolic-ref refs/remotes/origin/HEAD``, ``git remote
    show origin``)."""
    if not words or basename(words[0]) not in ("git", "gh") or words[1:2] == []:
        return False
    if words[1] not in ("symbolic-ref", "rev-parse", "remote", "ls-remote", "repo", "api"):
        return False  # (a reset to origin/HEAD prints no name)
    return words[1:3] == ["remote", "show"] or any(map(_LOOKS_UP_DEFAULT.search, words[1:]))


# A branch's path in a code host's API: GitHub's ref, GitLab's and Bitbucket's branch.
_BRANCH_PATH = re.compile(r"/(git/refs/heads|repository/branches|refs/branches)/([^/?#\s'\"]+)")


def _api_ref_update(args: Sequence[str]) -> str | None:
    """A forced update or a deletion of a default branch's ref through GitHub's API (``gh api
    -X PATCH repos/o/r/git/refs/heads/main -F force=true``, ``-X DELETE``; curl's ``-X PATCH
    …/git/refs/heads/main -d '{"force": true}'``)."""
    ref = next((found for a in args if (found := _BRANCH_PATH.search(a))), None)
    if ref is None or (branch := _DEFAULT_BRANCHES.fullmatch(ref.group(2))) is None:
        return None
    if ref.group(1) != "git/refs/heads" and _http_method(args) != "DELETE":
        return None  # GitLab's and Bitbucket's branches: their deletion only
    if _http_method(args) == "DELETE":
        return f"deletes the branch {branch.group(1)}"
    forced = any(_FORCE_FIELD.search(a) for a in args)
    return f"force-updates {branch.group(1)}, rewriting its history" if forced else None


_FORCE_FIELD = re.compile(r"""^force=(?:true|1)$|["']?force["']?\s*:\s*true""")


def _calls_api(name: str) -> bool:
    """Whether the program ``name`` is an HTTP client: curl's kind, or PowerShell's
    ``Invoke-RestMethod`` and ``Invoke-WebRequest`` (``irm``, ``iwr``)."""
    return name in HTTP_CLIENTS or name.lower() in POWERSHELL_HTTP


def _http_method(args: Sequence[str]) -> str:
    """The method an HTTP client's arguments name (``-X DELETE``, ``--request=DELETE``,
    PowerShell's ``-Method Delete``)."""
    for arg, value in with_next(args):
        if arg in ("-X", "--method", "--request") or arg.lower() == "-method":
            return value.upper()
        if arg.startswith(("-X", "--request=", "--method=")) and len(arg) > 2:
            return (
                arg.removeprefix("--request=").removeprefix("--method=").removeprefix("-X").upper()
            )
    return ""


# The paths of the APIs whose calls the rules read: Kubernetes' namespaces, GitHub's refs,
# Docker's prune of volumes; code hosts' repositories.
_API_PATHS = ("/namespaces/", "/git/refs/heads/", "/volumes/", "/api/v2/runs", "/graphql")
_REPOSITORY_PATHS = ("/repos/", "/projects/", "/repositories/")  # read when deleted only
# A repository itself in a code host's API, nothing under it (`repos/acme/web`, GitLab's
# `/api/v4/projects/412`, Bitbucket's `/2.0/repositories/acme/web`, `repos/{}` from xargs).
_REPOSITORY_PATH = re.compile(
    r"(?:^|/)(?:repos/(?:[\w.$-]+/[\w.${}-]+|\{\})|api/v4/projects/[^/?\s]+"
    r"|2\.0/repositories/[\w.-]+/[\w.-]+|_apis/git/repositories/[^/?\s]+)/?(?:\?\S*)?$"
)
# A hosting platform's project, site, app, service or server itself in its API, nothing
# under it: Vercel's, Netlify's, Render's, Heroku's, Fly's, Supabase's, DigitalOcean's,
# Hetzner's, Linode's, Cloudflare's zones.
_PLATFORM_APIS = {  # each API's host, and the paths of what it deletes whole
    "api.vercel.com": r"v\d+/projects",
    "api.netlify.com": "api/v1/sites",
    "api.render.com": "v1/services",
    "api.heroku.com": "apps",
    "api.machines.dev": "v1/apps",
    "api.fly.io": "v1/apps",
    "api.supabase.com": "v1/projects",
    "api.digitalocean.com": "v2/(?:droplets|apps|databases|kubernetes/clusters)",
    "api.hetzner.cloud": "v1/servers",
    "api.linode.com": "v4/linode/instances",
    "api.cloudflare.com": "client/v4/zones",
    # The clouds' own REST APIs: Compute Engine's machines, GKE's clusters, Cloud SQL's
    # instances, projects; Azure's resource groups.
    "compute.googleapis.com": r"compute/v1/projects/[^/\s]+/(?:zones|regions)/[^/\s]+/instances",
    "container.googleapis.com": r"v1/projects/[^/\s]+/(?:locations|zones)/[^/\s]+/clusters",
    "sqladmin.googleapis.com": r"(?:sql/)?v1(?:beta4)?/projects/[^/\s]+/instances",
    "cloudresourcemanager.googleapis.com": r"v[13]/projects",
    "management.azure.com": r"subscriptions/[^/\s]+/(?i:resourcegroups)",
}
_PLATFORM_PATH = re.compile(
    "//(?:"
    + "|".join(f"{re.escape(host)}/{paths}" for host, paths in _PLATFORM_APIS.items())
    + r")/[^/?\s]+/?(?:\?\S*)?$"
)
_PLATFORM_HOSTS = tuple(_PLATFORM_APIS)
# One volume by Docker's API: `DELETE http://localhost/volumes/$v`.
_VOLUME_PATH = re.compile(r"/volumes/\$")
# Docker's API prune of volumes: `POST http://localhost/v1.45/volumes/prune`.
_PRUNES_PATH = re.compile(r"/volumes/prune(?:\?|$)")
# A namespace in the Kubernetes API's path (`/api/v1/namespaces/staging`), nothing under it.
_NAMESPACE_PATH = re.compile(r"/api/v1/namespaces/[\w.-]+/?(?:\?.*)?$")
# Every resource of a kind, the API's collection (`…/namespaces/prod/pods`, `/apis/apps/v1/
# namespaces/prod/deployments`), not one named resource and not narrowed by a selector.
_COLLECTION_PATH = re.compile(
    r"/(?:api/v1|apis/[\w.-]+/[\w.-]+)/(?:namespaces/[\w.-]+/)?[a-z]+/?(?:\?(?!.*Selector=).*)?$"
)


def _on_branch(ref: str, branch: str) -> str:
    """``ref`` with ``HEAD`` (``@``) read as ``branch``, the branch switched to, where it
    names what is pushed and no destination follows (``+HEAD``, not ``HEAD:feature``)."""
    force, name = ("+", ref[1:]) if ref.startswith("+") else ("", ref)
    return force + branch if name in ("HEAD", "@") else ref


_IAC_API_DESTROYS = re.compile(r"""["']?is-destroy["']?\s*:\s*true|destroyResources\s*:\s*true""")
# Every check below needs one of these words (a program, a framework's command).
_PROGRAMS = (
    _SQL_CLIENTS
    | _IAC
    | {
        "dropdb",
        "dropuser",
        "mysqladmin",
        "prisma",
        "dotnet",
        "alembic",
        "flask",
        "flush",
        "reset_db",
    }
    | {"heroku", "fly", "flyctl", "railway", "helm", "helmfile", "cdktf-cli", "aws-cdk", "knife"}
    | {"ansible", "argocd", "flux", "istioctl", "hub", "jgit", "sl"}
    | {"kubectl", "oc", "k", "kubecolor", "microk8s.kubectl", "aws", "gsutil", "gcloud", "az"}
    | {"rclone", "mc", "s3cmd", "azcopy", "docker", "podman", "nerdctl", "git", "migrate:fresh"}
    | {"docker-compose", "podman-compose"}
    | {"s5cmd", "b2", "eksctl", "wrangler", "turso", "gh", "glab", "hub", "pscale", "neonctl"}
    | {"dbconsole", "artisan", "typeorm", "sequelize", "rails", "mix", "firebase"}
    | set(_SCHEMA_DROPS)
    | _SOCKET_CLIENTS
    | set(_CLOUD_CLIS)
)


def may_destroy_infrastructure(words: Sequence[str]) -> bool:
    """Whether any check of :data:`INFRA_RULES` could object to ``words`` (a cheap test that
    spares everyday commands the checks)."""
    if not words:
        return False
    name = basename(words[0])
    if _calls_api(name):  # an API's: curl -X DELETE …/namespaces/x
        if any(path in w for w in words for path in _API_PATHS) or _deletes_every_index(words):
            return True
        return _http_method(words[1:]) == "DELETE" and any(
            path in w for w in words for path in (*_REPOSITORY_PATHS, *_PLATFORM_HOSTS)
        )
    # git counts for what it pushes, and for the default branch it looks up before a push
    # (`git add -A`, `git commit`, an agent's commonest, can do neither).
    git = not _GIT_ACTS.isdisjoint(words)
    return any(
        ((program := basename(w).partition("@")[0]) in _PROGRAMS and (git or program != "git"))
        or w.startswith(("db:", "ecto."))
        or ":db:" in w
        for w in words
    ) or ("-" in name and name.lower() in _CMDLETS_TOO)


_CMDLETS_TOO = frozenset(_CMDLETS) | _SQL_SERVER_CLIENTS | _OBJECT_REMOVERS
_GIT_ACTS = frozenset({"push", "send-pack", "symbolic-ref", "rev-parse", "remote", "ls-remote"})


INFRA_RULES: tuple[tuple[str, Callable[[Sequence[str], Seen], str | None]], ...] = (
    ("drop_database", _drops_database),
    ("terraform_destroy", _destroys_stack),
    ("kubectl_delete_all", _kubectl_deletes_all),
    ("cloud_storage_wipe", _wipes_cloud_storage),
    ("gcloud_delete", _gcloud_deletes),
    ("docker_prune", _docker_prunes),
    ("force_push_default", _force_pushes_default),
)
