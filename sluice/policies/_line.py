"""What the commands of a shell line so far set up for the next ones: the working
directory, the pipe, the branch switched to, scripts written or downloaded, loop values;
and the reading of scripts fed to a shell (``curl … | sh``, ``echo … | base64 -d | sh``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from itertools import pairwise, takewhile

from sluice.policies._acts import listed, names_listed, working_directory
from sluice.policies._archives import decompressed, unpacked, unpacked_into, unpacks
from sluice.policies._container_files import Image, built_image
from sluice.policies._exfil import Pipeline
from sluice.policies._expansions import READ_BY_CHARACTER, expanded
from sluice.policies._filters import filtered
from sluice.policies._functions import aliased, aliases, called, definitions
from sluice.policies._infra import OBJECT_NAMING, destroy_plan, full_listing
from sluice.policies._interpreters import code_of, saved_downloads
from sluice.policies._prefixes import ASSIGNMENT, FEEDERS, POWERSHELLS
from sluice.policies._project_scripts import (
    RUNNERS,
    jq_scripts,
    package_scripts,
    python_scripts,
)
from sluice.policies._runners import AWKS
from sluice.policies._shell import (
    COMMAND_OPTION,
    SHELLS,
    TEXT_PROGRAMS,
    Command,
    after_wrappers,
    basename,
    echo_output,
    parse,
    printf_arguments,
    printf_output,
    program,
    shell_script,
    short_option,
    stated,
    unknown_output,
    with_next,
)
from sluice.policies._targets import from_folder, resolve
from sluice.policies._tool_runners import after_package_options
from sluice.policies._wrappers import (
    FETCHERS,
    STDIN,
    cloned_into,
    cmdlet_argument,
    here_string,
    is_wrapper,
    operands,
    read_variables,
    referenced,
    replaced_item,
    saved_by,
    unwrap,
)

__all__ = [
    "DOWNLOAD",
    "INTERPRETER",
    "PACKAGE_MANAGERS",
    "RUNS_STDIN",
    "SCRIPT_READERS",
    "SHELLS",
    "LineState",
    "built_program",
    "command_settings",
    "compiled_source",
    "decoded",
    "fed_script",
    "has_script",
    "own_code",
    "powershell_reads_input",
    "printed",
    "read_files",
    "runs_download",
    "runs_fetched_text",
    "script_run",
]

# Programs that run, later, the script they read (`echo cmd | at now`), unless given one (-f).
_SCHEDULERS = frozenset({"at", "batch"})
SCRIPT_READERS = SHELLS | _SCHEDULERS
"""Programs that run the script piped into them, unless given one (:func:`has_script`)."""
RUNS_STDIN = SCRIPT_READERS | {"ssh", "su", "sudo"}
INTERPRETER = re.compile(
    r"(?:python|pypy|node|nodejs|perl|ruby|php|deno|bun|lua|luajit)[0-9.]*|Rscript|py|tsx|ts-node"
)
_SOURCES = frozenset({"source", ".", "eval", "iex", "Invoke-Expression"})
_VARIABLES = 64  # a line setting 10,000 variables must not cost 10,000 per command
# A bash array given its elements: `DISKS=(/dev/sdb /dev/sdc)` (`local`, `declare -a` too).
_ARRAY = re.compile(
    r"(?:^[ \t]*|[;\n&|{(!][ \t]*|\b(?:do|then|else|time|local|declare\s+-a|readonly)\s+)"
    r"([A-Za-z_]\w*)=\(([^()\n]*)\)"
)
_FILTERS = 8  # the last commands of a pipe read for the text they filter
# An awk program that picks some lines: a pattern (`/re/`), a field compared (`$3=="Evicted"`)
# or an `if` before what it prints; `NR>1` alone (the header skipped) picks every line.
_AWK_PICKS = r"\|\s*awk\b[^|;&'\"]*['\"](?:\s*/|[^'\"{]*\$\w+\s*(?:[=!]=|!?~)|\s*\{\s*if\b)"
# A jq (yq) program that picks some items: `.items[] | select(.status.reason=="Evicted")`.
_JQ_PICKS = r"\|\s*(?:jq|yq|gojq)\b[^;&]*?\bselect\s*\("
_SELECTOR = re.compile(
    r"--field-selector|--selector|\s-l\s|\s-l=|\|\s*grep\b|--filter|--superseded|--failed"
    r"|\[\?\("  # a JSONPath filter: -o jsonpath='{.items[?(@.status.succeeded==1)]…}'"
    r"|--pending|--uninstalled|\|\s*(?:Select-String|sls|findstr)\b|" + _AWK_PICKS + "|" + _JQ_PICKS
)
_RELEASES = re.compile(r"\b(?:helm|argocd)\b[^|;&]*?\s(?:ls|list)\b")  # argocd app list
# A listing narrowed to some objects: a prefix, a filtering query, a grep, an awk or a jq
# pattern.
_NARROWED = re.compile(
    r"--prefix|\[\?|\|\s*(?:grep|egrep|rg)\b|--include|--exclude|" + _AWK_PICKS + "|" + _JQ_PICKS
)
# Every container, stopped ones too (`docker ps -aq`, `podman container ls -a -q`), not
# those a filter (`--filter`, `-f`) or a grep picks.
_EVERY_CONTAINER = re.compile(r"(?:\bps|container ls|container list)\b[^|;&)]*\s-[a-z]*a")
_CONTAINERS_NARROWED = re.compile(
    r"(?:\bps|container ls|container list)\b[^|;&)]*\s(?:--filter|-[a-z]*f)\b"
    r"|(?:\bps|container ls|container list)\b[^;&)]*\|\s*(?:grep|egrep|rg|awk)\b"
)
_API_VOLUMES = re.compile(r"\bcurl\b[^|;&)]*/volumes(?:[\"'\s?]|$)")
_VOLUMES_NARROWED = re.compile(
    r"volume ls\b[^|;&)]*\s(?:--filter|-[a-z]*f)\b|/volumes\?[^\s|;&)]*filters="
    r"|volume ls\b[^;&)]*\|\s*(?:grep|egrep|rg|Select-String|sls|findstr)\b"
)
_NAMESPACES = re.compile(r"\b(?:kubectl|oc|k)\b[^|;&]*?\sget\s+(?:ns|namespaces?|projects?)\b")
_DECLARES = frozenset({"export", "local", "declare", "readonly", "typeset"})
_GLOBBED = 16_384
DOWNLOAD = "Runs a downloaded script unread; download it, read it, then run it"


def _assignments(given: Sequence[str]) -> Sequence[str]:
    """The words of the assignments a command makes, if it makes only assignments: its own
    (``d=~``), a declaration's after its options (``local d=~``; ``declare -n h=HOME``, a
    name for HOME, read as ``h=$HOME``), printf's into a variable (``printf -v d '%s' ~``,
    read as ``d=~``)."""
    if given[:1] and given[0] in _DECLARES:
        options = list(takewhile(lambda w: w.startswith("-"), given[1:]))
        named = given[1 + len(options) :]
        if any("n" in o for o in options if not o.startswith("--")):  # a name for another
            return [f"{n}=${v}" if v else n for n, _, v in (w.partition("=") for w in named)]
        return named
    if given[:2] == ("printf", "-v") and len(given) > 3:
        values = iter(given[4:])
        value = _FORMAT.sub(lambda m: "%" if m[0] == "%%" else next(values, ""), given[3])
        return [f"{given[2]}={value}"]
    return given


_FORMAT = re.compile(r"%%|%[-+ #0-9.]*[a-zA-Z]")


class LineState:
    """What the commands of a line so far have set up for the next ones."""

    def __init__(
        self,
        line: str,
        cwd: str | None,
        caller: LineState | None = None,
        commands: Sequence[Command] = (),
    ) -> None:
        """``caller``: the line whose function or alias runs this one, which goes on from
        where the call stands: its definitions, variables, branch and written files stay.
        ``commands``: the line's, which its listings are read in too (see :func:`_plainly`).
        """
        listings = _plainly(line, commands)
        # Every docker volume: `docker volume ls -q`, not those a filter (`--filter`, `-qf`)
        # or a grep picks.
        # (or Docker's API's listing of them: curl --unix-socket /var/run/docker.sock …/volumes)
        self.lists_volumes = (
            "volume ls" in listings or _API_VOLUMES.search(listings) is not None
        ) and not _VOLUMES_NARROWED.search(listings)
        self.lists_containers = bool(
            _EVERY_CONTAINER.search(listings) and not _CONTAINERS_NARROWED.search(listings)
        )
        # A bootstrap script is a build's first step when the line goes on to build
        # (`./bootstrap && ./configure && make`, Boost's `./bootstrap.sh && ./b2`); alone it
        # sets a machine up, as an install script does.
        self.builds = "bootstrap" in line and _BUILDS.search(line) is not None
        # Every resource of a kind, or every release: `kubectl get ns`, `helm ls -q`, not
        # narrowed by a selector or a grep.
        self.lists_kube = (
            "kubectl get" in listings
            or (
                ("helm" in listings or "argocd" in listings)
                and _RELEASES.search(listings) is not None
            )
        ) and not _SELECTOR.search(listings)
        self.lists_namespaces = " get " in listings and _NAMESPACES.search(listings) is not None
        # Every object of a bucket: `aws s3api list-objects-v2 --bucket b`, `aws s3 ls
        # s3://b --recursive`, `gsutil ls gs://b/**`; not those a prefix or a grep picks.
        lists = any(word in listings for word in ("ls", "list", "Object", "Blob"))
        lists = lists and _lists_every_object(listings)
        narrowed = lists and _NARROWED.search(listings) is not None
        self.lists_objects, self.lists_some_objects = lists and not narrowed, narrowed
        self.cwd = cwd
        self.pipe: list[Command] = []  # the commands piping into the next one
        self.substituted: list[Command] = []  # the last process substitution's (`<(…)`)
        self.pipeline = Pipeline()
        self.branch: str | None = None  # the git branch switched to
        self.written: dict[str, str] = {}  # scripts written by echo, printf, cat <<EOF, tee
        self.destroy_plans: set[str] = set()  # terraform plan -destroy -out=F's files
        self.saved_listings: set[str] = set()  # files a whole kubectl get listing was saved to
        self.downloaded: set[str] = set()  # files curl or wget saved
        self.unpacked: set[str] = set()  # folders a download was unpacked or cloned into
        self.made: set[str] = set()  # folders the last command, a mkdir, made: empty
        # Symbolic links made (`ln -s ~ /tmp/h`): their name, and what they point to.
        self.links: dict[str, str] = {}
        # The archives unpacked into a folder of programs (`unzip tool_1.2.zip -d ~/.local/bin`).
        self.unpacked_programs: set[str] = set()
        # Variables and their values: a for loop's, an assignment's (`DIR=~; rm -rf "$DIR"`).
        self.loops: dict[str, list[str]] = {}
        # The folder whose entries' bare names a variable takes (`for f in $(ls ~)`), so
        # that `~/"$f"` in the loop's body names each entry of ~.
        self.names_in: dict[str, str] = {}
        # What the command substitutions of the command being read list (`$(find ~)`).
        self.listing: list[str] = []
        self.listing_names: str | None = None  # the folder, when `ls` lists bare names
        # The functions and aliases defined so far: a call runs their body or words.
        self.functions: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        # Where the line stood when the reading of a function's body in place began (its
        # definition is read where it stands, as if run: see :meth:`called_from`).
        self.defined_in: dict[str, str | None] = {}
        # Commands defined for a tool's subcommand: git's shell aliases (`git config
        # alias.x '!…'`), package scripts (`npm pkg set scripts.x=…`); by "git x", "npm x".
        self.scripts: dict[str, str] = {}
        self.images: dict[str, Image] = {}  # built from a Dockerfile the line wrote, by name
        self.printed: list[str] = []  # what echo, printf and cat <<EOF printed, the last few
        self.positional: list[str] = []  # what `set -- a b c` made $1, $2, $3 and "$@"
        self.renamed: dict[str, str] = {}  # a program copied or linked under another name
        self.looked_up_default = False  # a command printed the default branch's name
        self.push_refspec: str | None = None  # what `git push REMOTE` pushes, as configured
        self.built: dict[str, str] = {}  # programs compiled in the line, and their sources
        # The variables a `while read` loop takes from a pipe, line by line, as xargs gives
        # its command operands: `helm ls -q | while read r; do helm uninstall "$r"; done`.
        self.read_from_pipe: set[str] = set()
        if caller is not None:
            self._go_on(caller)
        if "(" in line or "function" in line:
            found = definitions(line)
            if found and ("'" in line or '"' in line):  # not in a printer's text: echo ':(){…'
                own = {d.name for d in definitions(own_code(line))}
                found = [d for d in found if d.name in own]
            self.functions.update((d.name, d.body) for d in found)
        # How much of the variables' values their forms may still read (`${x%/*}`,
        # `${x//a/b}`), in characters: a line of many forms of a long value reads a bound.
        self.globbed = _GLOBBED
        self.arrays: set[str] = set()  # bash's arrays: DISKS=(/dev/sdb /dev/sdc), elements
        if "=(" in line:
            for array in _ARRAY.finditer(line):
                if len(self.loops) < _VARIABLES:
                    self.loops[array[1]] = _elements(array[2])[:_LOOP_VALUES]
                    self.arrays.add(array[1])

    def _go_on(self, caller: LineState) -> None:
        """Take over what ``caller`` set up so far (the functions' bodies read globals)."""
        self.functions, self.aliases = dict(caller.functions), dict(caller.aliases)
        self.scripts, self.images = dict(caller.scripts), dict(caller.images)
        self.loops, self.names_in = dict(caller.loops), dict(caller.names_in)
        self.written, self.branch = dict(caller.written), caller.branch
        self.downloaded, self.unpacked = set(caller.downloaded), set(caller.unpacked)
        self.made, self.links = set(caller.made), dict(caller.links)
        self.destroy_plans = set(caller.destroy_plans)
        self.pipeline.go_on(caller.pipeline)

    def runs(self, words: Sequence[str]) -> str | None:
        """The line that ``words`` run when they call a function or an alias defined in the
        line (``cleanup() { rm -rf "$1"; }; cleanup ~`` runs ``rm -rf ~``), else None."""
        if not (self.functions or self.aliases or self.scripts):
            return None
        if words[:1] and words[0] == "trap" and len(words) > 1:
            words = words[1:2]  # trap cleanup EXIT: the function runs at the exit
        if not words:
            return None
        if (body := self.functions.get(words[0])) is not None:
            return called(body, words[1:])
        if (value := self.aliases.get(words[0])) is not None:
            return aliased(value, words[1:])
        if (script := self._script(words)) is not None:
            return script
        for runner in RUNNERS:  # `pdm run reset`, which unwrap() reads as `reset`
            if (script := self.scripts.get(f"{runner} {words[0]}")) is not None:
                return aliased(script, words[1:])
        return None

    def defining(self, head: Command) -> None:
        """The line defines a function, whose ``head`` (``f``, ``function f``) is followed
        by its body, read in place next."""
        given = stated(head.words)
        if len(given) == 1 or (len(given) == 2 and given[0] == "function"):
            self.defined_in[given[-1]] = self.cwd

    def called_from(self, name: str) -> str | None:
        """Where a call of the function ``name`` starts: where the line stands, unless the
        reading of the function's body in place moved it there (``f() { cd .. && rm -rf
        old; }; f`` deletes ../old, not ../../old): then where the definition began, as the
        call, not the definition, runs the body's ``cd``."""
        if name not in self.defined_in:
            return self.cwd
        began = moved = self.defined_in[name]
        for command in parse(self.functions.get(name, "")):
            moved = working_directory(command, moved)
        return began if moved == self.cwd and moved != began else self.cwd

    def sourced(self, text: str) -> None:
        """A file the line sources (``. ./f.sh``, ``source ~/.bash_aliases``) runs in the
        line's own shell: the functions and aliases it defines are the rest of the line's."""
        if "(" in text or "function" in text:
            self.functions.update((f.name, f.body) for f in definitions(text))
        if "alias" in text:
            for command in parse(text):
                if command.words[:1] == ("alias",) and len(self.aliases) < _VARIABLES:
                    self.aliases.update(aliases(command.words))

    def _script(self, words: Sequence[str]) -> str | None:
        """What ``git NAME``, ``npm run NAME`` (``pnpm``, ``yarn``, ``bun``) or a Python
        project's runner (``pdm run NAME``, ``poe NAME``) runs when the line defined NAME as
        a shell alias or a project's script."""
        name = basename(words[0])
        tool = "npm" if name in PACKAGE_MANAGERS else name
        rest = list(words[1:])
        if tool == "npm":  # npm --silent run -s NAME, pnpm --filter api run NAME
            rest = rest[after_package_options(rest) :]
        if (tool == "npm" or tool in RUNNERS) and rest[:1] in (["run"], ["run-script"]):
            rest = rest[after_package_options(rest, 1) if tool == "npm" else 1 :]
        if tool == "deno" and rest[:1] == ["task"]:
            rest = rest[1:]  # deno task NAME
        if tool == "hatch" and rest:
            rest[0] = rest[0].rpartition(":")[2]  # hatch run test:cov: the script cov
        if not rest:
            return None
        script = self.scripts.get(f"{tool} {rest[0]}")
        steps = [aliased(script, rest[1:])] if script is not None else []
        if tool == "npm":  # npm runs a script's pre- and post- scripts around it
            steps = [self.scripts.get(f"npm pre{rest[0]}", ""), *steps]
            steps.append(self.scripts.get(f"npm post{rest[0]}", ""))
        return "\n".join(step for step in steps if step) or None

    def end_pipe(self) -> None:
        """The pipe ends: remember a process substitution's (``<(find ~)``) for a command
        fed from it, what a command substitution (``$(find ~ -type f)``, ``$(ls -A ~)``)
        lists for the command whose arguments it becomes."""
        pipe, self.pipe = self.pipe, []
        if _process_substitution(pipe):
            self.substituted = pipe
        elif pipe and pipe[0].after in ("$(", "`") and (found := listed(pipe)):
            self.listing = (self.listing + found)[:_LOOP_VALUES]
            self.listing_names = names_listed(pipe)

    def read_substitution(self, command: Command) -> None:
        """``cmd < <(producer)``: the process substitution ``command`` reads as its input
        feeds it as a pipe would (``producer | cmd``), for every check of what flows in."""
        if command.reads_substitution and not self.pipe:
            self.pipe = list(self.substituted)

    def with_listing(self, command: Command) -> Command:
        """``command`` with each word that is a substitution replaced by what it lists."""
        if not self.listing:
            return command
        words: list[str] = []
        for word in command.words:
            plain = word.startswith("$(") and word.endswith("…)") and word.count("$(") == 1
            words.extend(self.listing if plain else [word])
        return replace(command, words=tuple(words))

    def expand(self, command: Command) -> list[Command]:
        """``command`` with each variable set in the line (a ``for`` loop's, an assignment's)
        replaced by each of its values, and with what a symbolic link made in the line
        points to in place of the link: each different command once, in the order found, and
        not ``command`` itself (a variable named only in a form kept as spelt leaves the
        command as it was, and the rules, which expand each expansion in turn, would judge
        the same words again at each turn)."""
        found = dict.fromkeys(self._expanded(command))
        found.pop(command, None)
        return list(found)

    def _expanded(self, command: Command) -> list[Command]:
        linked = self._through_links(command) if self.links else []
        if "${" in (joined := " ".join((*command.words, *command.redirects))):
            linked += self._defaulted(command, joined)
        if self.positional and "$" in joined and (given := self._positioned(command)):
            linked.append(given)
        if self.renamed and (renamed := self._renamed(command)):
            linked.append(renamed)
        if not self.loops:
            return linked
        named = set().union(*map(referenced, (*command.words, *command.redirects)))
        if "${" in joined:  # one named inside another's form: the pattern of `${d%$s}`
            named.update(_INNER_NAME.findall(joined))
        expanded = [
            whole for array in named & self.arrays if (whole := self._spread(command, array))
        ]
        for variable in named & self.loops.keys():
            spellings: tuple[str, ...] = (f"${variable}", f"${{{variable}}}")
            spellings += tuple(f"${{{variable}[{at}]}}" for at in ("@", "*", "0"))
            values = self.loops[variable][:_LOOP_VALUES]
            if variable in self.names_in:  # `~/"$f"`, f an entry's name in ~: every entry
                values = [*values, *self._rejoined(command, spellings, self.names_in[variable])]
            # The variable as the program (`R="rm -rf"; $R ~`) is split into its words.
            runs = program(command.words) in spellings
            elements = self.loops[variable] if variable in self.arrays else values[:1]
            for value in values:
                words, redirects = (
                    tuple(
                        self._formed(_replaced(word, spellings, value), variable, value, elements)
                        for word in given
                    )
                    for given in (command.words, command.redirects)
                )
                if runs:  # split as the shell splits it: at the blanks, or at $IFS's
                    words = _split_program(command.words, words, self.loops.get("IFS", []))
                expanded.append(replace(command, words=words, redirects=redirects))
        return linked + expanded

    def _spread(self, command: Command, array: str) -> Command | None:
        """``command`` with the whole of ``array`` where it names it whole: each element a
        word for ``"${a[@]}"`` (``args=(delete ns --all); kubectl "${args[@]}"``), the
        elements joined by blanks within a word or for ``"${a[*]}"`` (``mysql -e
        "${sql[*]}"``); None when it names no element but one at a time."""
        every, joined = f"${{{array}[@]}}", f"${{{array}[*]}}"
        elements = self.loops[array]
        if not any(every in w or joined in w for w in (*command.words, *command.redirects)):
            return None
        text = " ".join(elements)
        words: list[str] = []
        for word in command.words:
            if word == every:
                words.extend(elements)
            else:
                words.append(word.replace(every, text).replace(joined, text))
        redirects = tuple(r.replace(every, text).replace(joined, text) for r in command.redirects)
        return replace(command, words=tuple(words), redirects=redirects)

    def _renamed(self, command: Command) -> Command | None:
        """``command`` run by the program's own name when it runs a copy or a link of it the
        line made (``/tmp/x -rf ~`` after ``cp /bin/rm /tmp/x``); None otherwise."""
        words = list(command.words)
        for at, word in enumerate(words[:_PREFIX_WORDS]):
            if (program := self.renamed.get(word.removeprefix("./"))) is not None:
                words[at] = program
                return replace(command, words=tuple(words))
        return None

    def _positioned(self, command: Command) -> Command | None:
        """``command`` with the positional parameters ``set --`` gave in place of ``"$@"``,
        ``$*`` (each a word) and ``$1`` … ``$9``; None if it names none."""
        words: list[str] = []
        for word in command.words:
            if word in ("$@", "$*", "${@}", "${*}"):
                words.extend(self.positional)
            else:
                words.append(_POSITION.sub(self._position, word))
        return replace(command, words=tuple(words)) if tuple(words) != command.words else None

    def _position(self, found: re.Match[str]) -> str:
        at = int(found[1] or found[2]) - 1
        return self.positional[at] if at < len(self.positional) else ""

    def _defaulted(self, command: Command, joined: str) -> list[Command]:
        """``command`` with each variable the line never set given its default
        (``/tmp/${x:-t}`` is ``/tmp/t``); none if it has no such default."""

        def default(found: re.Match[str]) -> str:
            return found[2] if found[1] not in self.loops else found[0]

        if _DEFAULT.search(joined) is None:
            return []
        words, redirects = (
            tuple(_DEFAULT.sub(default, word) for word in given)
            for given in (command.words, command.redirects)
        )
        if words == command.words and redirects == command.redirects:
            return []
        return [replace(command, words=words, redirects=redirects)]

    def _formed(self, word: str, variable: str, value: str, elements: list[str]) -> str:
        """``word`` with the variable's other forms as bash expands them given ``value``: an
        array's element (``${a[1]}``), a substring (``${x:1:2}``), a pattern replaced
        (``${x/a/r}``), an end or a start taken off (``${x%/tmp}``, ``${x##*/}``), its case
        changed (``${x^^}``), a default (``${x:-t}``: the value, or the default if it is
        empty), the variable it names (``${!x}``); of an element too (``${a[0]%/x}``)."""
        if "${" not in word:
            return word

        def one(found: re.Match[str]) -> str:
            indirect, name, index, operator, rest = found.groups()
            if name != variable:
                return found[0]
            if indirect:  # x=HOME; "${!x}": the variable it names, set or not in the line
                named = self.loops.get(value, [])
                return named[0] if named else f"${value}" if _NAME.fullmatch(value) else found[0]
            given = value
            if index is not None:  # an array's element (`${a[1]}`, `${a[0]%/x}`)
                at = int(index) if index.isdecimal() and len(index) < 10 else 0
                given = elements[at] if at < len(elements) else ""
            if operator in READ_BY_CHARACTER:
                if self.globbed <= 0:  # many forms of long values: read up to a bound
                    return found[0]
                self.globbed -= len(given) + len(rest or "")
                given = from_folder(given, self.cwd)  # D=$(pwd); rm -rf "${D%/*}"
            return expanded(given, operator or "", rest or "", found[0])

        return _FORM.sub(one, word)

    def _through_links(self, command: Command) -> list[Command]:
        """``command`` with a path inside a link the line made (``/tmp/h/*`` after ``ln -s
        ~ /tmp/h``) named by the link's target, as the system follows it, and a redirect into
        the link itself (``>> /tmp/ak`` after ``ln -s ~/.ssh/authorized_keys /tmp/ak``) too;
        none if it names none (the link itself, ``rm /tmp/h``, is only the link)."""
        words = tuple(self._followed(word) for word in command.words)
        redirects = tuple(self._followed(word, whole=True) for word in command.redirects)
        if words == command.words and redirects == command.redirects:
            return []
        return [replace(command, words=words, redirects=redirects)]

    def _followed(self, word: str, whole: bool = False) -> str:
        """``word`` with the link it names a path in (``whole``: or that it names itself)
        followed."""
        path = word.removeprefix("./")
        for link, target in self.links.items():
            if path.startswith(link + "/"):
                return target.rstrip("/") + path[len(link) :]
            if whole and path == link:
                return target
        return word

    def _rejoined(self, command: Command, spellings: tuple[str, ...], folder: str) -> list[str]:
        """``*`` if a word of ``command`` joins the variable onto ``folder`` (``~/"$f"``),
        which then names every entry of it; the value that gives that word."""
        home = resolve(folder, self.cwd)
        for word in (*command.words, *command.redirects):
            for spelling in spellings:
                head, found, _ = word.partition(spelling)
                if found and head.endswith("/") and home is not None:
                    joined = resolve(head + "x", self.cwd)
                    if joined is not None and joined.parts[:-1] == home.parts:
                        return ["*"]
        return []

    def bind_reads(self, commands: Sequence[Command]) -> None:
        """Give the variables of ``while read f`` loops the paths their input lists: a pipe
        (``find ~ -type f | while read -r f``) or a process substitution after ``done``
        (``done < <(ls -d ~/*)``); read before the loop's body is judged."""
        pipe: list[Command] = []
        substituted: list[Command] = []
        waiting: list[str] = []  # the variables of a loop whose input comes after `done`
        for command in commands:
            if command.after != "|":
                if _process_substitution(pipe):
                    substituted = pipe
                pipe = []
            words, _ = unwrap(command.words)
            if words[:1] == ["read"] and (variables := read_variables(words[1:])):
                if pipe:
                    self.read_from_pipe.update(variables[:_LOOP_VALUES])
                    self._bind(variables, listed(pipe))
                    if folder := names_listed(pipe):
                        self.names_in[variables[-1]] = folder
                else:
                    waiting = variables
            elif words[:1] == ["done"] and waiting and any("$(" in i for i in command.inputs):
                self._bind(waiting, listed(substituted))
                waiting = []
            pipe.append(command)

    def _bind(self, variables: list[str], values: list[str]) -> None:
        for variable in variables[-1:] if values else ():  # the last takes the whole line
            if len(self.loops) < _VARIABLES:
                self.loops[variable] = values[:_LOOP_VALUES]

    def _entered(self, folder: str) -> None:
        """The line moved into ``folder``: the files it wrote or downloaded there are named
        from here on by their names in it too (``cat > /tmp/c/main.go …; cd /tmp/c && go run
        main.go``)."""
        prefix = folder.rstrip("/") + "/"
        for path in [p for p in self.written if p.startswith(prefix)]:
            if len(self.written) < _VARIABLES:
                self.written.setdefault(path[len(prefix) :], self.written[path])
        self.downloaded.update(
            p[len(prefix) :] for p in list(self.downloaded) if p.startswith(prefix)
        )

    def follow(self, command: Command) -> None:
        cwd, moving = self.cwd, command
        if self.loops and any("$" in word for word in command.words[1:]):
            # cd "$ROOT/..": where the line's variable points (ROOT=/home/dev/app)
            moving = replace(command, words=tuple(self.valued(list(command.words))))
        self.cwd = working_directory(moving, cwd)
        moved = self.cwd != cwd and len(self.loops) < _VARIABLES
        if moved and cwd is not None and "$" not in cwd:  # (a value naming itself would recur)
            self.loops["OLDPWD"] = [cwd]  # cd /tmp && rm -rf "$OLDPWD"/..: where it was
        if self.links and self.cwd is not None and self.cwd != cwd:  # cd /tmp/h: into the target
            self.cwd = self._into_link(self.cwd, cwd)
        if moved and self.cwd and (self.written or self.downloaded):
            self._entered(self.cwd)
        self.pipe.append(command)
        given = stated(command.words)  # `do d=~`, `{ d=~`: what the command states
        loop = len(given) >= 3 and given[0] == "for" and given[2] == "in"
        if loop and len(self.loops) < _VARIABLES:  # for f in ~/*; do rm -rf "$f"; done
            self.loops[given[1]] = list(given[3 : _LOOP_VALUES + 3])
            if self.listing_names is not None:
                self.names_in[given[1]] = self.listing_names  # for f in $(ls ~)
        sets = given[1:] if given[:1] in (("command",), ("builtin",)) else given
        if sets[:2] == ("set", "--"):  # set -- rm -rf "$HOME"; "$@"; command set -- …
            self.positional = list(sets[2 : _LOOP_VALUES + 2])
        assignments = _assignments(given)
        if assignments and all(ASSIGNMENT.fullmatch(w) for w in assignments):
            for assignment in assignments[:_VARIABLES]:
                name, _, value = assignment.partition("=")
                if not value and name in self.arrays:
                    continue  # the array's `NAME=` before its `(…)`, read with the line
                if name in self.loops and "$" in value:  # D=$D/x: what D held before
                    value = _with_value(value, name, self.loops[name][0])
                substitution = value.startswith("$(") and value.endswith("…)")
                if substitution and self.listing and len(self.loops) < _VARIABLES:
                    self.loops[name] = list(self.listing)  # X=$(ls -d ~/*): what it lists
                    continue
                self._set(name, value)
        words, _ = unwrap(given)
        if not words:
            return
        words = self.valued(words)  # BIN=/usr/local/bin; curl -o $BIN/yq …: where it saves
        if shell_script(words) is not None:  # T=~ sh -c 'rm -rf "$T"': its script's commands
            for assigned in command_settings(given)[:_VARIABLES]:  # follow: they read them
                name, _, value = assigned.partition("=")
                self._set(name, value)
        name, args = basename(words[0]), words[1:]
        if name == "alias" and len(self.aliases) < _VARIABLES:
            self.aliases.update(aliases(words))
        # docker build -t NAME . of a Dockerfile the line wrote
        builds = "build" in args or "bud" in args
        if builds and (built := built_image(words, self.written)) and len(self.images) < _VARIABLES:
            self.images[built[0]] = built[1]
        defines = name == "git" or name in PACKAGE_MANAGERS
        if defines and len(self.scripts) < _VARIABLES:
            self.scripts.update(_scripts_defined(name, args))
        if name == "jq" and len(self.scripts) < _VARIABLES:  # jq '.scripts.x = "…"' package.json
            self.scripts.update(list(jq_scripts(args).items())[:_VARIABLES])
        if name == "git" and (switched := _switched_branch(args)):
            self.branch = switched
        if name == "unset" and len(self.loops) < _VARIABLES:  # unset D; rm -rf "$D"/*: empty
            self.loops.update((a, [""]) for a in args[:_LOOP_VALUES] if _NAME.fullmatch(a))
        if (
            name in ("source", ".")
            and args
            and (named := _ENV_FILE_NAME.fullmatch(basename(args[0])))
        ):
            # . ./.env.production: the environment it names is the framework's from here on
            self.loops["APP_ENV"] = [named[1]]
        if (program := built_program(words)) and len(self.built) < _VARIABLES:
            self.built[program[0]] = program[1]  # rustc x.rs -o /tmp/x && /tmp/x
        if name == "git" and "config" in args[:3]:  # git config remote.origin.push +main:main
            setting = [a for a in args if not a.startswith("-")]
            at = next((i for i, a in enumerate(setting) if _PUSH_KEY.fullmatch(a)), None)
            if at is not None and at + 1 < len(setting):
                self.push_refspec = setting[at + 1]
            mirrors = any(_MIRROR_KEY.fullmatch(a) for a in setting[:-1])
            if mirrors and setting[-1].lower() in ("true", "yes", "on", "1"):
                self.push_refspec = "+refs/heads/*:refs/heads/*"  # remote.origin.mirror true
        if plan := destroy_plan(words):
            self.destroy_plans.add(plan.removeprefix("./"))
        if command.redirects and full_listing(words):  # kubectl get all -n shop -o yaml > f
            self.saved_listings.update(r.removeprefix("./") for r in command.redirects)
        text = path = ""
        cmdlet = name.lower() if "-" in name or len(name) == 2 else ""  # Set-Content, sc
        if name == "printf":
            text = printf_output(printf_arguments(args))  # printf 'put %s\n' ~/.ssh/id_rsa > b
        elif name == "echo":
            text = echo_output(args)
        elif name in ("cat", "tee") and command.heredoc:
            text = command.heredoc
        elif name == "tee" and command.after == "|" and len(self.pipe) > 1:
            text = " ".join(printed(self.pipe[-2]))  # echo 'DROP TABLE t;' | tee x.sql
        elif cmdlet in _SETS_CONTENT:  # Set-Content F "select disk 1`nclean"
            path, text = _content_set(args)
            if not text and command.after == "|" and len(self.pipe) > 1:
                # "select disk 1", "clean" | sc F: an array's items, a line each (also where
                # the reading joined them: "select disk 1","clean")
                text = "\n".join(printed(self.pipe[-2])).replace(",", "\n")
        if text and len(self.printed) < _VARIABLES:
            self.printed.append(text[-_SCRIPT:])
        targets = list(command.redirects)
        if name == "tee":
            targets += operands(args)
        elif cmdlet in _SETS_CONTENT and path:
            targets.append(path)
        # What a download piped into tee saves is the download (`curl … | sudo tee F`).
        saves = name in FETCHERS or (name == "tee" and self._fetched())
        if not text and command.redirects:  # ls -d ~/* > /tmp/l: the paths, for xargs -a
            text = "\n".join(listed(self.pipe))
        for target in (t.removeprefix("./") for t in targets):
            if text and len(self.written) < _VARIABLES:  # `>>` adds to what is there
                self.written[target] = (self.written.get(target, "") + "\n" + text)[-_SCRIPT:]
            if text and basename(target) == "package.json":  # npm run NAME runs its scripts
                self.scripts.update(
                    list(package_scripts(self.written[target]).items())[:_VARIABLES]
                )
            elif text and basename(target) in ("pyproject.toml", "Pipfile"):  # pdm run NAME
                defined = python_scripts(basename(target), self.written[target])
                self.scripts.update(list(defined.items())[:_VARIABLES])
            if saves and target != "/dev/null":
                self.downloaded.add(target)
        if name in FETCHERS:
            self.downloaded.update(s.removeprefix("./") for s in saved_by(name, args))
        elif name == "gh" and operands(args, _GH_VALUES)[:2] == ["release", "download"]:
            self.downloaded.update(_release_assets(args))  # gh release download v2 -p '*.deb'
        elif INTERPRETER.fullmatch(name) and (code := code_of(words)) and "http" in code:
            self.downloaded.update(saved_downloads(code))  # php -r "copy('https://…', 'F')"
        elif name in ("mv", "cp", "install") and self.downloaded and "-d" not in args:
            self._carry_downloads(args)  # install t /usr/local/bin/ && t: still the download
        if name in ("cp", "ln", "install") and len(self.renamed) < _VARIABLES:
            for source, landed in _copied(args):  # cp /bin/rm /tmp/x && /tmp/x -rf ~
                if _ON_PATH.search(source):
                    self.renamed.update(dict.fromkeys(landed, basename(source)))
        if name == "ln" and short_option(args, "s", "--symbolic") and len(self.links) < _VARIABLES:
            linked = operands(args, _LN_VALUES)
            if len(linked) == 2:  # ln -sfn "$HOME" /tmp/h
                self.links[linked[1].removeprefix("./").rstrip("/")] = linked[0]
        # mkdir -p /tmp/e && aws s3 sync /tmp/e …: empty for the command right after it (any
        # other could fill it: mkdir dist && npm run build && … sync dist is a deploy).
        if name == "mkdir" and len(self.made) < _VARIABLES:
            self.made.update(f.rstrip("/") for f in operands(args, frozenset({"-m", "--mode"})))
        elif self.made:
            self.made.clear()
        clone = cloned_into(args) if name == "git" and "clone" in args else None
        if clone and len(self.unpacked) < _VARIABLES:
            self.unpacked.add(clone)  # git clone URL d && bash d/install.sh: a download run
            if (where := resolve(clone, self.cwd)) is not None:
                self.unpacked.add(where.text)
        # hdiutil attach /tmp/App.dmg of a download: what the image holds is the download
        images = [a for a in args[1:] if a.lower().endswith(".dmg")] if name == "hdiutil" else []
        if args[:1] in (["attach"], ["mount"]) and any(map(self.runs_downloaded, images)):
            self.unpacked.add("/Volumes")
        if cmdlet == "expand-archive" and len(self.unpacked) < _VARIABLES:
            expanded, into = _expanded(args)  # Expand-Archive t.zip -DestinationPath t
            if expanded.removeprefix("./") in self.downloaded:
                self.unpacked.add(into.removeprefix("./"))
        if unpacks(name, args) and len(self.unpacked) < _VARIABLES:
            fetched = self._fetched()
            values = _UNPACK_VALUES if name == "unzip" else _UNPACK_INTO  # (`xz -d`: decompress)
            archive = [a.removeprefix("./") for a in operands(args, values)]
            downloaded = self.downloaded.intersection(archive)
            if len(self.downloaded) < _VARIABLES:  # bunzip2 t.bz2 writes t: the download
                self.downloaded.update(filter(None, map(decompressed, downloaded)))
            if fetched or downloaded:
                folder = unpacked_into(name, args)
                self.unpacked.add(folder)
                members = [m for m in unpacked(name, args) if not m.endswith("/")]
                if _ON_PATH.search(folder.rstrip("/") + "/x"):  # its programs: by the archive's
                    self.unpacked_programs.update(map(basename, [*downloaded, *members]))
                elif len(self.downloaded) < _VARIABLES:  # each member named is a download
                    # (tar xz -C /tmp kubeseal && install /tmp/kubeseal /usr/local/bin/kubeseal)
                    self.downloaded.update(members[:_VARIABLES])
                if (where := resolve(folder, self.cwd)) is not None:
                    self.unpacked.add(where.text)

    def _set(self, name: str, value: str) -> None:
        """The line sets the variable ``name`` to ``value`` (a new one within the bound)."""
        if len(self.loops) < _VARIABLES or name in self.loops:
            self.loops[name] = [value]

    def valued(self, words: Sequence[str], naming: bool = False) -> list[str]:
        """``words`` with each variable the line set to one value (not a loop's, not an
        array) as that value, as the shell expands it; with ``naming``, also a value that
        names another variable (``H=$HOME``), once."""
        if not self.loops or not any("$" in word for word in words):
            return list(words)
        valued = []
        for word in words:
            for name in sorted(referenced(word) & self.loops.keys(), key=len, reverse=True):
                values = self.loops[name]
                if len(values) != 1 or name in self.arrays:
                    continue
                if naming or "$" not in values[0]:
                    word = _with_value(word, name, values[0])
            valued.append(word)
        return valued

    def _carry_downloads(self, args: Sequence[str]) -> None:
        """A download copied or moved is the download where it lands (``mv /tmp/t
        ~/bin/t``; into a folder, by its name there: ``install -m 755 t /usr/local/bin/``,
        ``cp -t bin t``)."""
        for source, landed in _copied(args):
            if source in self.downloaded and len(self.downloaded) < _VARIABLES:
                self.downloaded.update(landed)

    def _into_link(self, now: str, before: str | None) -> str | None:
        """The working directory ``now`` (``before``: the last), inside a link the line made
        read as inside the link's target."""
        for link, target in self.links.items():
            where = resolve(link, before)
            if where is not None and (now == where.text or now.startswith(where.text + "/")):
                into = resolve(target + now[len(where.text) :], before)
                return into.text if into is not None else None
        return now

    def _fetched(self) -> bool:
        """Whether a download flows into the command being followed (curl earlier in its
        pipe)."""
        return any(basename(w[0]) in FETCHERS for c in self.pipe[:-1] if (w := unwrap(c.words)[0]))

    def runs_downloaded_program(self, name: str) -> bool:
        """Whether the program ``name`` (run by name, found on PATH) was downloaded in this
        line into a folder of programs (``curl -o /usr/local/bin/sops … && sops``), or
        unpacked there from an archive named for it."""
        if "/" in name or not (self.downloaded or self.unpacked_programs):
            return False
        if name.lower().endswith(_WINDOWS_PROGRAMS) and any(  # cmd runs installer.exe from .
            s.rpartition("/")[2] == name for s in self.downloaded
        ):
            return True
        on_path = (s.rpartition("/")[2] for s in self.downloaded if _ON_PATH.search(s))
        saved = (s for s in on_path if s == name or s.lower() == f"{name.lower()}.exe")
        # Or unpacked there from an archive named for it: terraform_1.8.5_linux_amd64.zip.
        unpacked = (
            a
            for a in self.unpacked_programs
            if a == name or re.match(rf"{re.escape(name)}[-_.]", a)
        )
        return any(saved) or any(unpacked)

    def pipes_fetched_text(self, producer: Command, words: Sequence[str]) -> bool:
        """Whether ``words`` are a shell reading its script from a pipe that ``echo`` or
        ``printf`` fills with a variable holding what a download printed (``C=$(curl …);
        echo "$C" | bash``)."""
        if not self.loops or not words or basename(words[0]) not in SHELLS:
            return False
        if has_script(words) or _checks_syntax(words):
            return False
        held = (self.loops.get(name, [""])[0] for p in printed(producer) for name in referenced(p))
        return any(_FETCHED_TEXT.search(v) or _FETCHED_WHOLE.fullmatch(v) for v in held)

    def runs_downloaded(self, script: str) -> bool:
        """Whether ``script`` (a path a command runs) was downloaded in this line, or
        unpacked from a download (``curl … | tar xz -C /tmp && /tmp/tool/install.sh``)."""
        script = script.removeprefix("./")
        if script in self.downloaded:
            return True
        # A pattern saved (gh release download -p '*.deb'), run by a pattern it matches.
        depth = script.count("/")
        if any(
            fnmatchcase(script, saved)
            for saved in self.downloaded
            if "*" in saved and saved.count("/") == depth
        ):
            return True
        name = basename(script)
        if name in _BUILD_SCRIPTS and (name not in _BOOTSTRAPS or self.builds):
            return False  # building what was cloned, as make does
        where = resolve(script, self.cwd)
        absolute = where.text if where is not None else script
        return any(
            (folder == "." and not script.startswith("/"))
            or script.startswith(folder + "/")
            or absolute.startswith(folder.rstrip("/") + "/")
            for folder in self.unpacked
        )


_LOOP_VALUES = 16
# PowerShell's writers of a file's content, by -Path (or first) and -Value (or second).
_SETS_CONTENT = frozenset({"set-content", "add-content", "sc", "ac", "out-file"})


_NAME = re.compile(r"[A-Za-z_]\w*")
# A one-liner that only prints a string: python's print('…'), node's console.log('…'),
# ruby's puts '…', perl's print "…".
_PRINTS = re.compile(
    r"\s*(?:print|console\.log|puts|say)\s*\(?\s*(['\"])([^'\"\n]*)\1\s*\)?\s*;?\s*"
)
_ENV_FILE_NAME = re.compile(r"\.env\.(\w+)")
# An awk program that only prints before reading anything: `BEGIN { print "…"; … }`, each
# print of strings and the environment's values (`"rm -rf " ENVIRON["HOME"]`).
_AWK_VALUE = re.compile(r'"([^"\\\n]*)"|ENVIRON\["(\w+)"\]')
_AWK_TERM = r'(?:"[^"\\\n]*"|ENVIRON\["\w+"\])'  # a value, uncaptured
_AWK_PRINT = re.compile(rf"print\s+({_AWK_TERM}(?:\s*{_AWK_TERM})*)")
_AWK_BEGIN_PRINTS = re.compile(rf"\s*BEGIN\s*\{{((?:\s*{_AWK_PRINT.pattern}\s*;?)+)\s*\}}\s*")
_AWK_VALUES = frozenset({"-F", "-v", "--field-separator", "--assign"})


def _awk_printed(terms: str) -> str:
    """What one of awk's prints prints: its strings, the environment's values as the
    shell's variables (``"rm -rf " ENVIRON["HOME"]`` prints ``rm -rf $HOME``)."""
    return "".join(text or f"${name}" for text, name in _AWK_VALUE.findall(terms))


def _awk_program(args: Sequence[str]) -> str:
    """The program awk's arguments give it inline ("" when it reads one from a file)."""
    if any(a in ("-f", "--file") or a.startswith("--file=") for a in args):
        return ""
    found = operands(args, _AWK_VALUES)
    return found[0] if found else ""


_MIRROR_KEY = re.compile(r"(?i)remote\.[^.]+\.mirror")  # git push REMOTE then mirrors
_PUSH_KEY = re.compile(r"remote\.[^.\s]+\.push")
_GH_VALUES = frozenset({"-R", "--repo", "-p", "--pattern", "-D", "--dir", "-O", "--output"})


def _release_assets(args: Sequence[str]) -> list[str]:
    """The files ``gh release download`` saves: ``-O FILE``, else each ``-p`` pattern (or
    every asset) in ``-D DIR``, as patterns (``*_linux_amd64.deb``)."""
    given = {a: b for a, b in pairwise(args) if a in _GH_VALUES}
    if output := given.get("-O") or given.get("--output"):
        return [output]
    folder = given.get("-D") or given.get("--dir") or "."
    patterns = [b for a, b in pairwise(args) if a in ("-p", "--pattern")] or ["*"]
    return [p if folder == "." else f"{folder.rstrip('/')}/{p}" for p in patterns[:_VARIABLES]]


def _content_set(args: Sequence[str]) -> tuple[str, str]:
    """The file ``Set-Content``, ``Add-Content`` or ``Out-File`` writes, and the text."""
    path = cmdlet_argument(args, ("-path", "-literalpath", "-filepath"), 0)
    return path, cmdlet_argument(args, ("-value", "-inputobject"), 1)


def _expanded(args: Sequence[str]) -> tuple[str, str]:
    """The archive ``Expand-Archive`` unpacks, and the folder it unpacks into."""
    archive = cmdlet_argument(args, ("-path", "-literalpath"), 0)
    return archive, cmdlet_argument(args, ("-destinationpath",), 1) or "."


_WINDOWS_PROGRAMS = (".exe", ".msi", ".bat", ".cmd", ".ps1", ".com")
# The scripts that configure or run a source tree's build (autotools', Gradle's and Maven's
# wrappers): run in a repository just cloned or unpacked, they build it, as make does.
_BUILD_SCRIPTS = frozenset({"configure", "autogen.sh", "bootstrap", "bootstrap.sh", "gradlew"})
_BUILD_SCRIPTS |= {"mvnw", "config.status"}
_BOOTSTRAPS = frozenset({"bootstrap", "bootstrap.sh"})
_BUILDS = re.compile(
    r"(?:&&|;|\n)[ \t]*(?:\./configure|\./b2|\./autogen\.sh|make|cmake|ninja|meson)\b"
)
_LN_VALUES = frozenset({"-t", "--target-directory", "-S", "--suffix"})
_MOVE_VALUES = _LN_VALUES | {"-m", "--mode", "-o", "--owner", "-g", "--group"}


def _copied(args: Sequence[str]) -> list[tuple[str, tuple[str, str]]]:
    """What ``cp``, ``mv``, ``install`` or ``ln`` given ``args`` copies, each source with the
    two names it may land as: the destination, or the source's name in it when it is a folder
    (``install -m 755 t /usr/local/bin/``, ``cp -t bin t``)."""
    found = [f.removeprefix("./") for f in operands(args, _MOVE_VALUES)]
    folder = [b for a, b in pairwise(args) if a in ("-t", "--target-directory")]
    sources, places = (found, folder[:1]) if folder else (found[:-1], found[-1:])
    return [
        (source, (place.removeprefix("./"), f"{place.rstrip('/')}/{basename(source)}"))
        for source in sources
        for place in places
    ]


# A file in a folder of programs, as on PATH: /usr/local/bin/x, ~/.local/bin/x, $GOPATH/bin/x.
_ON_PATH = re.compile(r"(?:^|/)s?bin/[^/]+$")


PACKAGE_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})


def _scripts_defined(name: str, args: Sequence[str]) -> list[tuple[str, str]]:
    """The commands ``git config alias.x '!…'`` (or ``'push --force'``, git's own) or ``npm
    pkg set scripts.x=… scripts.y=…`` (``npm set-script x …``) defines, by their keys
    (``"git x"``, ``"npm x"``), and what each runs."""
    given = [a for a in args if not a.startswith("-")]
    if name == "git" and given[:1] == ["config"] and len(given) > 2:
        key, value = given[1], given[2]
        if key.startswith("alias."):  # a shell's command (`!…`), or git's own
            return [(f"git {key[6:]}", value[1:] if value.startswith("!") else f"git {value}")]
    if name in PACKAGE_MANAGERS and given[:2] == ["pkg", "set"]:
        pairs = (setting.partition("=") for setting in given[2:_VARIABLES])
        return [(f"npm {k[8:]}", v) for k, _, v in pairs if k.startswith("scripts.") and v]
    if name in PACKAGE_MANAGERS and given[:1] == ["set-script"] and len(given) > 2:
        return [(f"npm {given[1]}", given[2])]
    return []


def _elements(spelt: str) -> list[str]:
    """A bash array's elements as ``(…)`` spells them: quoted ones whole (``(-c "DROP
    SCHEMA s")``)."""
    try:
        return shlex.split(spelt)
    except ValueError:  # an unclosed quote: at the blanks
        return spelt.split()


def _split_program(
    given: Sequence[str], words: tuple[str, ...], separators: Sequence[str]
) -> tuple[str, ...]:
    """``words`` (``given`` with a variable's value put in) with the word that stood as the
    program split into words, as the shell splits an unquoted value: at blanks, or at the
    characters of ``separators`` (the last value the line gave ``IFS``) when it has one."""
    at = next(i for i, word in enumerate(given) if basename(word) == program(given))
    ifs = separators[-1] if separators else ""
    split = re.split(f"[{re.escape(ifs)}]+", words[at]) if ifs else words[at].split()
    return (*words[:at], *(word for word in split if word), *words[at + 1 :])


def _process_substitution(pipe: Sequence[Command]) -> bool:
    """Whether ``pipe`` runs in a process substitution (``<(find ~)``)."""
    return bool(pipe) and pipe[0].after == "<("


_SCRIPT = 65536  # what a line writes to one file is kept up to this length
# A client's own command that reads a file: sqlite3's `.read F`, mysql's `source F`, psql's `\i F`.
_READS_FILE = re.compile(r"(?:\.read|source|\\i|\\include|\\\.)\s+(\S+)")


def read_files(command: Command, words: Sequence[str]) -> list[str]:
    """The files a program is given to read: its input (``< F``), its operands and option
    values (``-f F``, ``--file=F``), SQL*Plus's scripts (``@F``), those its own commands
    read (``.read F``, ``source F``)."""
    files = [*command.inputs]
    for word in words[1:]:
        given = word.partition("=")[2] if word.startswith("-") else word.removeprefix("@")
        files.append(given.removeprefix("file://"))  # aws … --cli-input-json file://x.json
        files += _READS_FILE.findall(word)
    return [f.removeprefix("./") for f in files if f]


def decoded(pipe: Sequence[Command]) -> str | None:
    """The script a pipe decodes or rewrites from a text it prints (``echo … | base64 -d``,
    ``rev <<< '~ fr- mr'``, ``… | tr m r``, ``… | xxd -r -p``), if it does."""
    text: str | None = None
    changed = False
    for command in pipe[-_FILTERS:]:
        if given := printed(command):  # a text printed anew: what it is given is not
            text, changed = " ".join(given), False
            continue
        words, _ = unwrap(command.words)
        known = text if text is not None else here_string(command.words)
        text = filtered(program(words), words[1:], known)
        changed = text is not None
    return text if changed else None


def _switched_branch(args: Sequence[str]) -> str | None:
    """The branch ``git switch``/``git checkout`` moves to, if ``args`` are such a command."""
    for i, arg in enumerate(args):
        if arg in ("switch", "checkout"):
            names = operands(args[i + 1 :])
            return names[-1] if names else None
        if not arg.startswith("-"):
            return None
    return None


_UNPACK_VALUES = frozenset({"-C", "--directory", "-d"})
_UNPACK_INTO = frozenset({"-C", "--directory"})  # tar's folder (unzip's is its -d)


def runs_its_text(program: str) -> bool:
    """Whether ``program`` runs a quoted argument it is given as a command line (a shell's
    ``-c``, ``eval``, ``ssh host '…'``, a wrapper's command: ``sudo``, ``xargs``, ``watch``),
    rather than taking it as data (``cp``'s operand)."""
    return program in _RUNS_TEXT or is_wrapper(program)


# (And the wrappers: exec, sudo, …) Besides shells and `trap`'s handler: terminals'
# sessions (`tmux new -d '…'`, `screen -dm …`), a watcher's command (`entr -s '…'`),
# nix-shell's `--run`, `sg GROUP -c`, and secret stores' commands (`doppler run --command
# '…'`, `sops exec-env F '…'`, granted's `assume P --exec '…'`).
_RUNS_TEXT = (
    SHELLS
    | {"", "eval", "trap", "ssh", "su", "script", "tmux", "screen", "entr"}
    | {"nix-shell", "sg", "doppler", "sops", "assume", "granted"}
)


def _outer_words(commands: Sequence[Command], at: int) -> list[str]:
    """The words, unwrapped, of the command whose substitution holds ``commands[at]`` (it
    comes after the substitution's commands)."""
    level = commands[at].level
    outer = next((c for c in commands[at + 1 :] if c.level < level), None)
    return unwrap(outer.words)[0] if outer is not None else []


def _checks_syntax(words: Sequence[str]) -> bool:
    """Whether a shell only checks its script's syntax, running nothing (``bash -n x.sh``,
    ``… | bash -n``, ``bash -o noexec``): among its own options, those before its script or
    command (``bash x.sh -n`` and ``bash -s -- -n`` give the script ``-n``)."""
    if not words or basename(words[0]) not in SHELLS:
        return False
    for at, word in enumerate(words[1:], start=1):
        if word == "--" or len(word) < 2 or word[0] not in "-+":
            return False
        if word == "-o" and words[at + 1 : at + 2] == ["noexec"]:
            return True
        if word[0] == "-" and word[1] != "-" and "n" in word[1:]:
            return True
    return False


def script_run(words: Sequence[str]) -> str | None:
    """The script file a command runs: ``bash x.sh``, ``source x.sh``, ``./x.sh``, ``$f``,
    a batch file by its name (``cmd /c x.bat``: cmd looks in the working directory first)
    or a PowerShell script (``pwsh -File x.ps1``), or the package whose scripts an
    installer runs (``sudo dpkg -i x.deb``); none for a shell that only checks its syntax
    (``bash -n x.sh``)."""
    name = basename(words[0])
    if name in SHELLS or name in ("source", ".") or INTERPRETER.fullmatch(name):
        code = COMMAND_OPTION.fullmatch if name in SHELLS else _CODE_OPTIONS.__contains__
        if not has_script(words) or any(map(code, words[1:])):  # bash -c, python -c, node -e
            return None
        if _checks_syntax(words):
            return None
        found = operands(words[1:])
        if name in ("bun", "deno") and found[:1] == ["run"]:  # bun run x.ts, deno run -A x.ts
            found = found[1:]
        return found[0] if found else None
    if "/" in words[0] or _PATH_VARIABLE.fullmatch(words[0]):  # ./x.sh; $f: the file f names
        return words[0]
    # cmd runs a batch file from where it is; PowerShell's `pwsh -File x.ps1` is its script
    # once unwrapped
    if name.lower().endswith((".bat", ".cmd", ".ps1")):
        return words[0]
    if name.lower() in ("call", "start"):  # cmd's: call %TEMP%\setup.cmd, start "" x.exe
        found = [w for w in operands(words[1:]) if w and not w.startswith("/")]
        return found[0] if found else None
    if name == "java" and "-jar" in words[:-1]:  # java -jar /tmp/tool.jar: the jar's code runs
        return words[words.index("-jar") + 1]
    if name == "osascript" and "-e" not in words:  # osascript /tmp/setup.scpt
        found = operands(words[1:], frozenset({"-l", "-s"}))
        return found[0] if found else None
    return _package_installed(name, words[1:]) if name.lower() in _PACKAGE_TOOLS else None


_PATH_VARIABLE = re.compile(r"\$\{?\w+\}?")
# Installers run the scripts a package carries, as root: the package is the script run.
_PACKAGES = (".deb", ".rpm", ".pkg", ".msi", ".msix", ".appx", ".apk")
_PACKAGE_OPTIONS = {"installer": ("-pkg", "-package"), "msiexec": ("/i", "/package")}


def _package_installed(name: str, args: Sequence[str]) -> str | None:
    """The package file an installer installs (``sudo dpkg -i x.deb``, ``installer -pkg
    x.pkg -target /``, ``rpm -ivh x.rpm``, ``apt install ./x.deb``, ``msiexec /i x.msi``),
    or ``None``."""
    name = name.lower().removesuffix(".exe")
    if options := _PACKAGE_OPTIONS.get(name):
        return next((b for a, b in with_next(args) if a.lower() in options), None)
    if name in _INSTALLERS or (name == "dpkg" and short_option(args, "i", "--install")):
        return next((a for a in args if a.lower().endswith(_PACKAGES)), None)
    return None


_INSTALLERS = frozenset({"rpm", "apt", "apt-get", "dnf", "yum", "zypper", "add-appxpackage"})
_PACKAGE_TOOLS = _INSTALLERS | {"dpkg", "installer", "msiexec", "msiexec.exe"}


def compiled_source(words: Sequence[str]) -> str:
    """The source file a language's runner compiles or interprets, then runs: ``go run
    x.go``, ``swift x.swift``, ``zig run x.zig``, ``kotlinc -script x.main.kts``, ``java
    X.java``, ``dotnet script x.csx``, ``runghc X.hs``, ``cargo -Zscript x.rs``, ``elixir
    x.exs``, ``julia x.jl``, ``dart run x.dart``, ``nim r x.nim``, …; ``dotnet run --project
    D`` runs ``D/Program.cs``. ``""`` for any other command."""
    if len(words) < 2 or basename(words[0]) not in _SOURCE_RUNNERS:
        return ""
    name = basename(words[0])
    if name == "dotnet" and words[1] == "run":
        project = next((b for a, b in with_next(words) if a in ("--project", "-p")), ".")
        return f"{project.rstrip('/')}/Program.cs".removeprefix("./")
    runs = _RUN_WORDS.get(name)
    if (
        runs is not None
        and runs.isdisjoint(words[1:3])
        and not (name == "dart" and len(words) == 2)
    ):
        return ""  # go build x.go, kotlinc x.kt -d out, nim c x.nim: compiled, not run
    sources = [w for w in words[1:] if w.endswith(_SOURCE_FILES) and not w.startswith("-")]
    return sources[0].removeprefix("./") if sources else ""


# Runners that compile or interpret a source file they are given, then run it.
_SOURCE_RUNNERS = frozenset(
    {"go", "swift", "zig", "nim", "dart", "kotlinc", "kotlin", "java", "jbang", "dotnet"}
    | {"csi", "runghc", "runhaskell", "stack", "cabal", "cargo", "elixir", "julia", "groovy"}
    | {"scala-cli", "scala", "amm", "crystal", "v", "ocaml", "racket", "guile", "clojure"}
    | {"bb", "escript", "tclsh", "Rscript", "lua", "luajit", "raku", "gleam"}
)
_SOURCE_FILES = (
    *(".go", ".swift", ".zig", ".nim", ".dart", ".kts", ".kt", ".java", ".csx", ".cs"),
    *(".hs", ".rs", ".exs", ".ex", ".jl", ".groovy", ".scala", ".sc", ".cr", ".v", ".ml"),
    *(".rkt", ".scm", ".clj", ".erl", ".tcl", ".R", ".r", ".lua", ".raku", ".gleam"),
)
# Of those runners, the ones that only compile a file unless told to run it (the words that
# tell them, among their first two): `go run`, `kotlinc -script`, `nim r`, `cargo -Zscript`.
_RUN_WORDS: dict[str, frozenset[str]] = {
    "go": frozenset({"run"}),
    "zig": frozenset({"run"}),
    "nim": frozenset({"r", "run", "-r", "--run"}),
    "kotlinc": frozenset({"-script"}),
    "cargo": frozenset({"-Zscript"}),
    "stack": frozenset({"runghc", "runhaskell", "script"}),
    "cabal": frozenset({"run"}),
    "dart": frozenset({"run"}),
    "crystal": frozenset({"run"}),
    "v": frozenset({"run"}),
}
# Compilers of a source file into a program (`rustc x.rs -o x`, `go build -o x x.go`).
_COMPILERS = frozenset(
    {"go", "rustc", "gcc", "cc", "clang", "g++", "clang++", "ghc", "swiftc", "nim", "zig"}
    | {"crystal", "kotlinc", "dmd", "ldc2", "fpc", "gfortran", "tcc"}
)


def built_program(words: Sequence[str]) -> tuple[str, str] | None:
    """The program a compiler writes from a source file, and that file: ``(x, x.rs)`` for
    ``rustc x.rs -o x``, ``go build -o x main.go``, ``nim c -o:x x.nim``; None otherwise."""
    if not words or basename(words[0]) not in _COMPILERS:
        return None
    args = list(words[1:])
    source = next((a for a in args if a.endswith((*_SOURCE_FILES, ".c", ".cc", ".cpp"))), None)
    output = next((b for a, b in with_next(args) if a in ("-o", "--output")), None)
    output = output or next(
        (a.partition(":")[2] or a.partition("=")[2] for a in args if a.startswith(_OUT_FLAGS)),
        None,
    )
    if source is None or not output:
        return None
    return output.removeprefix("./"), source.removeprefix("./")


_OUT_FLAGS = ("-o:", "--out:", "-femit-bin=", "--output=")


def printed(producer: Command | None) -> list[str]:
    """What ``echo``, ``printf`` or PowerShell's ``Write-Output`` or a string alone prints
    into a pipe, or ``cat`` its here-document (``cat <<EOF | sh``, ``mysql < <(cat <<EOF
    …)``)."""
    if producer is None:
        return []
    words, _ = unwrap(producer.words)
    name = basename(words[0]) if words else ""
    if name == "printf" and (given := printf_arguments(words[1:])):
        return [printf_output(given)]  # its format filled: printf %s ZHJvcA== | base64 -d
    if name == "echo":
        return [echo_output(words[1:])]  # all it prints: echo rm -rf ~ | sh
    if name == "Write-Output":
        return operands(words[1:])
    if (
        INTERPRETER.fullmatch(name)
        and (code := code_of(words))
        and (said := _PRINTS.fullmatch(code))
    ):
        return [said[2]]  # python3 -c "print('DROP TABLE t;')" | sqlite3 app.db
    if name in AWKS and (begins := _AWK_BEGIN_PRINTS.fullmatch(_awk_program(words[1:]))):
        return ["\n".join(map(_awk_printed, _AWK_PRINT.findall(begins[1])))]
    if len(words) == 1 and any(c.isspace() for c in words[0]):
        return list(words)  # a string alone: PowerShell prints it ('DROP TABLE t;' | psql)
    if len(words) > 1 and words[0].endswith(",") and any(c.isspace() for c in words[0]):
        # PowerShell's array of strings prints an item a line: "select disk 1", "clean" | …
        return [word.removesuffix(",") for word in words if word != ","]
    if words and basename(words[0]) == "yes":  # its operands, or `y`, again and again
        return [" ".join(words[1:]) or "y"]
    if words and basename(words[0]) == "cat" and operands(words[1:]) in ([], ["-"]):
        return [producer.heredoc] if producer.heredoc else []
    return []


@dataclass(frozen=True, slots=True)
class FedScript:
    """A shell's script that a feeder (``xargs``, ``parallel``) runs for each item of its
    input: ``item`` is the string the item replaces in it (``xargs -I{}``; parallel's
    ``{}``), or empty when the item is the script's argument (``$1``, ``$@``)."""

    script: str
    item: str

    def run(self, values: Sequence[str]) -> list[str]:
        """The lines the script runs for ``values``."""
        if self.item:
            return [self.script.replace(self.item, value) for value in values]
        return [called(self.script, [value]) for value in values]


def fed_script(words: Sequence[str]) -> FedScript | None:
    """The script a shell runs for each item a feeder gives it (``… | xargs -I{} sh -c 'rm
    -rf "{}"'``, ``… | xargs sh -c 'rm -rf "$@"' _``), or None."""
    at = next((i for i, word in enumerate(words) if basename(word) in FEEDERS), None)
    if at is None:
        return None
    inner, _ = unwrap(words[at:])
    if (script := shell_script(inner)) is None:
        return None
    options = words[at + 1 : len(words) - len(inner)]
    item = replaced_item(options, "{}" if basename(words[at]) == "parallel" else "")
    return FedScript(script, item)


def _with_value(word: str, name: str, value: str) -> str:
    """``word`` with the variable ``name`` (``$name``, ``${name}``; the whole name) as
    ``value``, its text as it is."""
    spelt = re.compile(r"\$(?:\{" + re.escape(name) + r"\}|" + re.escape(name) + r"(?!\w))")
    return spelt.sub(value.replace("\\", "\\\\"), word)


def command_settings(words: Sequence[str]) -> list[str]:
    """The variables a command sets for its program: before it (``A=1 sh -c …``) and given
    to ``env`` or another program that runs it (``env -i A=1 sh -c …``, ``command env A=1
    …``, ``sudo A=1 …``)."""
    ahead = len(list(takewhile(ASSIGNMENT.fullmatch, words)))
    # (Among the wrappers' words, their options too: -i, -u NAME, --unset=NAME, then A=1.)
    return [word for word in words[: after_wrappers(words, ahead)] if ASSIGNMENT.fullmatch(word)]


_CODE_OPTIONS = frozenset({"-c", "-e", "-m"})  # an interpreter's own code or module to run
_PROPERTY = re.compile(r"\.[A-Za-z_]")  # a value's property, as PowerShell reads one
# What a download printed, as a substitution's output in a variable reads (`C=$(curl …)`).
_FETCHED_TEXT = re.compile("|".join(re.escape(unknown_output(f)) for f in sorted(FETCHERS)))
# A value that is a download's substitution whole, as written in quotes (`C="$(curl -fsSL
# URL)"` keeps its text): what the variable holds is what the download printed.
_FETCHED_WHOLE = re.compile(
    r"\s*\$\(\s*(?:" + "|".join(map(re.escape, sorted(FETCHERS))) + r")\s[^()`]*\)\s*"
)


def runs_fetched_text(words: Sequence[str]) -> bool:
    """Whether a shell, ``eval`` or ``source`` runs as its script what a download printed,
    held in a variable (``C=$(curl -fsSL URL); bash -c "$C"``, ``eval "$C"``), or the
    download's text is the command itself (``bash -c '$(curl -fsSL URL)'``)."""
    if not any("…)" in word or "$(" in word for word in words):
        return False
    if (fetched := _FETCHED_TEXT.match(words[0])) and not _PROPERTY.match(words[0], fetched.end()):
        return True  # (not PowerShell's property of it: $r = Invoke-RestMethod …; $r.tag_name)
    script = shell_script(words)
    if script is None and basename(words[0]) in _SOURCES:
        script = " ".join(words[1:])
    if script is None:
        return False
    # (or the script is the download's substitution whole: C="$(curl -fsSL URL)"; eval "$C")
    return _FETCHED_TEXT.search(script) is not None or bool(_FETCHED_WHOLE.fullmatch(script))


def has_script(words: Sequence[str]) -> bool:
    """Whether a shell or interpreter runs a script or code of its own rather than stdin."""
    args = words[1:]
    if basename(words[0]) in _SCHEDULERS:
        return "-f" in args  # at -f job.sh now
    if basename(words[0]) in SHELLS:  # a shell's -e, -E, -r, -m are no code (bash -e: errexit)
        if _runs_option(args):
            return True
        if "-s" in args:
            return False  # bash -s -- --yes: the script is stdin, the rest its arguments
    elif any(a in _CODE_OPTIONS or a in ("-E", "-r", "--eval", "--command") for a in args):
        return True
    given = operands(args)  # the first names the script: stdin's own names read stdin
    return bool(given) and given[0] not in STDIN


def powershell_reads_input(words: Sequence[str], unwrapped: Sequence[str]) -> bool:
    """Whether ``words`` (``unwrapped``: what they run, through their wrappers) start
    PowerShell with no command of its own, or ``-Command -``: it then runs what is piped
    into it."""
    return unwrapped in ([], ["-"]) and any(basename(w).lower() in POWERSHELLS for w in words[:4])


# An awk program that runs each line it reads as a command: system($0), print | "sh".
_AWK_RUNS_LINES = re.compile(
    r"\bsystem\s*\(\s*\$\w+\s*\)|\bprint(?:\s+\$\w+)?\s*\|\s*\"(?:ba|da|z)?sh\""
)


def runs_download(commands: Sequence[Command]) -> bool:
    """Whether a line runs what it downloads: ``curl … | sh``, ``bash <(curl …)``, ``sh -c
    "$(curl …)"``."""
    # Whether the output of curl or wget flows into the next command, at each level of
    # substitution: a substitution among a command's words is read before the command, a
    # pipeline of its own (`curl … | sh -s -- $(go env GOPATH)`: the download reaches sh).
    flowing: dict[int, bool] = {}
    grouped: bool | None = None  # in a group (`( … )`, `{ …; }`): whether any of it downloads
    for at, command in enumerate(commands):
        level = command.level
        opens = command.after in ("$(", "`", "<(")
        downloading = not opens and flowing.get(level, False)
        for deeper in [at for at in flowing if at > level]:
            del flowing[deeper]  # the substitutions before this command are over
        if command.after == "(" or command.words[:1] == ("{",):
            grouped = False
        # (PowerShell's member of a group's output closes it too: `(iwr URL).Content | pwsh -`)
        closes = command.after == ")" and (not command.words or command.words[0][:1] == ".")
        if closes or command.words == ("}",):
            # The group's output is all its commands': (curl … || wget -qO- …) | sh
            flowing[level], grouped = bool(grouped) or flowing.get(level, False), None
            continue
        words, _ = unwrap(command.words[1:] if command.words[:1] == ("{",) else command.words)
        name = basename(words[0]) if words else ""
        runner = name in SHELLS or name in _SOURCES or bool(INTERPRETER.fullmatch(name))
        if not runner and words in ([], ["-"]):  # … | pwsh -Command -
            runner = powershell_reads_input(command.words, words)
        runner = runner and not _checks_syntax(words)
        if command.after == "|" and downloading and runner and not has_script(words):
            return True  # curl … | sh, curl … | python3 -
        if (
            command.after == "|"
            and downloading
            and name in AWKS
            and _AWK_RUNS_LINES.search(" ".join(words[1:]))
        ):
            return True  # curl … | awk '{ system($0) }': each line downloaded, run
        if (
            name in FETCHERS
            and (
                command.feeds in SHELLS
                or command.feeds in _SOURCES
                or INTERPRETER.fullmatch(command.feeds)
            )
            and not _checks_syntax(_outer_words(commands, at))
        ):
            return True  # bash <(curl …), sh -c "$(curl …)", eval "$(curl …)"
        flowing[level] = name in FETCHERS or (downloading and command.after == "|")
        if grouped is not None and name in FETCHERS:
            grouped = True
    return False


def _plainly(line: str, commands: Sequence[Command]) -> str:
    """``line``, and after it, when a program in it may be spelt with quotes, a backslash or
    its folder (``"kubectl" get ns``, ``\\aws s3api …``, ``/usr/bin/helm ls``), its commands'
    words as plain text: what a listing is read in (``kubectl get``, ``helm ls``)."""
    if not commands or not any(mark in line for mark in _SPELT):
        return line
    plain = (" ".join((basename(c.words[0]), *c.words[1:])) for c in commands if c.words)
    return "\n;".join((line, *plain))  # (each its own command, as the patterns read it)


_SPELT = ("'", '"', "\\", "/")


def _lists_every_object(line: str) -> bool:
    """Whether a command of ``line`` lists every object of a bucket: ``aws s3api
    list-objects-v2 --bucket b``, ``aws s3 ls s3://b --recursive``, ``gsutil ls gs://b/**``,
    ``gcloud storage ls gs://b``, PowerShell's ``Get-S3Object -BucketName b``; not one folder
    of it (``s3://b/tmp/``, ``-KeyPrefix tmp/``)."""
    for segment in re.split(r"[|;&\n]", line):
        words = [w.lstrip("<$(`").strip("'\")`") for w in segment.split()]  # (<(…), $(…))
        for at, word in enumerate(words):
            after = words[at + 1 : at + 3]
            if word == "aws" and after[:1] == ["s3api"] and after[1:2] in _LIST_OBJECTS:
                return True
            named = words[at + 2 : at + _COMMAND_WORDS]  # its options and operands
            s3 = word == "aws" and after == ["s3", "ls"] and "--recursive" in named
            if s3 and any(_whole_bucket(w, ("",)) for w in named):
                return True
            # az storage blob list -c logs (without --prefix, which the line's check reads)
            if word == "az" and words[at + 1 : at + 4] == ["storage", "blob", "list"]:
                return True
            gcloud = word == "gcloud" and after == ["storage", "ls"]
            if (gcloud or (word == "gsutil" and after[:1] == ["ls"])) and any(
                _whole_bucket(w, ("", "**")) for w in named
            ):
                return True
            # PowerShell's: Get-S3Object -BucketName b (not narrowed by -KeyPrefix, -Key).
            if word.lower() in _OBJECT_LISTINGS and not any(
                w.lower() in _NARROWING_OPTIONS for w in words[at + 1 : at + _COMMAND_WORDS]
            ):
                return True
    return False


_LIST_OBJECTS = (["list-objects"], ["list-objects-v2"])
_OBJECT_LISTINGS = frozenset({"get-s3object", "get-gcsobject", "get-azstorageblob"})
_NARROWING_OPTIONS = OBJECT_NAMING | {"-keyprefix", "-prefix"}
_COMMAND_WORDS = 24


def _whole_bucket(word: str, paths: tuple[str, ...]) -> bool:
    """Whether ``word`` names a whole bucket (``s3://b``, ``gs://b/**``)."""
    scheme, sep, rest = word.partition("://")
    return bool(sep) and scheme in ("s3", "gs") and rest.partition("/")[2] in paths


# The tokens that decide what of a line is text: escapes, quoted strings, here-documents, and
# the operators that start a command.
_TOKENS = r"""\\.|"(?:[^"\\]|\\.)*"|'[^']*'|[;&|\n(){}]"""
_HERE_DOCUMENT = r"|<<-?[ \t]*(['\"]?)([\w.-]+)\1[^\n]*\n.*?\n[ \t]*\2[ \t]*(?=\n|$)"
_TEXT_TOKENS = re.compile(_TOKENS, re.DOTALL)
_TEXT_TOKENS_AND_DOCUMENTS = re.compile(_TOKENS + _HERE_DOCUMENT, re.DOTALL)
_HERE_DOCUMENTS = 16  # a line's here-documents looked for, at most (each is a search to its end)
# What a program's name may be spelt with: "echo", 'echo', $'echo', \echo.
_UNQUOTING = re.compile(r"\$(?=')|[\"'\\]")


def _runs_option(words: Sequence[str]) -> bool:
    """Whether ``words`` hold a shell's option whose value is its script (``-c``, ``-lc``)."""
    return any(COMMAND_OPTION.fullmatch(word) for word in words)


def own_code(line: str, scripts_apart: bool = False) -> str:
    """``line`` with what it gives its programs as text left out, as the parser reads it:
    the quoted arguments of a program that takes text (``git commit -m '…'``, ``echo '…'``:
    :data:`TEXT_PROGRAMS`, its name quoted too: ``"echo" '…'``), and here-documents that no
    shell reads (``cat > f <<'EOF'``). ``scripts_apart``: the scripts the rules read as lines
    of their own are left out too (``bash -c '…'``, ``eval '…'``, ``bash <<< '…'``,
    ``bash <<'EOF'``), whose own code is theirs."""
    few = line.count("<<") <= _HERE_DOCUMENTS
    tokens = _TEXT_TOKENS_AND_DOCUMENTS if few and "<<" in line else _TEXT_TOKENS
    pieces: list[str] = []
    kept = command = 0  # what is kept up to, where the command starts
    for token in tokens.finditer(line):
        first = token.group()[0]
        if first == "\\":
            continue
        if first not in "'\"<":  # an operator: a command starts after it
            command = token.end()
            continue
        words = [_UNQUOTING.sub("", w) for w in line[command : token.start()].split()]
        runs = program(words)
        # (Not one whose substitutions this shell makes: bash -c "$(echo ':(){ :|:& };:')".)
        expanded = first == '"' and ("$(" in token.group() or "`" in token.group())
        script = (
            scripts_apart
            and not expanded
            and (
                runs == "eval"
                or (runs in SHELLS and (first == "<" or "<<<" in words or _runs_option(words)))
            )
        )
        if script or ((runs in TEXT_PROGRAMS) if first != "<" else (runs not in RUNS_STDIN)):
            pieces += (line[kept : token.start()], "''")
            kept = token.end()
    return "".join(pieces) + line[kept:] if pieces else line


_PREFIX_WORDS = 4  # where a renamed program may stand: after `sudo -E`, `env A=1`, …
_POSITION = re.compile(r"\$(?:\{([1-9])\}|([1-9]))")
# ${x:-t}, ${x-t}, ${x:=t}; a default naming another variable too: ${TURBO_CACHE:-$HOME}
_DEFAULT = re.compile(r"\$\{([A-Za-z_]\w*):?[-=]((?:[^}$]|\$\w+)*)\}")
# A variable named anywhere in a word, inside another's form too (`${d%$s}`, `${d%${s}}`).
_INNER_NAME = re.compile(r"\$(?:\{[~=^]{0,2})?([A-Za-z_]\w*)")
# A variable's form with an operator: `${!x}`, `${a[1]}`, `${x:1:2}`, `${x/a/r}`, `${x^^}`,
# `${x%/tmp}`, `${x:?}`; zsh's flags before the name (`${~x}`: its value globbed, `${=x}`
# split) leave the value as it is.
_FORM = re.compile(
    r"\$\{(!?)(?:[~=^]{1,2}(?=[A-Za-z_]))?([A-Za-z_]\w*)(?:\[(\w+|[@*])\])?"
    r"(?:(:-|:=|:\?|-|=|\?|:|//|/|\^\^|,,|%%|%|##|#)([^}]*))?\}"
)


def _replaced(word: str, spellings: Sequence[str], value: str) -> str:
    """``word`` with each spelling of a variable (its array forms first) as ``value``."""
    for spelling in reversed(spellings):
        word = word.replace(spelling, value)
    return word
