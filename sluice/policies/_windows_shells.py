"""cmd's and PowerShell's constructs that the rules read as the POSIX shell's they match,
so that a Windows session's line is judged as the same act spelled for bash::

    >>> posix_spelling("$env:RAILS_ENV='production'; rails db:drop")
    "export RAILS_ENV='production'; rails db:drop"
    >>> posix_spelling("for /f %i in ('kubectl get ns -o name') do kubectl delete %i")
    'for i in $(kubectl get ns -o name); do kubectl delete $i; done'

They are an environment variable set (``$env:NAME = value``), a variable given what a
command prints (``$t = gcloud auth print-access-token``, read as ``t=$(…)``) or a string
(``$d = "$env:USERPROFILE\\"``, read as ``d="…"``), a hashtable splatted as a command's
options (``Remove-S3Bucket @p``, read as the options written out), cmd's ``for /f … in
('command') do …`` over what a command prints, cmd's endless ``for /l %i in (0,0,1) do
start …`` (a step of 0: a process started each turn, not waited for), .NET's
``[IO.Directory]::Delete(path, $true)``, icacls' rights (``Everyone:(OI)(CI)F``, one
word, not a subshell), a call of a name built from pieces (``& ("Remove"+"-Item")``) and a
script given as ``-EncodedCommand``. Everything here is one pass over the line.
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
from itertools import pairwise

from sluice.policies._folding import folded
from sluice.policies._prefixes import POWERSHELLS
from sluice.policies._shell import Prefiltered, after_wrappers, basename, stated

__all__ = ["cmd_unescaped", "encoded_script", "posix_spelling"]

# How PowerShell's -EncodedCommand may be spelt: `-e`, `-ec`, `-enc…`, in full.
_ENCODED_OPTION = r"-e(?:c|nc\w*|ncodedcommand)?"

# What a Windows construct needs: one search rules most lines out at once.
_MAYBE = Prefiltered(
    re.compile(
        r"(?i)\$\w+(?::\w+)?\s*=|\bfor\s+(?:/[fldr]\b|%)|Directory\]::Delete|\bicacls\b"
        r"|&\s*\(\s*['\"]|\s" + _ENCODED_OPTION + r"\s"
    ),
    ("$", "for", "]::", "icacls", "(", "-e"),  # (`&(…` has a parenthesis)
)
# A line cmd runs: `cmd /c …`, or one naming its variables (`%USERPROFILE%`; not a date's
# `%Y%`). cmd's escape is the caret: `^x` is `x` (`r^d` is `rd`), `^^` a caret.
_CMD_LINE = re.compile(r"(?i)\bcmd(?:\.exe)?\s+/[ck]\b|%[a-z_]\w+%")
_CMD_ESCAPE = re.compile(r"\^(.)")
_ENV_SET = re.compile(r"(?i)(^|[;\n{&|][ \t]*)\$env:(\w+)\s*=\s*")
# A variable given what a command prints: `$t = gcloud auth print-access-token` (a value
# that is a string, a number, a variable or an expression is not a command).
_VARIABLE_SET = re.compile(r"(^|[;\n{][ \t]*)\$(\w+)\s*=\s*([A-Za-z][\w.-]*(?:[ \t][^;\n]*)?)")
# A variable given a string or another variable: `$dir = "$env:USERPROFILE\"`, read as bash's.
_VALUE_SET = re.compile(r"(^|[;\n{][ \t]*)\$(\w+)\s*=\s*(?=[\"'$])")
_FOR_OUTPUT = re.compile(
    r"(?i)\bfor\s+/f\s+(?:\"[^\"\n]*\"\s+)?%%?(\w)\s+in\s+\(\s*'([^'\n]*)'\s*\)\s+do\s+([^\n]+)"
)
# cmd's loop over a set of paths or globs: `for /d %d in (C:\Users\sam\*) do rd /s /q "%d"`
# (`/d`: folders; `/r DIR`: every folder under DIR; no `/f`, whose set is a command's output).
_FOR_ITEMS = re.compile(
    r"(?i)\bfor\s+(?:/d\s+|/r\s+(?:([^\s%]+)\s+)?)?%%?(\w)\s+in\s+\(\s*([^'\s)][^)\n]*)\)"
    r"\s+do\s+([^\n]+)"
)
_FOR_ENDLESS = re.compile(
    r"(?i)\bfor\s+/l\s+%%?(\w)\s+in\s+\(\s*-?\d+\s*,\s*0\s*,\s*-?\d+\s*\)\s+do\s+(start\b[^\n]*)"
)
# PowerShell given its script in base64 of UTF-16: `pwsh -EncodedCommand cgBpACAA…`.
_ENCODED = re.compile(
    rf"(?i)\b((?:pwsh|powershell)(?:\.exe)?\b[^\n;|&]*?\s){_ENCODED_OPTION}\s+"
    r"([A-Za-z0-9+/]{4,}={0,2})"
)
_CALL_OPERATOR = re.compile(r"&\s*\(\s*['\"]")
# cmd's variable set, to the end of its command (`set T=%USERPROFILE%&& …`), and read.
_CMD_SET = re.compile(r'(?i)(^|[&|(\n][ \t]*)set[ \t]+"?([A-Za-z_]\w*)=([^&|\n"]*)"?')
_CMD_VARIABLE = re.compile(r"([%!])(\w+)([%!])")
# PowerShell's cmdlets computing a path, in parentheses, read as the path they give.
_PATH_CMDLET = re.compile(r"(?i)\(\s*(?:Split|Join|Resolve|Convert)-Path\b")
_RESOLVED = re.compile(
    r"(?i)\(\s*(?:Resolve|Convert)-Path\s+(?:-(?:Literal)?Path\s+)?([^\s()]+)\s*\)(?:\.Path)?"
)
_JOINED = re.compile(
    r"(?i)\(\s*Join-Path\s+(?:-Path\s+)?([^\s()]+)\s+(?:-ChildPath\s+)?([^\s()-][^\s()]*)\s*\)"
)
# A here-string: `@'` (literal) or `@"` (expanded), its text on the lines up to `'@`/`"@`.
_HERE_STRING = re.compile(r"@(['\"])[ \t]*\r?\n(.*?)\r?\n[ \t]*\1@", re.S)
# PowerShell's run of a variable's or a string's text, read also as bash's eval (and still
# as itself, which a download held in the variable makes a download run; what a pipe feeds
# it, `iwr … | iex`, is read as such).
_EXPRESSION_RUN = re.compile(
    r"(?i)(^|[;\n{]\s*)((?:Invoke-Expression|iex)\s+(\$\w+|\"[^\"\n]*\"|'[^'\n]*'))"
)
# A function with parameters: `function F($a, $b) {`, `function F { param($a, $b)`.
_PS_FUNCTION = re.compile(
    r"(?i)\bfunction\s+([\w-]+)\s*(?:\(([^()]*)\)\s*\{|\{\s*param\s*\(([^()]*)\))"
)
# PowerShell's parent of a path: `(Split-Path $PWD -Parent)`, `(Split-Path -Parent $d)`.
_PARENT_SPLIT = re.compile(
    r"(?i)\(\s*Split-Path\s+(?:-Path\s+)?([^\s()-][^\s()]*)\s+-Parent\s*\)"
    r"|\(\s*Split-Path\s+-Parent\s+(?:-Path\s+)?([^\s()-][^\s()]*)\s*\)"
)
# PowerShell's strings joined by `+`, and an expression in parentheses that is one string.
_PLUS = re.compile(r"['\"]\s*\+\s*['\"]")
_ONE_STRING = re.compile(r"(?<=[\s=])\(\s*('[^'\n]*'|\"[^\"\n$]*\")\s*\)")
_USER_PROFILE = re.compile(
    r"(?i)\[(?:System\.)?Environment\]::GetFolderPath\(\s*(?:['\"]UserProfile['\"]"
    r"|\[(?:System\.)?Environment\+SpecialFolder\]::UserProfile)\s*\)"
)
# PowerShell's splatting: a hashtable of options (`$p = @{ Key = value; … }`), given to a
# command as `@p`; its entries, `;` or a line apart.
_SPLAT_SET = re.compile(r"\$(\w+)\s*=\s*@\{([^{}]*)\}")
_SPLAT = re.compile(r"(?<![\w@$])@(\w+)\b")
_SPLAT_ENTRY = re.compile(r"([A-Za-z]\w*)\s*=\s*([^;\n]+?)\s*(?:[;\n]|$)")
# icacls' rights, whose parentheses are no subshell: `Everyone:(OI)(CI)F` is one word.
_RIGHTS = re.compile(r"(?<=\s)([^\s'\"():;&|]+:(?:\([A-Za-z,]+\))+[A-Za-z,]*)")
_DIRECTORY_DELETE = re.compile(
    r"(?i)\[(?:System\.)?IO\.Directory\]::Delete\(\s*([^,()]+?)\s*,\s*\$true\s*\)"
)


def posix_spelling(line: str) -> str:
    """``line`` with cmd's and PowerShell's constructs above spelled as bash's (and cmd's
    escapes as what they escape: ``r^d`` is ``rd``); any other line as it is."""
    if "^" in line and _CMD_LINE.search(line):
        line = cmd_unescaped(line)
    if ("%" in line or "!" in line) and "set" in line.lower():  # set T=…&& rd /s /q %T%
        line = _cmd_variables(line)
    if ("-Path" in line or "-path" in line) and _PATH_CMDLET.search(line):  # (Join-Path a b)
        line = _path_expressions(line)
    if "@'" in line or '@"' in line:  # $q = @'<newline>DROP SCHEMA s;<newline>'@
        line = _HERE_STRING.sub(_here_string, line)
    if "iex" in line or "IEX" in line or "xpression" in line:  # Invoke-Expression $s: eval
        line = _EXPRESSION_RUN.sub(r"\1\2; eval \3", line)
    if "unction" in line:  # function Reset-Dir($p) { Remove-Item $p … }; Reset-Dir ~
        line = _PS_FUNCTION.sub(_function_with_parameters, line)
    if "+" in line and _PLUS.search(line):  # terraform ('des'+'troy'), $b = 'ma'+'in'
        line = _ONE_STRING.sub(r"\1", folded(line))
    if _MAYBE.search(line) is None:
        return line
    if "::GetFolderPath" in line:  # [Environment]::GetFolderPath('UserProfile')
        line = _USER_PROFILE.sub('"$HOME"', line)
    line = _ENV_SET.sub(lambda m: f"{m[1]}export {m[2]}=", line)
    line = _VARIABLE_SET.sub(lambda m: f"{m[1]}{m[2]}=$({m[3].rstrip()})", line)
    line = _VALUE_SET.sub(lambda m: f"{m[1]}{m[2]}=", line)
    if "@{" in line:
        line = _splatted(line)
    line = _FOR_OUTPUT.sub(_over_output, line)
    line = _FOR_ITEMS.sub(_over_items, line)
    line = _FOR_ENDLESS.sub(lambda m: f"while true; do {m[2]} & done", line)
    if _CALL_OPERATOR.search(line):  # & ("Remove"+"-Item") …: Remove-Item …
        line = folded(line)
    line = _ENCODED.sub(_decoded_command, line)
    if "icacls" in line.lower():
        line = _RIGHTS.sub(r"'\1'", line)
    return _DIRECTORY_DELETE.sub(lambda m: f"Remove-Item -Recurse -Force {m[1]}", line)


def _path_expressions(line: str) -> str:
    """``line`` with PowerShell's path cmdlets in parentheses read as the paths they give:
    ``(Split-Path P -Parent)`` as ``$(dirname P)``, ``(Resolve-Path P)`` as ``P``, ``(Join-Path
    A B)`` as ``A/B`` (the profile's ``$env:HOMEDRIVE`` and ``$env:HOMEPATH`` as one)."""
    line = _PARENT_SPLIT.sub(lambda m: f'"$(dirname {m[1] or m[2]})"', line)
    line = _RESOLVED.sub(r"\1", line)
    return _JOINED.sub(lambda m: m[1] + ("" if "HOMEPATH" in m[2].upper() else "/") + m[2], line)


def _here_string(found: re.Match[str]) -> str:
    """A here-string as the quoted string it is: literal (``@'…'@``) or expanded."""
    if found[1] == "'":
        return shlex.quote(found[2])
    return '"' + found[2].replace('"', '\\"') + '"'


def _function_with_parameters(found: re.Match[str]) -> str:
    """A PowerShell function's head as bash's, its parameters set from the call's arguments:
    ``function F($p) {`` as ``F() { p="$1";``."""
    names = re.findall(r"\$(\w+)", found[2] or found[3] or "")
    given = "".join(f' {name}="${at}";' for at, name in enumerate(names, 1))
    return f"{found[1]}() {{{given}"


def _cmd_variables(line: str) -> str:
    """``line`` with cmd's variables that it sets (``set T=%USERPROFILE%``, ``set "T=…"``)
    set as bash's, and read as bash's where it reads them (``%T%``, or ``!T!`` with delayed
    expansion, ``cmd /v:on``); any other line as it is."""
    names = {found[2].lower() for found in _CMD_SET.finditer(line)}
    if not names:
        return line
    line = _CMD_SET.sub(lambda m: f'{m[1]}{m[2]}="{m[3].rstrip()}"', line)
    return _CMD_VARIABLE.sub(
        lambda m: f"${{{m[2]}}}" if m[1] == m[3] and m[2].lower() in names else m[0], line
    )


def _splatted(line: str) -> str:
    """``line`` with each hashtable it splats written out as the options it gives:
    ``$p = @{ BucketName = 'b'; DeleteBucketContent = $true }; Remove-S3Bucket @p`` runs
    ``Remove-S3Bucket -BucketName 'b' -DeleteBucketContent``."""
    tables = {found[1].lower(): _options(found[2]) for found in _SPLAT_SET.finditer(line)}
    if not tables:
        return line
    return _SPLAT.sub(lambda found: tables.get(found[1].lower(), found[0]), line)


def _options(entries: str) -> str:
    """A splatted hashtable's entries as options: ``Key = $true`` a switch given, ``Key =
    $false`` one not given, any other value after its option."""
    words = []
    for key, value in _SPLAT_ENTRY.findall(entries):
        if value.lower() != "$false":
            words += [f"-{key}"] if value.lower() == "$true" else [f"-{key}", value]
    return " ".join(words)


def _decoded_command(found: re.Match[str]) -> str:
    """``pwsh -EncodedCommand B64`` as ``pwsh -Command 'SCRIPT'``, the script decoded; as
    it was if it decodes to no text. Inside a single-quoted string (``bash -c 'pwsh -ec
    B64'``), the script is double-quoted instead, its ``$``, ``"``, backquotes and
    backslashes escaped, so that the string stays one."""
    if (script := _utf16(found[2])) is None:
        return found[0]
    if found.string.count("'", 0, found.start()) % 2:
        return found[1] + '-Command "' + _DOUBLE_QUOTED.sub(r"\\\g<0>", script) + '"'
    return found[1] + "-Command " + shlex.quote(script)


_DOUBLE_QUOTED = re.compile(r'[$"`\\]')  # what a backslash escapes in double quotes
_ENCODED_OPTION_WORD = re.compile("(?i)" + _ENCODED_OPTION)


def encoded_script(words: tuple[str, ...]) -> str | None:
    """The script PowerShell run by ``words`` (behind ``sudo`` and the like too) is given as
    ``-EncodedCommand`` (base64 of UTF-16), decoded; for a program the line's text does not
    spell plainly (``p""wsh -ec …``, ``'pwsh' -ec …``), which :func:`posix_spelling` cannot
    find. None for any other command."""
    given = stated(words)
    at = after_wrappers(given, keep=POWERSHELLS)
    if at == len(given) or basename(given[at]).lower() not in POWERSHELLS:
        return None
    for option, value in pairwise(given[at + 1 :]):
        if _ENCODED_OPTION_WORD.fullmatch(option):
            return _utf16(value)
    return None


def _utf16(encoded: str) -> str | None:
    """The script an -EncodedCommand gives: base64 of UTF-16 (None if it is not)."""
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-16-le")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _over_output(found: re.Match[str]) -> str:
    """``for /f %i in ('cmd') do body %i`` as ``for i in $(cmd); do body $i; done``."""
    name, command, body = found[1], found[2], found[3]
    body = re.sub(rf"%%?{re.escape(name)}\b", f"${name}", body)
    return f"for {name} in $({command}); do {body}; done"


def _over_items(found: re.Match[str]) -> str:
    """``for /d %d in (SET) do body %d`` as ``for d in SET; do body $d; done`` (``/r DIR``:
    each item under DIR, at any depth)."""
    under, name, items, body = found[1], found[2], found[3].split(), found[4]
    if under is not None:
        items = [f"{under.rstrip('/')}/**/{item}" for item in items]
    body = re.sub(rf"%%?{re.escape(name)}\b", f"${name}", body)
    return f"for {name} in {' '.join(items)}; do {body}; done"


def cmd_unescaped(script: str) -> str:
    """A script cmd runs, its ``^`` escapes read as cmd reads them (``r^d`` is ``rd``,
    ``^^`` a caret)."""
    return _CMD_ESCAPE.sub(r"\1", script)
