"""Interpreters' one-liners in more languages (php, lua, deno, bun, R, a Go file written then
run), the shell commands their code runs with the home folder joined in, and the SQL their
database drivers send."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

GO = 'package main\nimport "os"\nfunc main() { os.RemoveAll(os.Getenv("HOME")) }\n'


@pytest.mark.parametrize(
    "command",
    [
        """php -r 'system("rm -rf ~");'""",
        """php -r 'exec("rm -rf " . getenv("HOME"));'""",
        """lua -e 'os.execute("rm -rf " .. os.getenv("HOME"))'""",
        """luajit -e 'io.popen("rm -rf /")'""",
        # LuaJIT's code read as Lua's: the home folder's variable joined in (was allowed)
        """luajit -e 'os.execute("rm -rf " .. os.getenv("HOME"))'""",
        """deno eval 'Deno.removeSync(Deno.env.get("HOME"), {recursive: true})'""",
        """bun -e 'require("child_process").execSync("rm -rf ~")'""",
        """Rscript -e 'unlink("~", recursive=TRUE)'""",
        """Rscript -e 'unlink(Sys.getenv("HOME"), recursive=TRUE)'""",
        """Rscript -e 'system("rm -rf ~")'""",
        f"cat > /tmp/x.go <<'EOF'\n{GO}EOF\ngo run /tmp/x.go",
        """node -e 'require("child_process").execSync(`rm -rf ${os.homedir()}`)'""",
        """python3 -c 'import os; os.system("rm -rf " + os.getenv("HOME"))'""",
        """ruby -e 'system("rm -rf #{ENV["HOME"]}")'""",
        """ruby -e '`rm -rf ~`'""",
        """perl -e 'system("rm -rf $ENV{HOME}")'""",
        """php -r 'exec("rm -rf ".$_SERVER["HOME"]);'""",
        """bun -e 'await $`rm -rf ${process.env.HOME}`'""",
        """perl -e 'system("rm -rf " . $ENV{HOME})'""",
        "node -e \"require('child_process').execSync('rm -rf ' + require('os').homedir())\"",
        'cat > main.go <<EOF\npackage main\nimport "os/exec"\n'
        'func main() { exec.Command("sh", "-c", "rm -rf ~").Run() }\nEOF\ngo run main.go',
        "cat > /tmp/w.py <<EOF\nimport shutil, os\nshutil.rmtree(os.path.expanduser('~'))\nEOF\n"
        "python3 /tmp/w.py",
    ],
)
def test_one_liners_deleting_home_or_root_are_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        """python3 -c 'import psycopg; psycopg.connect().execute("DROP DATABASE x")'""",
        """python3 -c 'import sqlite3; sqlite3.connect("a.db").executescript("DROP TABLE t;")'""",
        """node -e 'client.query("DROP TABLE users")'""",
        """node -e 'await sql.unsafe("drop schema public cascade")'""",
        """ruby -e 'ActiveRecord::Base.connection.execute("DROP TABLE users")'""",
        """php -r '$pdo->exec("DROP DATABASE app");'""",
        """perl -MDBI -e '$dbh->do("DROP TABLE t")'""",
        """node -e 'client.db("app").dropDatabase()'""",
        """python3 -c 'import redis; redis.Redis(host="cache.prod.example.com").flushall()'""",
        # The statement wrapped as SQL first, and a TypeScript runner's one-liner.
        """python -c 'from sqlalchemy import text; c.execute(text("DROP TABLE versions"))'""",
        "npx tsx -e \"import('./db').then(({ db }) => db.execute('DROP TABLE sessions'))\"",
        # Emptying a table on another host, named in a URL or a connection string.
        """python3 -c 'import psycopg2; psycopg2.connect("host=db.prod.example.com")"""
        """.cursor().execute("TRUNCATE users")'""",
        """node -e 'new Client("postgres://u@db.prod.example.com/app").query("TRUNCATE t")'""",
    ],
)
def test_one_liners_dropping_a_database_are_blocked(command: str) -> None:
    assert bash(command) == "drop_database"


@pytest.mark.parametrize(
    "command",
    [
        """php -r 'echo phpversion();'""",
        """lua -e 'print(os.getenv("HOME"))'""",
        """python3 -c 'import os; os.system("ls " + os.getenv("HOME"))'""",
        """node -e 'client.query("SELECT * FROM users")'""",
        """python3 -c 'print("DROP TABLE t")'""",
        """Rscript -e 'unlink("tmp", recursive=TRUE)'""",
        "go run ./cmd/server",
        """deno eval 'console.log(Deno.env.get("HOME"))'""",
        """node -e 'console.log(`rm -rf ${os.homedir()}/x`)'""",
        """ruby -e 'puts `ls ~`'""",
        """php -r 'system("rm -rf " . getenv("HOME") . "/project/build");'""",
        """node -e 'execSync("rm -rf " + process.env.HOME + "/tmp")'""",
        """python3 -c 'import os; os.system("rm -rf " + os.getenv("HOME") + "/.cache")'""",
        # Emptying the developer's own store or test table, as a fixture does.
        """python3 -c 'import redis; redis.Redis().flushall()'""",
        """python3 -c 'import redis; redis.Redis(host="localhost").flushdb()'""",
        """python3 -c 'import psycopg2; psycopg2.connect("dbname=app_test host=localhost")"""
        """.cursor().execute("TRUNCATE users, orders RESTART IDENTITY CASCADE")'""",
        "npx tsx -e \"import('./db').then(({ db }) => db.execute('SELECT 1'))\"",
    ],
)
def test_harmless_one_liners_pass(command: str) -> None:
    assert bash(command) is None
