"""The scripts a project's files define for its task runners, as the command lines they
run: a ``package.json``'s (``npm NAME``), PDM's ``[tool.pdm.scripts]``, Hatch's
``[tool.hatch.envs.ENV.scripts]``, Poe the Poet's ``[tool.poe.tasks]`` (in
``pyproject.toml``) and Pipenv's ``[scripts]`` (in ``Pipfile``), so that ``pdm run reset``
after the line wrote ``reset = "dropdb …"`` is read as ``dropdb …``; and those ``jq`` sets
in a ``package.json``, ``deno.json`` or ``composer.json`` (``jq '.scripts.prebuild = "…"'
package.json > p.tmp && mv p.tmp package.json``). Each script is keyed as its runner calls
it: ``npm test``, ``pdm reset``, ``hatch nuke``, ``poe clean``, ``pipenv teardown``,
``deno x``, ``composer post-install-cmd``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from typing import Any

__all__ = ["RUNNERS", "jq_scripts", "package_scripts", "python_scripts"]

RUNNERS = frozenset({"pdm", "hatch", "pipenv", "poe"})
"""The runners whose scripts :func:`python_scripts` reads (``pdm run NAME``, ``poe NAME``)."""


def package_scripts(package: str) -> dict[str, str]:
    """The scripts of a ``package.json`` (its text), as ``npm NAME`` runs them."""
    try:
        found = json.loads(package)
    except json.JSONDecodeError:
        return {}
    scripts = found.get("scripts") if isinstance(found, dict) else None
    if not isinstance(scripts, dict):
        return {}
    return {f"npm {k}": v for k, v in scripts.items() if isinstance(v, str)}


def python_scripts(file: str, text: str) -> dict[str, str]:
    """The scripts ``text``, the content of ``file`` (a ``pyproject.toml`` or ``Pipfile``,
    by its name), defines, keyed by runner and name; none if it is neither or not TOML."""
    if file not in ("pyproject.toml", "Pipfile"):
        return {}
    try:
        found = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    if file == "Pipfile":
        return _named("pipenv", found.get("scripts"))
    tool = found.get("tool")
    if not isinstance(tool, dict):
        return {}
    scripts = _named("pdm", _table(tool, "pdm", "scripts"))
    scripts |= _named("poe", _table(tool, "poe", "tasks"))
    envs = _table(tool, "hatch", "envs")
    for env in envs.values() if isinstance(envs, dict) else ():
        scripts |= _named("hatch", env.get("scripts") if isinstance(env, dict) else None)
    return scripts


def _table(found: dict[str, Any], *keys: str) -> Any:
    """What ``found`` holds under ``keys`` in turn (``tool.pdm.scripts``), or None."""
    value: Any = found
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _named(runner: str, scripts: Any) -> dict[str, str]:
    """Each script's command line: a string, a list of them (run in turn), or a table's
    ``cmd``, ``shell`` or ``composite``."""
    if not isinstance(scripts, dict):
        return {}
    found = {}
    for name, script in scripts.items():
        if isinstance(script, dict):
            script = next((script[k] for k in ("shell", "cmd", "composite") if k in script), None)
        if isinstance(script, list):
            script = "\n".join(step for step in script if isinstance(step, str))
        if isinstance(script, str):
            found[f"{runner} {name}"] = script
    return found


# A jq assignment of a script: `.scripts.NAME = VALUE`, `.scripts["NAME"] = VALUE`, deno's
# `.tasks[…]`; the value a JSON string, a `--arg` variable, or a list of them.
_JQ_SET = re.compile(
    r"\.(scripts|tasks)(?:\.([\w:-]+)|\[\s*\"([^\"]+)\"\s*\])\s*\|?=\s*"
    r"(\[?\s*(?:\"(?:[^\"\\]|\\.)*\"|\$\w+)\s*\]?)"
)
_JQ_RUNNERS = {"package.json": "npm", "deno.json": "deno", "composer.json": "composer"}


def jq_scripts(args: Sequence[str]) -> dict[str, str]:
    """The scripts ``jq`` (given ``args``) sets in the project file it reads, keyed as its
    runner calls them (``npm prebuild``); the values of ``--arg NAME VALUE`` too."""
    files = [a for a in args if a.rpartition("/")[2] in _JQ_RUNNERS]
    if not files:
        return {}
    runner = _JQ_RUNNERS[files[0].rpartition("/")[2]]
    given = {args[at + 1]: args[at + 2] for at, a in enumerate(args[:-2]) if a == "--arg"}
    found = {}
    for program in args:
        for match in _JQ_SET.finditer(program) if "=" in program else ():
            value = match[4].strip("[] ")
            if value.startswith("$"):
                text = given.get(value[1:])
            else:
                try:
                    text = json.loads(value)
                except json.JSONDecodeError:
                    text = None
            if isinstance(text, str):
                found[f"{runner} {match[2] or match[3]}"] = text
    return found
