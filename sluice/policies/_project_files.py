"""Files a line writes that a build, test or automation tool it then runs executes, read as
what they run:

- code, read as a one-liner's in its language: a test suite's ``conftest.py`` or test files
  under ``pytest``, ``sitecustomize.py`` or a ``.pth`` under any ``python``, ``build.rs``
  under ``cargo``, a Gradle build under ``gradle``, a ``Rakefile`` under ``rake``, a
  ``Vagrantfile`` under ``vagrant``, a JavaScript config or test file under ``jest``,
  ``vitest``, ``webpack``, ``vite``, ``eslint``, ``gulp``, ...;
- a declarative file, read as the command lines it holds (:func:`command_lines`): an
  Ansible playbook's tasks, a ``.tf``'s provisioners and external programs under
  ``terraform apply`` or ``plan``, a ``.pre-commit-config.yaml``'s hooks, ``shell.nix``'s
  ``shellHook``, CMake's ``COMMAND`` and ``file(REMOVE_RECURSE …)``, Maven's ``exec``
  plugin, a Procfile, a task runner's tasks, a ``composer.json``'s scripts.

A tool asked for a listing, a help text or a dry run (``rake -T``, ``ansible-playbook
--check``, ``bazel query``, ``gradle --dry-run``, ``go generate -n``) runs none. Everything
here is linear in the size of what the line wrote.
"""

from __future__ import annotations

import fnmatch
import html
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from glob import escape as glob_escaped
from itertools import pairwise

from sluice.policies._ansible import playbook_lines
from sluice.policies._runners import SSH_RUNS
from sluice.policies._shell import basename, with_next
from sluice.policies._tool_runs import shell_escapes
from sluice.policies._wrappers import PYTHON, python_module

__all__ = [
    "command_lines",
    "embedded_scripts",
    "language",
    "project_files",
    "script_language",
    "word_lists",
]


@dataclass(frozen=True, slots=True)
class _Tool:
    """What a tool runs of the files a line wrote: their names (globs, matched against the
    path's end), the words among its first that make it run them (none: any), and the
    options or subcommands that make it run none."""

    files: tuple[str, ...]
    runs: frozenset[str] = frozenset()
    idle: frozenset[str] = frozenset()
    # The options that name the file it runs instead (`honcho start -f Procfile.ops`), and
    # the end a name given so takes (`invoke -c ops_tasks`: ops_tasks.py).
    named_by: frozenset[str] = frozenset()
    suffix: str = ""


_JS = ("*.js", "*.mjs", "*.cjs", "*.ts", "*.mts", "*.cts", "*.jsx", "*.tsx")
_MSBUILD = ("*.csproj", "*.fsproj", "*.targets", "*.props", "*.proj")
_LISTINGS = frozenset({"--help", "-h", "--version", "-V", "--list", "-l", "--dry-run", "-n"})
_PYTEST = _Tool(
    ("conftest.py", "test_*.py", "*_test.py", "tests/*.py"),
    idle=frozenset({"--help", "-h", "--version", "-V", "--fixtures", "--markers"}),
)
_JS_TOOL = _Tool(_JS, idle=_LISTINGS | {"--listTests", "--list-tests"})
_TERRAFORM = _Tool(
    ("*.tf", "*.tf.json", "terragrunt.hcl"),
    frozenset({"apply", "plan", "destroy", "refresh", "import", "run-all"}),
)
_INVOKE_COLLECTION = frozenset({"-c", "--collection"})  # invoke -c ops_tasks: ops_tasks.py
_TOOLS: dict[str, _Tool] = {
    "pytest": _PYTEST,
    "py.test": _PYTEST,
    "nox": _Tool(("noxfile.py",), idle=_LISTINGS),
    **dict.fromkeys(
        ("invoke", "inv"),
        _Tool(("tasks.py",), idle=_LISTINGS, named_by=_INVOKE_COLLECTION, suffix=".py"),
    ),
    "fab": _Tool(("fabfile.py",), idle=_LISTINGS, named_by=frozenset({"-f", "--fabfile"})),
    "scons": _Tool(("SConstruct", "SConscript"), idle=_LISTINGS),
    "ipython": _Tool(("*/.ipython/profile_*/startup/*", "*.ipy")),
    "tilt": _Tool(("Tiltfile",), frozenset({"up", "ci"})),
    "hatch": _Tool(("hatch_build.py", "pyproject.toml"), frozenset({"build", "run"})),
    "build": _Tool(("hatch_build.py", "setup.py")),
    "pdm": _Tool(("pyproject.toml",), frozenset({"run"})),
    "pipenv": _Tool(("Pipfile",), frozenset({"run"})),
    **dict.fromkeys(
        (
            *("jest", "vitest", "mocha", "ava", "playwright", "webpack", "vite", "rollup"),
            *("babel", "eslint", "next", "nuxt", "astro", "gulp", "grunt", "tsx", "ts-node"),
        ),
        _JS_TOOL,
    ),
    "cargo": _Tool(
        ("*.rs",),
        frozenset({"build", "b", "check", "c", "run", "r", "test", "t", "clippy", "bench"})
        | {"doc", "install", "xtask"},
    ),
    "go": _Tool(("*_test.go", "*.go"), frozenset({"test", "generate", "run"})),  # go run .
    **dict.fromkeys(
        ("gradle", "gradlew"),
        _Tool(
            ("*.gradle", "*.gradle.kts"),
            # (`tasks` and `help` still configure the build, and run its init scripts)
            idle=frozenset({"--dry-run", "-m", "--help", "--version"}),
        ),
    ),
    "sbt": _Tool(("build.sbt", "project/*.scala", "project/*.sbt")),
    **dict.fromkeys(("mvn", "mvnw"), _Tool(("pom.xml",), idle=frozenset({"--help", "-v"}))),
    "cmake": _Tool(("CMakeLists.txt", "*.cmake"), idle=frozenset({"--help", "--version"})),
    "meson": _Tool(("meson.build",), frozenset({"setup", "compile"})),
    **dict.fromkeys(
        ("bazel", "bazelisk"),
        _Tool(("BUILD", "BUILD.bazel", "WORKSPACE", "*.bzl"), frozenset({"build", "run", "test"})),
    ),
    "zig": _Tool(("build.zig",), frozenset({"build"})),
    "dotnet": _Tool(_MSBUILD, frozenset({"build", "run", "test", "publish", "msbuild"})),
    "msbuild": _Tool(_MSBUILD),
    "mix": _Tool(("mix.exs", "*/mix/tasks/*.ex")),
    "rails": _Tool(("lib/tasks/*.rake", "*.rake"), idle=frozenset({"-T", "--tasks"})),
    "rake": _Tool(("Rakefile", "*.rake"), idle=frozenset({"-T", "--tasks", "-P", "-W", "-n"})),
    "bundle": _Tool(("Gemfile", "Rakefile", "*.rake"), idle=frozenset({"-T", "--tasks"})),
    "vagrant": _Tool(("Vagrantfile",), idle=frozenset({"--help", "-h", "version"})),
    "fastlane": _Tool(("Fastfile",)),
    "configure": _Tool(("configure.ac", "configure.in")),  # ./configure, made from it
    "ansible-playbook": _Tool(
        ("*.yml", "*.yaml"),
        idle=frozenset({"--check", "-C", "--syntax-check", "--list-hosts", "--list-tasks"})
        | {"--list-tags"},
    ),
    **dict.fromkeys(("terraform", "tofu", "terragrunt"), _TERRAFORM),
    "packer": _Tool(("*.pkr.hcl", "*.pkr.json"), frozenset({"build"})),
    # An AWS CDK app, which synth and deploy run (cdk.json's "app": `node bin/app.js`).
    "cdk": _Tool(
        ("bin/*.js", "bin/*.ts", "app.py", "app.js", "app.ts"),
        frozenset({"deploy", "synth", "diff", "bootstrap", "watch", "destroy"}),
    ),
    "pulumi": _Tool(
        ("__main__.py", "index.ts", "index.js", "main.go", "Pulumi.yaml"), frozenset({"up"})
    ),
    **dict.fromkeys(
        ("nix-shell", "nix"),
        _Tool(("shell.nix", "default.nix", "flake.nix"), idle=frozenset({"show", "eval"})),
    ),
    "pre-commit": _Tool((".pre-commit-config.yaml",), frozenset({"run", "try-repo"})),
    "lefthook": _Tool(("lefthook.yml", "lefthook.yaml", ".lefthook.yml"), frozenset({"run"})),
    # A commit runs the hooks installed from them (`pre-commit install && git commit …`).
    "git": _Tool(
        (".pre-commit-config.yaml", "lefthook.yml", "lefthook.yaml", ".lefthook.yml"),
        frozenset({"commit", "push", "merge", "checkout", "switch", "rebase"}),
    ),
    # Procfiles' processes: honcho's, foreman's, overmind's and hivemind's (its file, an
    # operand).
    **dict.fromkeys(
        ("honcho", "foreman", "forego", "overmind"),
        _Tool(("Procfile",), frozenset({"start", "s"}), named_by=frozenset({"-f", "--procfile"})),
    ),
    "hivemind": _Tool(("Procfile",), named_by=frozenset({""})),
    "heroku": _Tool(("Procfile",), frozenset({"local"})),
    "mise": _Tool(("mise.toml", ".mise.toml"), frozenset({"run", "r", "tasks"})),
    "composer": _Tool(("composer.json",)),
    "nimble": _Tool(("*.nimble",), idle=_LISTINGS),  # its tasks' `exec "…"`
    "poe": _Tool(("pyproject.toml", "poe_tasks.toml"), idle=_LISTINGS),  # poethepoet's tasks
    "cargo-make": _Tool(("Makefile.toml",), idle=_LISTINGS),
    "mage": _Tool(("magefile.go", "magefiles/*.go"), idle=frozenset({"-l", "-h", "-version"})),
    "deno": _Tool(("deno.json", "deno.jsonc", *_JS), frozenset({"task", "test", "run"})),
    # A notebook's code cells: papermill runs them, jupyter's nbconvert with --execute.
    "papermill": _Tool(("*.ipynb",), idle=frozenset({"--help", "--help-notebook"})),
    "jupyter": _Tool(("*.ipynb",), frozenset({"nbconvert", "execute", "run"})),
    "jupyter-nbconvert": _Tool(("*.ipynb",)),
    "jupyter-execute": _Tool(("*.ipynb",)),
}
# What a tool runs that is not a command of its own: `npx jest`, `python -m pytest`.
_LAUNCHERS = frozenset({"npx", "bunx", "pnpx", "yarn", "pnpm", "bun", "uv", "poetry"})
_MODULES = {"pytest": "pytest", "unittest": "pytest", "nox": "nox", "invoke": "invoke"}
_MODULES |= {"build": "build"}  # python -m build: the build backend's hooks
_MODULES |= {"papermill": "papermill", "nbconvert": "jupyter-nbconvert"}
# What any python runs at start: site customisation, and the code lines of a `.pth` file.
_SITE = ("sitecustomize.py", "usercustomize.py", "*.pth")
# How a file is read, by its name's end: code in a language, or (none) command lines.
_READERS = (
    (("*.py", "*.pth", "SConstruct", "SConscript"), "python3"),
    (("*.ipy", "*/startup/*"), "ipython"),
    (_JS, "node"),
    (("Vagrantfile",), "vagrant"),  # Ruby, and its provisioners' and triggers' `inline:` scripts
    (("*.rb", "*.rake", "Rakefile", "Gemfile", "Fastfile", "*.gemspec"), "ruby"),
    (("*.rs",), "rust"),
    (("*.go",), "go"),
    (("*.gradle", "*.gradle.kts", "*.kts", "*.sbt", "*.scala", "*.groovy"), "jvm"),
    (("*.ex", "*.exs"), "elixir"),
    (("*.zig",), "zig"),
    (("*.pl",), "perl"),
    (("*.php",), "php"),
    (("*.lua",), "lua"),
)


def project_files(words: Sequence[str], written: Mapping[str, str]) -> list[tuple[str, str]]:
    """The files of ``written`` (by path) that the tool ``words`` (unwrapped) runs, each
    with how it is read: an interpreter's name for code, ``ipython`` for IPython's, ``""``
    for command lines (a Terraform plan's: its external programs only)."""
    if not words or not written:
        return []
    name, args = basename(words[0]), list(words[1:])
    while name in _LAUNCHERS and args and args[0] in ("exec", "run", "x", "--"):
        args = args[1:]  # pnpm exec jest, uv run pytest
    if name in _LAUNCHERS and args:
        name, args = basename(args[0]), args[1:]
    if name == "cargo" and args[:1] == ["make"]:  # cargo make TASK: cargo-make's tasks
        name, args = "cargo-make", args[1:]
    if name == "ssh":
        return [("", text) for text in _ssh_configs(args, written)]
    if PYTHON.fullmatch(name):
        module = (python_module(name, args) or ("", []))[0]
        if module not in _MODULES:
            return _matching(written, _SITE)
        name = _MODULES[module]
    tool = _TOOLS.get(name)
    if tool is None or tool.idle.intersection(args):
        return []
    given = [a for a in args if not a.startswith("-")]
    if tool.runs and not tool.runs.intersection(given[:2]):
        return []
    if name == "rails" and (not given or given[0] in _RAILS_OWN):  # bin/rails TASK: rake's
        return []
    if name == "go" and "generate" in given[:1]:  # its //go:generate lines, unless -n
        return [] if "-n" in args else [("", _generated(written))]
    converts = name == "jupyter-nbconvert" or given[:1] == ["nbconvert"]
    if converts and "--execute" not in args:  # jupyter nbconvert --to html: runs no cell
        return []
    found = _matching(written, _named_files(tool, args) or tool.files)
    if name == "vagrant" and not _BOOTS.intersection(given[:1]):  # its Ruby, not its scripts
        found = [("ruby" if r == "vagrant" else r, text) for r, text in found]
    if name == "ansible-playbook":  # its tasks' modules, as ad-hoc commands and acts
        found += [("", "\n".join(playbook_lines(text))) for _, text in found]
    if name == "pulumi":  # its programs' strings too: a command:local:Command's `create`
        found += [("", text) for reader, text in found if reader]  # (Pulumi.yaml: read so)
    if tool is _TERRAFORM and not {"apply", "destroy", "run-all"}.intersection(given[:2]):
        return [("", "\n".join(_EXTERNAL.findall(text))) for _, text in found]
    return found


def _named_files(tool: _Tool, args: Sequence[str]) -> tuple[str, ...]:
    """The files ``args`` name for ``tool`` to run instead of its own (``""`` in its
    ``named_by``: its first operand)."""
    if not tool.named_by:
        return ()
    named = [value for option, value in with_next(args) if option in tool.named_by and value]
    if "" in tool.named_by:
        named += [arg for arg in args[:1] if not arg.startswith("-")]
    return tuple(glob_escaped(name.removeprefix("./")) + tool.suffix for name in named)


def _matching(written: Mapping[str, str], patterns: Sequence[str]) -> list[tuple[str, str]]:
    """The files of ``written`` that ``patterns`` name, each with its reader (a notebook's
    code cells, each IPython's)."""
    found = []
    for path, text in written.items():
        if any(_named(path, p) for p in patterns):
            if path.endswith(".ipynb"):
                found += [("ipython", cell) for cell in _code_cells(text)]
            else:
                found.append((_reader(path), text))
    return found


def _code_cells(text: str) -> list[str]:
    """The sources of a notebook's code cells (the whole text if it is no notebook's JSON)."""
    try:
        cells = json.loads(text).get("cells")
    except (ValueError, AttributeError):
        return [text]
    if not isinstance(cells, list):
        return [text]
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _named(path: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern)


def _reader(path: str) -> str:
    return next((r for patterns, r in _READERS if any(_named(path, p) for p in patterns)), "")


def script_language(path: str) -> str | None:
    """The language whose code the file ``path`` holds, by its name (``x.py``: python3), as
    a program run by its path runs it (``./x.py``, ``uv run x.py``); None for any other."""
    return language(reader) if (reader := _reader(path)) else None


# Rails' own commands, which run no task of lib/tasks.
_RAILS_OWN = frozenset(
    {"server", "s", "console", "c", "generate", "g", "destroy", "d", "new", "runner", "r"}
    | {"dbconsole", "credentials", "secret", "version", "help", "about", "notes"}
)
# Vagrant's commands that run its provisioners and triggers (any runs its Ruby).
_BOOTS = frozenset({"up", "provision", "reload", "resume"})
# A plan runs a configuration's external data sources, not its provisioners.
_EXTERNAL = re.compile(r"\bprogram\s*=\s*(\[[^\]]*\])")
_GENERATE = re.compile(r"^//go:generate\s+(.+)$", re.MULTILINE)


def _generated(written: Mapping[str, str]) -> str:
    """The command lines ``go generate`` runs: the ``//go:generate`` lines of the Go files
    the line wrote."""
    return "\n".join(
        found[1]
        for path, text in written.items()
        if path.endswith(".go")
        # (a printf that wrote it leaves its `\n` escapes as written)
        for found in _GENERATE.finditer(text.replace("\\n", "\n"))
    )


def _ssh_configs(args: Sequence[str], written: Mapping[str, str]) -> list[str]:
    """The commands an ssh config the line wrote has ssh run (``ProxyCommand``,
    ``LocalCommand``): ``-F FILE``'s, or ``~/.ssh/config``; ``%d`` is the home folder."""
    files = [b for a, b in pairwise(args) if a == "-F"]
    files += [a[2:] for a in args if a.startswith("-F") and len(a) > 2]
    texts = [written[f.removeprefix("./")] for f in files if f.removeprefix("./") in written]
    texts += [t for p, t in written.items() if p.endswith(".ssh/config") and not files]
    return [
        "\n".join(
            found[1].replace("%d", "~")
            for line in text.splitlines()
            if (found := SSH_RUNS.match(line.strip()))  # as ssh's -o options read them
        )
        for text in texts
    ]


# A key before a value that holds a command: YAML's `shell:`, HCL's `command =`, TOML's
# `run =`, a Procfile's `web:`; a list item's `- `.
_KEYED = re.compile(r"^\s*(?:-\s+)?(?:[\w.\"'-]+\s*[:=]\s*)?")
_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'""")
_BLOCK = re.compile(r"''\n(.*?)\n\s*''|<<-?(\w+)\n(.*?)\n\s*\2\b", re.DOTALL)  # nix, HCL
_XML_COMMAND = re.compile(
    r"<executable>([^<]*)</executable>\s*(?:<arguments>(.*?)</arguments>)?"
    r"|<Exec\s+Command=\"([^\"]*)\"|<exec\s+executable=\"([^\"]*)\"",
    re.DOTALL,
)
_MSBUILD_PROPERTY = re.compile(r"\$\((\w+)\)")
_TOML_TASK = re.compile(r'\bcommand\s*=\s*"([^"\n]+)"\s*\n\s*args\s*=\s*\[([^\]]*)\]')
_XML_ARGUMENT = re.compile(r"<argument>([^<]*)</argument>|<arg\s+value=\"([^\"]*)\"")
_CMAKE = re.compile(
    r"\bCOMMAND\s+(.+?)(?=\s+(?:WORKING_DIRECTORY|OUTPUT_\w+|RESULT_\w+|DEPENDS|COMMENT)\b|\))"
    r"|\bfile\(\s*REMOVE(?:_RECURSE)?\s+(.+?)\)",
    re.DOTALL,
)
# Ansible's file module removing a path (`file: path=/x state=absent`, or as keys).
_ABSENT = re.compile(r"\bpath[=:]\s*['\"]?([^\s'\"]+)['\"]?(?=[^\n]*\n?[^\n]*state[=:]\s*absent)")
_DEST = re.compile(r"\bdest[=:]\s*['\"]?([^\s'\"]+)")
_LOOKUP = re.compile(r"lookup\(\s*['\"]file['\"]\s*,\s*['\"]([^'\"]+)['\"]")
# The home folder as templates spell it: Perl's, Ansible's, mise's (`{{env.HOME}}`), Task's.
_ENV_HOME = re.compile(
    r"\$ENV\{HOME\}|\{\{\s*(?:ansible_env|env)?\.HOME\s*\}\}|lookup\('env',\s*'HOME'\)"
)


def command_lines(text: str) -> list[str]:
    """The command lines a declarative file holds, read generously: each value of each line
    (its key, a list item's dash, its quotes dropped), each string in it, a block of lines
    (nix's ``'' … ''``, an HCL here-document), a JSON list of words joined, Maven's and
    MSBuild's ``exec``, CMake's ``COMMAND`` and ``file(REMOVE …)``, Ansible's ``state:
    absent``."""
    text = _ENV_HOME.sub("~", text.replace("\\n", "\n"))
    lines = [_KEYED.sub("", line, count=1).strip().strip(",").strip() for line in text.splitlines()]
    lines = [line[1:-1] if line[:1] == line[-1:] and line[:1] in "\"'" else line for line in lines]
    for found in _BLOCK.finditer(text):
        lines += (found[1] or found[3] or "").splitlines()
    lines += [found[1] if found[1] is not None else found[2] for found in _STRING.finditer(text)]
    lines += word_lists(text)
    # cargo-make's task: `command = "docker"` and `args = ["system", "prune"]`, one line.
    for found in _TOML_TASK.finditer(text):
        lines.append(shlex.join([found[1], *(m[1] for m in _STRING.finditer(found[2]) if m[1])]))
    for found in _XML_COMMAND.finditer(text):
        # (MSBuild's properties are the environment's variables: $(HOME) is $HOME.)
        program = _MSBUILD_PROPERTY.sub(r"$\1", found[1] or found[3] or found[4] or "")
        program = html.unescape(program)  # Command="powershell -Command &quot;iex …&quot;"
        arguments = [a or b for a, b in _XML_ARGUMENT.findall(found[2] or "")]
        lines.append(shlex.join([program.strip(), *arguments]) if arguments else program)
    for found in _CMAKE.finditer(text):
        lines.append(found[1] if found[1] else "rm -rf " + found[2])
    lines += ["rm -rf " + found[1] for found in _ABSENT.finditer(text)]
    # Ansible's copy to a destination, its authorized_key module, a file's content sent.
    lines += ["cp - " + found[1] for found in _DEST.finditer(text)]
    lines += ["tee -a ~/.ssh/authorized_keys"] if "authorized_key:" in text else []
    if "uri:" in text or "url:" in text:
        lines += ["curl --data-binary @" + path + " https://x" for path in _LOOKUP.findall(text)]
    return [line for line in lines if line and not line.startswith(("#", "//"))]


_WORD_LIST = re.compile(
    r"\[\s*(\"(?:[^\"\\\n]|\\.)*\"(?:\s*,\s*\"(?:[^\"\\\n]|\\.)*\")+)\s*,?\s*\]"
)


def word_lists(text: str) -> list[str]:
    """A list of quoted words (``["bash", "-c", "…"]``, ``program = ["python3", "x.py"]``)
    as the command line they make."""
    found = []
    for words in _WORD_LIST.finditer(text):
        items = [m[1] for m in _STRING.finditer(words[1]) if m[1] is not None]
        found.append(shlex.join(items))
    return found


_INLINE = re.compile(
    # (a here-document's word maybe quoted, its line going on: `inline: <<~'SH' }`)
    r"""\binline:\s*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'"""
    r"""|<<[-~]?(['"]?)(\w+)\3[^\n]*\n(.*?)\n\s*\4\b)""",
    re.S,
)


def embedded_scripts(reader: str, text: str) -> list[str]:
    """The shell scripts a code file holds that its tool runs: IPython's ``!cmd`` lines,
    a Vagrantfile's ``inline:`` provisioners and triggers (a virtual machine's shell is
    read as the host's)."""
    if reader == "ipython":
        return shell_escapes(text)
    if reader == "vagrant":
        return [f[1] or f[2] or f[5] or "" for f in _INLINE.finditer(text)]
    return []


def language(reader: str) -> str:
    """The interpreter whose code a file of ``reader`` is read as."""
    return {"ipython": "python3", "vagrant": "ruby"}.get(reader, reader)
