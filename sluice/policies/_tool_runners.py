"""The tools that run a command in a project's or an environment's setting: ``poetry run
CMD``, ``uv run``, ``bundle exec``, ``conda run -n E``, ``mise exec -- CMD``, ``nix shell P
-c CMD``, package runners (``npx``, ``pnpm exec``), and secret stores that give a command
their secrets (``op run -- CMD``, ``aws-vault exec PROFILE -- CMD``, ``doppler run --``,
``dotenv -e .env --``). Read where the shell's reading names a command's program
(:func:`~sluice.policies._shell.program`) and where the rules look through wrappers
(:func:`~sluice.policies._wrappers.unwrap`); nothing here reads the shell itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from sluice.policies._prefixes import operands

__all__ = ["TOOL_RUNNERS", "after_package_options", "package_program", "ran_by_tool"]


def ran_by_tool(name: str, args: Sequence[str]) -> tuple[str, ...] | None:
    """The command a project's or an environment's tool runs (``poetry run CMD``, ``uv run``,
    ``bundle exec``, ``conda run -n E``, ``mise exec -- CMD``, ``nix shell P -c CMD``; ``nix
    run nixpkgs#kubectl -- ARGS`` and ``bazel run //x:terraform -- ARGS`` run the package's
    or the target's program; ``cmake -E rm`` is ``rm``), or None."""
    if name == "cmake" and tuple(args[:1]) == ("-E",) and args[1:2] and args[1] in _CMAKE_REMOVES:
        return ("rm", *args[2:])
    if name in _PACKAGE_RUNNERS:
        return _package_run(name, list(args))
    if name == "dotenv":
        return _dotenv_run(args)
    if name == "bwrap":
        return _bwrap_run(args)
    runner = _TOOL_RUNNERS.get(name)
    if runner is None or not args or args[0] not in runner[0]:
        return None
    rest, takes_value = list(args[1:]), runner[1]
    if name in ("nix", "bazel", "bazelisk") and args[0] in ("run", "shell", "develop"):
        if args[0] != "run":  # nix shell P… -c CMD: the command after -c
            at = next((i for i, w in enumerate(rest) if w in ("-c", "--command")), None)
            return tuple(rest[at + 1 :]) if at is not None and rest[at + 1 :] else None
        found = operands(rest[: rest.index("--")] if "--" in rest else rest, takes_value)
        if not found:
            return None
        program = found[0].rpartition("#")[2].rpartition(":")[2].rpartition("/")[2]
        program = package_program(program)  # nix run nixpkgs#opentofu -- …: tofu
        return (program, *(rest[rest.index("--") + 1 :] if "--" in rest else ()))
    if "--" in rest and name in _AFTER_DASHES:
        return tuple(rest[rest.index("--") + 1 :]) or None  # mise exec node@20 -- CMD
    at, own = 0, _RUNNER_OPERANDS.get(name, 0)
    while at < len(rest) and (rest[at].startswith("-") or own):
        if rest[at] == "--":
            at += 1
            break
        if not rest[at].startswith("-"):
            own -= 1  # aws-vault exec prod --duration=1h -- CMD
            at += 1
            continue
        at += 2 if rest[at] in takes_value else 1
    return tuple(rest[at:]) or None


def _dotenv_run(args: Sequence[str]) -> tuple[str, ...] | None:
    """The command ``dotenv`` runs with a file's variables: Node's ``dotenv -e .env -- CMD``
    or Python's ``dotenv -f .env run CMD``."""
    at = 0
    while at < len(args) and args[at].startswith("-") and args[at] != "--":
        at += 2 if args[at] in ("-e", "-c", "-v", "-f", "--file", "-p") else 1
    if tuple(args[at : at + 1]) == ("run",):
        at += 1
        while at < len(args) and args[at] in ("-o", "--override", "--no-override"):
            at += 1
    if tuple(args[at : at + 1]) == ("--",):
        at += 1
    return tuple(args[at:]) or None


def _bwrap_run(args: Sequence[str]) -> tuple[str, ...] | None:
    """The command bubblewrap runs in its sandbox, after its options and their values (one
    or two each: ``--bind SRC DEST``, ``--dev /dev``)."""
    at = 0
    while at < len(args) and args[at].startswith("--"):
        if args[at] == "--":
            at += 1
            break
        at += 1 + _BWRAP_VALUES.get(args[at], 0)
    return tuple(args[at:]) or None


_BWRAP_PAIRS = {"--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try"}
_BWRAP_PAIRS |= {"--dev-bind-try", "--symlink", "--setenv", "--file", "--bind-data"}
_BWRAP_ONES = {"--dev", "--proc", "--tmpfs", "--dir", "--chdir", "--unsetenv", "--uid"}
_BWRAP_ONES |= {"--gid", "--hostname", "--remount-ro", "--mqueue", "--perms", "--size"}
_BWRAP_ONES |= {"--args", "--seccomp", "--lock-file", "--sync-fd", "--info-fd", "--userns"}
_BWRAP_VALUES = dict.fromkeys(_BWRAP_PAIRS, 2) | dict.fromkeys(_BWRAP_ONES, 1)
_CMAKE_REMOVES = frozenset({"rm", "remove", "remove_directory"})
# Package runners: `npx rimraf …`, `pnpm --filter web exec cdk destroy`, `yarn dlx …`.
_PACKAGE_RUNNERS = frozenset({"npx", "pnpx", "bunx", "pnpm", "yarn"})
_PACKAGE_VERBS = frozenset({"exec", "dlx", "x"})
_PACKAGE_VALUES = frozenset(
    {"-p", "--package", "--filter", "-F", "-C", "--dir", "--cwd", "--workspace", "-w"}
    | {"--prefix"}
)
# Packages named apart from their program (`npx cdktf-cli destroy` runs `cdktf`).
_PACKAGE_PROGRAMS = {"cdktf-cli": "cdktf", "aws-cdk": "cdk", "opentofu": "tofu"}


def _package_run(name: str, args: list[str]) -> tuple[str, ...] | None:
    """The program a package runner runs, named as its package's (``npx -y rimraf@5 x`` runs
    ``rimraf x``, ``pnpm --filter @acme/infra exec cdk destroy`` runs ``cdk destroy``)."""
    at = after_package_options(args)
    if name in ("pnpm", "yarn"):  # its own verbs run scripts or install: only exec and dlx
        if at >= len(args) or args[at] not in _PACKAGE_VERBS:
            return None
        at = after_package_options(args, at + 1)
    if at >= len(args):
        return None
    return (package_program(args[at]), *args[at + 1 :])


def after_package_options(args: Sequence[str], at: int = 0) -> int:
    """Where ``args`` go on after a package manager's options from ``at`` (``--filter web``,
    ``--workspace api``, ``-s``, ``--``)."""
    while at < len(args) and args[at].startswith("-"):
        at += 2 if args[at] in _PACKAGE_VALUES else 1
    return at


def package_program(package: str) -> str:
    """The program a package spelt so runs: its name without scope or version
    (``@scope/name@1.2`` runs ``name``), or the one it is named apart from
    (:data:`_PACKAGE_PROGRAMS`)."""
    if package[:1] == "@" and "/" in package:
        package = package.partition("/")[2]
    package = package.partition("@")[0]
    return _PACKAGE_PROGRAMS.get(package, package)


# Tools that run the command after their verb in a project's or an environment's setting,
# and the options of theirs that take a value.
_TOOL_RUNNERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "poetry": (frozenset({"run"}), frozenset({"-C", "--directory", "-P", "--project"})),
    "uv": (
        frozenset({"run"}),
        frozenset({"--with", "--python", "-p", "--directory", "--project", "--package"})
        | {"--env-file", "--extra", "--group", "--index", "--from", "-w", "--with-requirements"},
    ),
    "hatch": (frozenset({"run"}), frozenset({"-e", "--env"})),
    "pdm": (frozenset({"run"}), frozenset({"-p", "--project"})),
    "pipenv": (frozenset({"run"}), frozenset()),
    "rye": (frozenset({"run"}), frozenset()),
    "pixi": (frozenset({"run", "exec"}), frozenset({"-e", "--environment", "--manifest-path"})),
    **{
        conda: (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix", "--cwd"}))
        for conda in ("conda", "mamba", "micromamba")
    },
    "bundle": (frozenset({"exec"}), frozenset({"--gemfile"})),
    "mise": (frozenset({"exec", "x"}), frozenset({"-C", "--cd"})),
    "rtx": (frozenset({"exec", "x"}), frozenset({"-C", "--cd"})),
    "asdf": (frozenset({"exec"}), frozenset()),
    "devbox": (frozenset({"run"}), frozenset({"-c", "--config"})),
    "opam": (frozenset({"exec"}), frozenset({"--switch"})),
    "stack": (frozenset({"exec"}), frozenset({"--package"})),
    "cabal": (frozenset({"exec"}), frozenset()),
    "nix": (frozenset({"run", "shell", "develop"}), frozenset({"--option", "-I"})),
    "bazel": (frozenset({"run"}), frozenset()),
    "bazelisk": (frozenset({"run"}), frozenset()),
    # Terramate runs a command in each of its stacks: `terramate run --changed -- CMD`.
    "terramate": (frozenset({"run"}), frozenset({"-C", "--chdir", "--tags", "--no-tags"})),
    # Secret stores that run a command with their secrets in its environment: `op run
    # --env-file=.env -- CMD`, `doppler run -p api -c prd -- CMD`, `aws-vault exec prod --
    # CMD` (after its profile, :data:`_RUNNER_OPERANDS`).
    "op": (frozenset({"run"}), frozenset({"--env-file", "--account", "--session"})),
    "doppler": (
        frozenset({"run"}),
        frozenset({"-p", "--project", "-c", "--config", "--token", "--scope", "--mount"})
        | {"--command", "--name-transformer", "--fallback"},
    ),
    "infisical": (
        frozenset({"run"}),
        frozenset({"--env", "--path", "--projectId", "--token", "--domain", "--tags"}),
    ),
    "dotenvx": (frozenset({"run"}), frozenset({"-f", "--env-file", "-e", "--env"})),
    "aws-vault": (frozenset({"exec"}), frozenset({"-d", "--duration", "--region", "-t"})),
    "direnv": (frozenset({"exec"}), frozenset()),  # direnv exec DIR CMD
    # …and those whose command comes after `--` (`chamber exec api db -- CMD`).
    "chamber": (frozenset({"exec"}), frozenset()),
    "teller": (frozenset({"run"}), frozenset()),
    "berglas": (frozenset({"exec"}), frozenset()),
    "saml2aws": (frozenset({"exec"}), frozenset({"-a", "--idp-account", "--exec-profile"})),
    # A dev container's command, in the same clouds and clusters: `devcontainer exec
    # --workspace-folder . CMD`; Nx's in each project: `nx exec -- CMD`.
    "devcontainer": (
        frozenset({"exec"}),
        frozenset({"--workspace-folder", "--container-id", "--config", "--id-label"})
        | {"--remote-env", "--docker-path", "--log-level", "--terminal-columns"},
    ),
    "nx": (frozenset({"exec"}), frozenset({"-p", "--projects", "--exclude"})),
    # A queue that runs the command later: `pueue add -- CMD`.
    "pueue": (
        frozenset({"add"}),
        frozenset({"-w", "--working-directory", "-l", "--label", "-g", "--group", "-a"})
        | {"--after", "-d", "--delay", "-o", "--priority"},
    ),
}
_AFTER_DASHES = frozenset(
    {"mise", "rtx", "devbox", "opam", "stack", "cabal", "terramate", "chamber", "teller"}
    | {"berglas", "saml2aws", "nx"}
)
# The operands of a tool's own before the command it runs: aws-vault's profile, direnv's
# folder.
_RUNNER_OPERANDS = {"aws-vault": 1, "direnv": 1}


TOOL_RUNNERS = frozenset({"cmake", "dotenv", "bwrap", *_PACKAGE_RUNNERS, *_TOOL_RUNNERS})
"""The programs :func:`ran_by_tool` may find a command in."""
