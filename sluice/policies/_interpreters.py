"""What an interpreter's one-liner does (``python -c``, ``node -e``, ``perl -e``, ``ruby -e``,
``php -r``, ``lua -e``, ``deno eval``, ``bun -e``, ``Rscript -e``, ``elixir -e``, ``julia
-e``, ``groovy -e``, ``ghc -e``, ``erl -eval``, ``sbt 'eval …'``, ``dotnet script eval``, a
source file a runner compiles or interprets: ``go run``, ``swift``, ``kotlinc -script``, …):
the rules read its code, in whichever language, for the acts a shell command would show.

:func:`code_of` finds the code in a command's words; :func:`read_code` tells what it does:
whether it deletes the filesystem's root or a home folder (``shutil.rmtree``,
``os.remove``, ``Path.unlink``, ``fs.rmSync``, ``FileUtils.rm_rf``, ``File.delete``, perl's
``rmtree``, ...: a deletion call, and the root or the home folder named bare: ``'/'``,
``os.path.expanduser('~')``, ``Path.home()``, ``os.homedir()``, ``process.env.HOME``,
``$ENV{HOME}``, ``Dir.home``, or listed: ``os.listdir(...)``, ``Path.home().iterdir()``),
sends a credential file to the network, writes one, and the shell command lines it runs
(``os.system``, ``subprocess``, ``execSync``, ``os.execute``, backquotes: the literals given
to such a call or to the names it uses; a literal elsewhere is data), the home folder
joined into them (``"rm -rf " + os.getenv("HOME")``, ``.``, ``..``, ``${…}``, ``#{…}``), and
the SQL a database driver sends (``cursor.execute("DROP TABLE t")``). It is a reading of
the text, not an evaluation: code that builds its paths at run time is not seen. Linear in
the code's length.
"""

from __future__ import annotations

import re
import shlex
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from sluice.policies._folding import folded
from sluice.policies._infra import drops_in_sql, names_other_host
from sluice.policies._shell import Prefiltered, basename, quoted_text, with_next
from sluice.policies._targets import DISK_DEVICE, is_credential, is_secret, resolve, vital

__all__ = [
    "POWERSHELL_RUNS_TEXT",
    "Reading",
    "code_of",
    "read_code",
    "runs_fetched",
    "saved_downloads",
    "sends_input",
    "spawns_forever",
]

_CODE_FLAGS = {
    "python": ("-c",),
    "node": ("-e", "--eval", "-p", "--print"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "tsx": ("-e", "--eval", "-p", "--print"),  # TypeScript's runners, node's flags
    "ts-node": ("-e", "--eval", "-p", "--print"),
    # The JVM's, the BEAM's, Julia's, Haskell's, Lisps': their one-liners.
    "elixir": ("-e", "--eval"),
    "julia": ("-e", "--eval", "-E", "--print"),
    "groovy": ("-e",),
    "ghc": ("-e",),
    "erl": ("-eval",),
    "scala-cli": ("-e", "--execute-scala", "--scala-snippet"),
    "scala": ("-e",),
    "racket": ("-e", "--eval"),
    "guile": ("-c",),
    "clojure": ("-e", "-M", "--eval"),
    "bb": ("-e", "--eval"),
    "kotlin": ("-e", "-expression"),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "php": ("-r",),
    "lua": ("-e",),
    "Rscript": ("-e", "--expr"),
    "R": ("-e",),
    "osascript": ("-e",),  # AppleScript's, JXA's (`-l JavaScript`)
}
_VERSIONED = re.compile(r"(python|pypy|perl|ruby|php|node|lua)[0-9.]*|nodejs|luajit")
# The interpreter whose flags another one takes (Windows' py is Python's launcher).
_FAMILIES = {"pypy": "python", "py": "python", "nodejs": "node", "luajit": "lua"}

_Q = r"""['"]"""
# The home folder's variable: HOME, or Windows' USERPROFILE.
_HOME_VARIABLE = "(?:HOME|USERPROFILE)"
_HOME = re.compile(
    r"(?:\b\w+\.){0,3}(?:expanduser\(\s*" + _Q + r"~/?" + _Q + r"\s*\)"
    r"|(?:pathlib\.)?Path\.home\(\)|Path\(\s*" + _Q + r"~/?" + _Q + r"\s*\)\.expanduser\(\)"
    r"|(?:\bos|require\(\s*" + _Q + r"(?:node:)?os" + _Q + r"\s*\))\.homedir\(\)|\bhomedir\(\)"
    r"|environ\[\s*" + _Q + _HOME_VARIABLE + _Q + r"\s*\]"
    r"|(?:os\.environ\.get|os\.getenv|getenv|ENV\.fetch|Deno\.env\.get)\(\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\)|process\.env(?:\.(?:HOME|USERPROFILE)\b|\[\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\])"
    r"|os\.(?:Getenv\(\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\)|UserHomeDir\(\))|\bpath\.expand\(\s*"
    + _Q
    + "~"
    + _Q
    + r"\s*\)"
    r"|\$_SERVER\[\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\]|\$ENV\{\s*['\"]?HOME['\"]?\s*\}|ENV\[\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\]|\bDir\.home\b"
    r"|File\.expand_path\(\s*" + _Q + r"~/?" + _Q + r"\s*\)"
    # The JVM's, Rust's, Elixir's and Zig's: build files run by gradle, sbt, cargo, mix, zig.
    r"|System\.(?:getProperty\(\s*"
    + _Q
    + r"user\.home"
    + _Q
    + r"\s*\)|getenv\(\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\)|user_home!?(?:\(\))?)"
    r"|(?:std::)?env::var(?:_os)?\(\s*\"HOME\"\s*\)(?:\.unwrap\(\)|\?)?"
    r"|\bhome_dir\(\)(?:\.unwrap\(\))?|getEnvVarOwned\([^)]{0,40}\"HOME\"\s*\)"
    # Apple's Foundation (Swift, Objective-C, JXA's `$.NSHomeDirectory()`).
    r"|\bNSHomeDirectory\(\)|\bhomeDirectoryForCurrentUser(?:\.path)?)"
)
_HOME_MARK = "\x01"


class _Gated:
    """A regular expression for other languages' spellings, searched only in code that holds
    one of its ``keys``: a test of a few substrings costs far less than a long alternation
    tried at every character, and most code is Python's or JavaScript's."""

    __slots__ = ("_keys", "pattern")

    def __init__(self, keys: tuple[str, ...], pattern: str) -> None:
        self._keys = keys
        self.pattern = re.compile(pattern)

    def search(self, code: str) -> re.Match[str] | None:
        return self.pattern.search(code) if any(k in code for k in self._keys) else None

    def sub(self, replacement: str, code: str) -> str:
        return self.pattern.sub(replacement, code) if any(k in code for k in self._keys) else code


# The home folder as Swift, .NET, Scala, Nim, Haskell and Dart spell it, and the user
# database's entry for the user (Perl's `(getpwuid $<)[7]`, Python's `pwd.getpwuid(…).pw_dir`).
_OTHER_HOMES = _Gated(
    (
        "Home",
        "homeDirectory",
        "SpecialFolder",
        "GetEnvironmentVariable",
        "os.home",
        "sys.props",
        "Platform.",
        "getpwuid",
    ),
    r"\(\s*getpwuid\s*\(?\s*\$[<>]\s*\)?\s*\)\s*\[\s*7\s*\]"
    r"|(?:\bpwd\.)?getpwuid\(\s*(?:os\.get(?:e?uid)\(\)|\d+)\s*\)(?:\.pw_dir|\[\s*5\s*\])"
    r"|posix_getpwuid\(\s*posix_gete?uid\(\)\s*\)\[\s*" + _Q + r"dir" + _Q + r"\s*\]"
    r"|NSHomeDirectory\(\)|(?:FileManager\.default\.)?homeDirectoryForCurrentUser(?:\.path)?"
    r"|(?:System\.)?Environment\.GetFolderPath\(\s*(?:System\.)?Environment\.SpecialFolder"
    r"\.(?:UserProfile|Personal)\s*\)|(?:System\.)?Environment\.GetEnvironmentVariable\(\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\)|\bos\.home\b|\bgetHomeDir\(\)|\b(?:System\.Directory\.)?getHomeDirectory\b"
    r"|\bsys\.props\(\s*\"user\.home\"\s*\)|\bPlatform\.environment\[\s*"
    + _Q
    + _HOME_VARIABLE
    + _Q
    + r"\s*\]",
)
# Deletions as the JVM, Swift, Erlang, Nim, Haskell, Groovy, Dart, Scala and Julia spell them.
_OTHER_DELETES = _Gated(
    ("delete", "remove", "Remove", "del_dir_r", "recursive"),
    r"\bdelete\(\s*(?=System\.|file\(|project\.|\x01|" + _Q + r")"
    r"|deleteRecursively|removeItem\(|\bdel_dir_r\b|\bremoveDir\(|removeDirectoryRecursive"
    r"|\bdeleteDir\(|deleteSync\(|\.remove\.all\(|FileUtils\.deleteDirectory"
    r"|(?<![\w.])rm\([^)\n]{0,200}recursive\s*=\s*true",
)
# HTTP and sockets as Go, Rust, the JVM, .NET, Swift, Elixir, Julia and R spell them.
_OTHER_NETWORK = _Gated(
    ("ost", "OST", "Tcp", "Udp", "Dial", "URLSession", "Http", "upload", "Req.", "HTTP", "httr"),
    r"(?i:\.post!?\()|::POST\(|TcpStream|TcpClient|UdpClient|\bnet\.Dial|URLSession"
    r"|HttpClient|HttpRequest|PostAsync|uploadTask|\bReq\.|HTTPoison|:httpc|\bHTTP\.|\bhttr::",
)
# The whole environment as Go, Rust, the JVM, Elixir, Bun, .NET and Dart give it.
_OTHER_ENVIRONMENT = _Gated(
    ("Environ", "env::vars", "getenv", "get_env", "Bun.env", "Platform.environment"),
    r"\bos\.Environ\(\)|\benv::vars(?:_os)?\(\)|System\.getenv\(\s*\)|System\.get_env\(\s*\)"
    r"|\bBun\.env\b(?!\.|\[)|Environment\.GetEnvironmentVariables\(\)"
    r"|\bPlatform\.environment\b(?!\[)",
)
# A driver's call named in another language's way: R's dbExecute, .NET's NpgsqlCommand(…).
_OTHER_SQL_CALL = _Gated(
    ("Execute", "Query", "Command"),
    r"\w*(?:Execute|Query|Command)\w*\s*\(\s*(?:\w+\s*,\s*)?[fbruFBRU]{0,2}$",
)
# The home folder joined with literal parts, as one path: `Path.home() / '.aws' / 'x'`,
# `os.path.join(home, '.ssh', 'id_rsa')` (read as the literal `'~/.aws/x'`).
_HOME_JOINED = re.compile(
    r"(?:os\.path\.join\(\s*\x01((?:\s*,\s*" + _Q + r"[^'\"\n]{1,80}" + _Q + r")+)\s*\)"
    r"|\x01((?:\s*/\s*" + _Q + r"[^'\"\n]{1,80}" + _Q + r")+)"
    # pathlib's Path.home().joinpath(".ssh", "id_rsa")
    r"|\x01\.joinpath\(((?:\s*,?\s*" + _Q + r"[^'\"\n]{1,80}" + _Q + r")+)\s*\))"
)
_PART = re.compile(_Q + r"([^'\"\n]{1,80})" + _Q)


# A path made absolute from `~`: read as the literal it expands.
_EXPANDED = re.compile(
    r"(?:os\.path\.)?expanduser\(\s*(" + _Q + r"[^'\"\n]{1,200}" + _Q + r")\s*\)"
    r"|(?:pathlib\.)?Path\(\s*(" + _Q + r"[^'\"\n]{1,200}" + _Q + r")\s*\)\.expanduser\(\)"
)


def _joined_home(found: re.Match[str]) -> str:
    return repr("/".join(["~", *_PART.findall(found[1] or found[2] or found[3])]))


# Between two words of one command given as a list or as arguments: `, `, `, [`, `).arg(`.
_NEXT_WORD = re.compile(r"\s*(?:,|\)\s*\.args?\()\s*\[?\s*")  # Rust's `.arg("x")`, `.args([…])`
# A string literal: quoted (its escapes kept, undone by `quoted_text`), or perl's `q{…}`/`qq(…)`
# and ruby's `%q(…)`/`%(…)`/`%x{…}`, which quote with brackets.
_LITERAL = re.compile(
    r"""'((?:[^'\\\n]|\\.){0,400})'|"((?:[^"\\\n]|\\.){0,400})"|`([^`\\\n]{0,400})`"""
    r"|(?<![\w$])(?:qq?|%[qQx]?)"
    r"(?:\{([^{}\n]{0,400})\}|\(([^()\n]{0,400})\)|\[([^\[\]\n]{0,400})\])"
)


_DELETES = re.compile(
    r"rmtree|rmSync|rmdirSync|unlinkSync|\brm_rf\b|\brm_r\b|remove_tree|remove_entry"
    r"|removeSync|emptyDirSync|rimraf|\b(?:os|path)\.(?:remove|unlink|rmdir|removedirs)\b"
    r"|\.rm\(|\bremove_dir\b|\bremove_entry_secure\b|(?:fse|fsExtra|fs)\.(?:remove|emptyDir)\("
    r"|\.unlink\(|\.rmdir\(|\bos\.RemoveAll\b|\bunlink\(|\bDeno\.removeSync\b|\bfs(?:\.promises)?\.rm\(|\bfsp?\.rm\(|\bFile\.(?:delete|unlink)\b"
    r"|\bDir\.(?:rmdir|delete|unlink)\b|\bDeno\.remove\b|\bunlink\b|send2trash"
    r"|" + _Q + r"rm" + _Q + r"\s*,"
    # Rust's, Zig's, gulp's `del`, SCons' `Delete`, Gradle's `delete …`.
    r"|\bremove_dir_all\b|\bdeleteTree(?:Absolute)?\b|\bdel(?:Sync)?\(\s*\[|\bDelete\("
    # Foundation's FileManager: Swift's `removeItem(atPath:`, Objective-C's and JXA's
    # `removeItemAtPathError`.
    r"|\bremoveItem(?:\(at(?:Path)?:|AtPath|AtURL)"
    r"|\bdelete\s+(?=System\.|file\(|project\.|\x01|" + _Q + r")"
)
# What lists a folder's entries (to delete each): its argument counts as everything in it.
_LISTS = re.compile(
    r"(?:listdir|scandir|walk|readdirSync|readdir|Dir\.(?:children|entries|glob|each_child))"
    r"\(\s*$"
)
_NOT_A_PATH = re.compile(
    r"(?:join|split|rsplit|strip|rstrip|lstrip|startswith|endswith|replace|find|index|count"
    r"|partition|rpartition|sep\s*=|==|!=|\bin)\s*\(?\s*$"
)
_SPAWNS = re.compile(
    r"\bsystem\(|subprocess|[pP]open|\bexec(?:Sync)?\(|\bspawn(?:Sync)?\(|child_process"
    r"|%x|\bqx|Open3|shell_exec|passthru|proc_open|\bexecFileSync|\bcheck_output|\bcall\("
    r"|\bos\.execute\b|io\.popen|exec\.Command|Bun\.spawn|\$`|Deno\.(?:run|Command)|\bsystem2?\("
    r"|\b(?:system|exec)\s+(?:qq?\b|['\"])"  # perl's `system q{…}`, `exec "…"`
    # Build files' own: Rust's and the JVM's process builders, Gradle's `commandLine`, Groovy's
    # and Scala's `"…".execute()`/`.!`, Elixir's `System.cmd`, Zig's `addSystemCommand`, a
    # task runner's `c.run("…")` (invoke, fabric, nox's session: any `.run("…")` of a literal),
    # rake's `sh '…'`, Tilt's
    # and fabric's `local("…")`, SCons' `Execute(…)`.
    r"|Command::new|\bcommandLine\b|ProcessBuilder|getRuntime\(\)\.exec|\.execute\(\)"
    r"|\.!!?(?!\w|=)|System\.cmd\(|addSystemCommand|\b(?:c|ctx|context|session)\.run\("
    r"|\.run\(\s*['\"]|\bsh\s*\(?\s*['\"]|\blocal\(|\bExecute\("
    r"|\bsh\.(?:Run|RunV|Exec|Output)\("  # mage's
    r"|\bos\.(?:exec|spawn)[lv]p?e?\("  # Python's: the process replaced by the program
)
_NETWORK = re.compile(
    r"requests\.(?:post|put|patch|get|request)|urlopen|urllib|http\.client|httpx\.|\bfetch\("
    r"|axios|https?\.(?:request|get)|Net::|(?i:socket)|LWP|HTTP::Tiny|smtplib|ftplib|paramiko"
    r"|\.post\(|\.put\(|XMLHttpRequest|curl|\bnet\.(?:connect|createConnection)|tls\.connect"
    r"|dgram|\bdns\.|gethostbyname|getaddrinfo|fsockopen|stream_socket_client|URI\.open"
    r"|open-uri|file_get_contents\(\s*['\"]https?:|WebClient|Invoke-(?:WebRequest|RestMethod)"
    r"|aiohttp|pycurl|Deno\.connect|WebSocket|\bwget\b"
    r"|require\(\s*['\"](?:node:)?(?:net|tls|dgram|dns|https?|http2)['\"]"
)
# The whole environment, not one variable: `dict(os.environ)`, `JSON.stringify(process.env)`,
# perl's `%ENV`, ruby's `ENV.to_h`, php's `getenv()`.
_ENVIRONMENT = re.compile(
    r"(?:json\.dumps|str|dict|repr|urlencode)\(\s*(?:os\.)?environ\b(?!\s*\[|\.get)"
    r"|\bos\.environ\.(?:copy|items)\(|(?:data|json|params)\s*=\s*(?:os\.)?environ\b\s*[,)]"
    r"|JSON\.stringify\(\s*process\.env\s*\)|Object\.entries\(\s*process\.env\s*\)"
    r"|body\s*:\s*process\.env\b(?!\.)|%ENV\b|\bENV\.(?:to_h|to_hash|to_a|inspect|map|each)\b"
    r"|getenv\(\s*\)|\$_ENV\b(?!\s*\[)|Deno\.env\.toObject\(\)"
    # What `env` or `printenv` prints, run by the one-liner: perl's `env` and qx(env).
    r"|`\s*(?:env|printenv)\s*`|\bqx\s*[({/]\s*(?:env|printenv)\s*[)}/]"
)
# Code that PowerShell runs from text: `iex`, `Invoke-Expression`, `[scriptblock]::Create`.
_POWERSHELL_RUNS = r"(?i:\biex\b|invoke-expression|scriptblock\]::create)"
# Code that runs code it is given as text, and what fetches text from the network: both in
# one one-liner run a download (`exec(urlopen(u).read())`, node's `eval` of a fetched body,
# php's `eval(file_get_contents(url))`, PowerShell's `iex (iwr …)`).
_RUNS_TEXT = re.compile(
    # (not given a literal: node's `exec('curl …')` runs a command, no fetched text)
    r"(?<![.\w])(?:exec|eval)\s*\((?!\s*['\"`])|(?<![.\w$])eval\s+[$\w]|new\s+Function\s*\("
    r"|(?<![.\w$])(?:globalThis\.|window\.)?(?:eval|Function)\s*[),]|(?<![.\w$])Function\s*\("
    r"|\bvm\.(?:runIn\w+|Script|compileFunction)|runIn(?:This|New)Context|instance_eval"
    r"|class_eval|Kernel\.eval|(?<![.\w])load(?:string)?\s*\(|" + _POWERSHELL_RUNS
)
POWERSHELL_RUNS_TEXT = Prefiltered(
    re.compile(_POWERSHELL_RUNS), ("iex", "invoke-expression", "scriptblock")
)
# Code loaded straight from a URL: php's `include 'https://…'`, `import('https://…')`.
_LOADS_URL = re.compile(
    r"\b(?:include|require)(?:_once)?\s*\(?\s*['\"]https?:|\bimport\(\s*['\"]https?:"
    # R's source() of a URL, Julia's include() of a download
    r"|\bsource\(\s*['\"]https?:|\binclude\(\s*(?:Downloads\.)?download\("
)
_FETCHES = re.compile(
    r"urlopen|urllib|requests\.|httpx|https?\.(?:get|request)|\bfetch\(|axios|Net::HTTP"
    r"|URI\.open|open-uri|OpenURI|LWP|HTTP::Tiny|\bget\(\s*['\"]https?:|file_get_contents"
    r"|curl|wget|(?i:DownloadString|DownloadData|invoke-webrequest|invoke-restmethod|\biwr\b"
    r"|\birm\b|Net\.WebClient)"
)
# A fork (`os.fork()`, `pcntl_fork()`, perl's `fork`) in a loop that never ends: `while
# True`, `for(;;)`, `loop do`, or over an endless iterator (`iter(int, 1)`, `count()`).
_FORK = r"(?<![A-Za-z0-9])fork\b"
_ENDLESS_ITERATOR = (
    r"for\s+\w+\s+in\s+(?:iter\(\s*int\s*,|(?:itertools\.)?(?:count|cycle)\("
    r"|(?:itertools\.)?repeat\([^,()]*\))"
)
# A program starting itself (a fork bomb of processes): its own path or name as it knows it.
_ITSELF = (
    r"(?:os\.Args\[0\]|sys\.argv\[0\]|__file__|__filename|import\.meta\.(?:path|url|filename)"
    r"|process\.argv\[1\]|__FILE__|\$0\b|\$PROGRAM_NAME)"
)
_SELF_START = (
    r"\b(?:fork|spawn|Popen|execFile|Command|Start-Process|system)\s*\(\s*\[?[^()\n]{0,80}?"
    + _ITSELF
)
_ENDLESS_LOOP = (
    r"(?:\bwhile\s*\(?\s*(?:True|true|1|\$true)\s*\)?|\bfor\s*\{|\bfor\s*\(\s*;\s*;\s*\)"
    r"|\bwhile\s+\{\s*(?:1|true)\s*\}"  # Tcl's `while {1} {…}` (`while 1 {…}` above)
    r"|\bloop\s*(?:do|\{))"
)
# A loop's body as the code spells it: the rest of its line, and an indented line after it.
_LOOP_BODY = r"[^\n]{0,80}?(?:\n[ \t]+[^\n]{0,80}?)?"
_FORKS_FOREVER = re.compile(
    "|".join(
        (
            r"fork\s+while\s+fork|(?m:fork\s+(?:until|while)\s+(?:[01]|true|false)?\s*;?\s*$)",
            r"(?:while|until)\s*\(?\s*(?:True|true|1)\s*\)?\s*[:{;]?\s*(?:do\b)?[^\n]{0,40}?"
            + _FORK,
            r"for\s*\(\s*;\s*;\s*\)\s*\{?[^\n]{0,40}?" + _FORK,
            r"loop\s*(?:do|\{)\s*fork|\bfork\s*\(\)\s*while\b",
            _FORK + r"[^\n]{0,80}?\b" + _ENDLESS_ITERATOR,  # [os.fork() for _ in iter(int, 1)]
            r"\b" + _ENDLESS_ITERATOR + _LOOP_BODY + _FORK,
            # map(lambda _: os.fork(), itertools.count())
            _FORK + r"[^\n]{0,80}?(?:itertools\.|(?<![\w.]))(?:count|cycle)\(\s*\)",
            # while (true) spawn(process.execPath, [__filename]); for { exec.Command(os.Args[0]) }
            _ENDLESS_LOOP + _LOOP_BODY + _ITSELF,
            # fork(__filename); fork(__filename): each copy starts two more
            _SELF_START + r"[\s\S]{0,200}?" + _SELF_START,
        )
    )
)
# An endless loop starting a process each turn (`while (true) spawn(…)`, `while True:
# Popen(…)`), and what makes it wait for each before the next (a supervisor restarting one).
_STARTS_PROCESS = (
    r"(?:\b(?:spawn|Popen|Start|execFile)\b|Process\([^\n]{0,200}?\)\.start\("
    r"|\b(?:system|execute)\s*\(\s*[\"'][^\"'\n]*&\s*[\"']"  # os.execute("sleep 9 &")
    r"|\bexec\s+[^\n;{}\[\]]*&\s*[}\]])"  # Tcl's `exec sleep 9 &`, in the background
)
_SPAWNS_FOREVER = re.compile(
    "|".join(
        (
            _ENDLESS_LOOP + _LOOP_BODY + _STARTS_PROCESS,
            r"\b" + _ENDLESS_ITERATOR + _LOOP_BODY + _STARTS_PROCESS,
            # [m.Process(target=f).start() for _ in itertools.count()]
            _STARTS_PROCESS + r"[^\n]{0,120}?(?:\b" + _ENDLESS_ITERATOR + r"|itertools\.count\()",
            # setInterval(() => spawn(…), 0): a process started every few milliseconds
            r"\bsetInterval\s*\([^\n]{0,160}?"
            + _STARTS_PROCESS
            + r"[^\n]{0,160}?,\s*(?:0|[1-9]\d?)\s*\)",
        )
    )
)
# node's child_process.exec starts a shell and returns at once (execSync waits).
_EXECS_FOREVER = re.compile(_ENDLESS_LOOP + _LOOP_BODY + r"\bexec\s*\(")
_WAITS = re.compile(
    r"\bawait\b|(?:\bwait|\bsleep|\.join|\.communicate|\bWait|\bSleep|waitpid|\.on|\.run)\s*\("
)
_WRITES = re.compile(
    r"open\([^;\n]{0,400}?" + _Q + r"(?:[wa]b?\+?|>>?|r\+b?|rb\+)" + _Q + r"|>>?\s*\$ENV|write_text"
    r"|write_bytes|writeFileSync|appendFileSync|writeFile|appendFile|File\.write|IO\.write"
    r"|file_put_contents|copyfile|shutil\.copy|os\.symlink|os\.rename|os\.replace"
    r"|File\.write!|\bfile\.copy\(|Files\.(?:write|copy)|WriteAllText|File\.Copy\("
    r"|\binto\s*\(?\s*"
    + _Q  # Gradle's Copy task: `into "${…}/.ssh"`
    + r"|File\.open\([^)]{0,400}?"
    + _Q
    + r"[wa]\+?"
    + _Q
    + r"|open\(\s*\w+\s*,\s*"
    + _Q
    + r">"
    # Go's, Rust's and .NET's opening for writing: os.OpenFile(p, os.O_WRONLY…),
    # OpenOptions::new().write(true), new FileStream(p, …, FileAccess.Write).
    + r"|\bOpenFile\([^)\n]{0,200}?O_(?:WRONLY|RDWR)|\.write\(\s*true\s*\)"
    + r"|FileAccess\.(?:Read)?Write\b|\bos\.WriteFile\(|\bfs::write\(|\bFile::create\("
)


@dataclass(slots=True)
class Reading:
    """What a one-liner was read to do."""

    destroys: str | None = None  # what of the root or a home folder it deletes
    # The working folder, or a parent of it, given whole to a deletion, as a path from it:
    # `shutil.rmtree('..')`, `rmtree(os.path.dirname(os.getcwd()))` (read where it runs).
    deletes_here: str | None = None
    sends_credential: str | None = None  # the credential file it sends to the network
    runs_download: bool = False  # it runs code it fetched from the network
    writes_secret: str | None = None  # the credential file it writes
    writes_disk: str | None = None  # the disk device it writes onto
    shell_lines: list[str] = field(default_factory=list)  # command lines it runs
    forks_forever: bool = False  # a fork bomb: fork in an endless loop
    drops: str | None = None  # the statement dropping a database, sent by a driver call
    deletes_namespace: bool = False  # a Kubernetes client's deletion of a namespace
    # or of every resource of a kind a listing in one gives (`[v.delete_namespaced_pod(
    # p.metadata.name, 'prod') for p in v.list_namespaced_pod('prod').items]`)
    deletes_every_resource: bool = False
    prunes_volumes: bool = False  # a Docker client's removal of every volume
    deletes_cloud: str | None = None  # a cloud SDK's call deleting machines or clusters
    wipes_storage: str | None = None  # a cloud SDK's call deleting a bucket or its objects
    force_pushes: str | None = None  # the default branch a git library's push forces
    # boto3's deletions, as the aws command lines they are (`boto3.client('sagemaker')
    # .delete_endpoint(…)`: `aws sagemaker delete-endpoint`), judged as the CLI's
    aws_calls: list[str] = field(default_factory=list)


def code_of(words: Sequence[str]) -> str | None:
    """The code of an interpreter's one-liner (``python3 -c CODE``; ``words`` unwrapped, so
    ``npx tsx -e CODE`` is ``tsx -e CODE``), or None."""
    if not words:
        return None
    name = basename(words[0])
    if name in _SPECIAL_CODE:
        return _special_code(name, words)
    family = _VERSIONED.fullmatch(name)
    key = (family.group(1) or name) if family else name  # python3.12 is python's
    key = _FAMILIES.get(key, key)
    flags = _CODE_FLAGS.get(key)
    if flags is None:
        return None
    for i, word in enumerate(words[1:-1], start=1):
        if word in flags:
            return words[i + 1]
        if key == "python" and word.startswith("-") and word.endswith("c") and "-" not in word[1:]:
            return words[i + 1]  # python3 -Bc CODE
    return None


# What reads a one-liner's standard input: python's sys.stdin and input(), node's
# process.stdin and readFileSync(0), ruby's and perl's STDIN, ARGF, <>, php's php://stdin.
_READS_INPUT = re.compile(
    r"sys\.stdin|\binput\(\)|fileinput|process\.stdin|readFileSync\(\s*(?:0|['\"]/dev/stdin)"
    r"|\bSTDIN\b|\$stdin\b|<STDIN>|<>|\bARGF\b|php://stdin|Deno\.stdin|Bun\.stdin"
)


def sends_input(words: Sequence[str]) -> bool:
    """Whether the one-liner ``words`` (unwrapped) reads its standard input and reaches the
    network: what is piped into it goes there (``cat F | python3 -c "…urlopen(u +
    sys.stdin.read())"``)."""
    code = code_of(words)
    return code is not None and bool(_READS_INPUT.search(code) and _NETWORK.search(code))


# Programs whose code is found otherwise than after one flag.
_SPECIAL_CODE = frozenset({"mix", "iex", "dotnet", "crystal", "sbt", "rails"})


def _special_code(name: str, words: Sequence[str]) -> str | None:
    """:func:`code_of` for :data:`_SPECIAL_CODE`'s programs."""
    if (name == "mix" and words[1:2] == ["run"]) or name == "iex":
        # mix run -e CODE, iex -e CODE: Elixir's
        return next((b for a, b in with_next(words) if a in ("-e", "--eval")), None)
    if (name, *words[1:2]) in (("dotnet", "script"), ("crystal", "eval")):
        # dotnet script eval 'CODE', crystal eval 'CODE': the word after `eval`
        at = 3 if name == "dotnet" else 2
        return words[at] if len(words) > at and words[at - 1] == "eval" else None
    if name == "sbt":  # sbt 'eval EXPR': a Scala expression sbt evaluates
        return next((w[5:] for w in words[1:] if w.startswith("eval ")), None)
    if name == "rails" and words[1:2] in (["runner"], ["r"]):
        # bin/rails runner [-e production] 'ActiveRecord::Base.connection.execute("…")'
        rest = list(words[2:])
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in ("-e", "--environment") else rest[1:]
        return rest[0] if rest else None
    return None


# A string in three quotes on one line, holding none of its quote (Python's, Groovy's).
_TRIPLE_QUOTED = re.compile(r"""('''|\"\"\")([^'"\n\\]{1,400}?)\1""")


def _single_quoted(found: re.Match[str]) -> str:
    """The string ``found`` in its quote once (``'''x'''`` is ``'x'``), as the literal
    patterns read strings."""
    return found[1][0] + found[2] + found[1][0]


def read_code(code: str, backquotes_run: bool = False) -> Reading:
    """What ``code`` does, as far as its text shows. ``backquotes_run``: the language runs a
    backquoted string as a shell command (ruby, perl, php)."""
    code = folded(code)  # getattr(os, 'sys'+'tem'): os.system
    if "''" in code or '""' in code:  # r'''git push --force origin main''': one quote's string
        code = _TRIPLE_QUOTED.sub(_single_quoted, code)
    marked = _OTHER_HOMES.sub(_HOME_MARK, _HOME.sub(_HOME_MARK, code))
    marked = _HOME_JOINED.sub(_joined_home, marked)
    if "expanduser" in marked:  # os.path.expanduser("~/.ssh/"): the literal path it expands
        marked = _EXPANDED.sub(lambda m: m[1] or m[2], marked)
    reading = Reading()
    deletes = _DELETES.search(marked) is not None or _OTHER_DELETES.search(marked) is not None
    literals = [(m.start(), m.end(), quoted_text(m)) for m in _LITERAL.finditer(marked)]
    if deletes:
        named = _home_named(marked)  # h = Path.home(); shutil.rmtree(h / ".cache"): h's uses
        in_named = literals
        if named is not marked:
            in_named = [(m.start(), m.end(), quoted_text(m)) for m in _LITERAL.finditer(named)]
        reading.destroys = _bare_vital(named, in_named)
        reading.deletes_here = _deleted_here(marked, [(s, e) for s, e, _ in literals])
    # A key given to log in with (`key_filename='~/.ssh/deploy'`) is used, not sent.
    paths = [
        text.replace(_HOME_MARK, "~")
        for start, _, text in literals
        if not _KEY_USE.search(marked, max(0, start - 24), start)
    ]
    if _NETWORK.search(marked) or _OTHER_NETWORK.search(marked):
        paths += _joined_paths(marked, literals)
        reading.sends_credential = next((p for p in paths if _credential_path(p)), None)
        environment = _ENVIRONMENT.search(marked) or _OTHER_ENVIRONMENT.search(marked)
        if reading.sends_credential is None and environment:
            reading.sends_credential = "the environment"
    reading.runs_download = runs_fetched(marked)
    if _WRITES.search(marked):
        reading.writes_secret = next((p for p in paths if "/" in p and is_secret(p)), None)
        reading.writes_disk = next((p for p in paths if DISK_DEVICE.match(p)), None)
    reading.forks_forever = _FORKS_FOREVER.search(code) is not None or spawns_forever(code)
    if _SPAWNS.search(marked) or (backquotes_run and "`" in marked):
        # "rm -rf " + HOME, 'rm -rf ' . getenv('HOME'), "rm -rf " .. os.getenv("HOME"),
        # `rm -rf ${os.homedir()}`, "rm -rf #{ENV['HOME']}": the home folder in the command.
        joined = _JOINED.sub(_joined_string, marked)
        joined = _INTERPOLATED.sub("~", joined)
        joined = _home_as_word(joined)  # ProcessBuilder("rm", "-rf", System.getProperty(…))
        reading.shell_lines = _shell_lines(joined, backquotes_run)
    reading.drops = _driver_drops(marked, literals)
    reading.deletes_namespace = _DELETES_NAMESPACE.search(code) is not None
    reading.deletes_every_resource = "elete" in code and bool(_DELETES_EACH_OF_KIND.search(code))
    reading.prunes_volumes = _PRUNES_VOLUMES.search(code) is not None
    if found := _DELETES_CLOUD.search(code):
        reading.deletes_cloud = found.group().strip(".( ")
    wipe = _WIPES_STORAGE.search(code) if "delete" in code or "clear!" in code else None
    # `.objects.all().delete()` is Django's ORM too: a bucket's only where one is named.
    if wipe and (not wipe.group().startswith(".objects") or _BUCKET.search(code)):
        reading.wipes_storage = wipe.group().rstrip("( ")
    elif "delete" in code:
        reading.wipes_storage = _bucket_deleted(code) or _each_listed_deleted(code)
    if not reading.wipes_storage and (found := _JS_LISTED_DELETED.search(code)):
        reading.wipes_storage = found.group(1)  # the AWS SDK for JavaScript's (v3)
    if "boto3" in code:
        reading.aws_calls = _boto3_deletions(code)
    if "ush" in code and _GIT_LIBRARY.search(code):
        reading.force_pushes = _force_pushed(code)
    return reading


# boto3's clients, by the variable bound to one or inline, and the deleting calls made on them.
_BOTO3_CLIENT = re.compile(r"(?:(\w+)\s*=\s*)?boto3\.client\(\s*['\"]([\w-]+)['\"]")
_BOTO3_DELETES = r"\.\s*((?:delete|terminate)_\w+|schedule_key_deletion|purge_queue)\s*\("
_INLINE_CALL = re.compile(r"[^)]*\)" + _BOTO3_DELETES)  # (its options, then the call)


def _boto3_deletions(code: str) -> list[str]:
    """The aws command lines of the deletions boto3's clients in ``code`` make (the service's
    name as the CLI spells it: the ``s3`` client's are ``s3api``'s)."""
    lines = []
    for client in _BOTO3_CLIENT.finditer(code):
        service = "s3api" if client.group(2) == "s3" else client.group(2)
        if client.group(1) is None:  # boto3.client('x').delete_y(…): the one call on it
            calls = [m] if (m := _INLINE_CALL.match(code, client.end())) else []
        else:  # c = boto3.client('x'); c.delete_y(…)
            bound = re.compile(rf"\b{re.escape(client.group(1))}{_BOTO3_DELETES}")
            calls = list(bound.finditer(code, client.end()))
        lines += [f"aws {service} {call.group(1).replace('_', '-')}" for call in calls]
    return lines[:_BOTO3_CALLS]


_BOTO3_CALLS = 8  # deletions read at most


# A git library's push (GitPython's `push(…)`, pygit2's and nodegit's `remote.push([…])`,
# dulwich's `porcelain.push`, isomorphic-git's `git.push({…})`, simple-git's, Rugged's,
# JGit's `push()…call()`, go-git's `Push(&git.PushOptions{…})`), what follows it up to
# where it ends, forced (`force=True`, `force: true`, `setForce(true)`, `Force: true`,
# `'--force'`, a `+` refspec) and of a default branch.
_LIBRARY_PUSH = re.compile(r"(?i)\bpush\s*\(")
_PUSH_FORCED = re.compile(
    r"(?i)\bforce\s*[=:]\s*true\b|setForce\(\s*true|['\"](?:--force|-f)['\"]|['\"]\+"
)
_PUSHED_DEFAULT = re.compile(
    r"['\"]\+?(?:refs/heads/)?(main|master|trunk|develop|production|prod|release)"
    r"(?::(?:refs/heads/)?\1)?['\"]"
)
_PUSH_WINDOW = 400  # characters of a push call's arguments read
_GIT_LIBRARY = re.compile(r"(?i)git|dulwich|rugged")  # (an array's push is no git's)


def _force_pushed(code: str) -> str | None:
    """The default branch a git library's push in ``code`` forces, if one does."""
    for found in _LIBRARY_PUSH.finditer(code):
        window = code[found.start() : found.end() + _PUSH_WINDOW]
        pushed = _PUSHED_DEFAULT.search(window)
        if pushed is not None and _PUSH_FORCED.search(window):
            return pushed.group(1)
    return None


def _home_as_word(code: str) -> str:
    """``code`` with the home folder, where it stands outside any string, as the literal
    ``"~"``: one of a command's words (``ProcessBuilder("rm", "-rf", home)``)."""
    if _HOME_MARK not in code:
        return code
    pieces, last = [], 0
    for found in _LITERAL.finditer(code):
        pieces += [code[last : found.start()].replace(_HOME_MARK, '"~"'), found.group()]
        last = found.end()
    return "".join([*pieces, code[last:].replace(_HOME_MARK, '"~"')])


def _shell_lines(code: str, backquotes_run: bool = False) -> list[str]:
    """The command lines code that starts processes may run: each string literal in a place
    that gives a process its command (:func:`_command_places`; a backquoted one where the
    language runs it), and each run of literals given as one command's words
    (``['terraform', 'destroy']``, ``spawn('kubectl', ['delete', 'ns', 'x'])``,
    ``exec.Command("dropdb", "app")``), joined as the shell would quote them. A literal
    elsewhere is data (a test's list of commands to check), not a command."""
    lines: list[str] = []
    words: list[str] = []
    end = -1
    places = _command_places(code)
    for found in _LITERAL.finditer(code):
        at = found.start()
        ran = backquotes_run and found.group().startswith("`")
        if not ran and not any(start <= at < stop for start, stop in places):
            continue
        text = quoted_text(found).replace(_HOME_MARK, "~")
        lines.append(text)
        if not (words and _NEXT_WORD.fullmatch(code, end, found.start())):
            if len(words) > 1:
                lines.append(shlex.join(words))
            words = []
        words.append(text)
        end = found.end()
    return [*lines, shlex.join(words)] if len(words) > 1 else lines


# After a process-starting name, the call that takes its command: `subprocess.run(`,
# `Popen(`; a chained call that adds to it: Rust's `.arg(…)`, `.args([…])`.
_CALLED = re.compile(r"(?:\.\w+)*\s*\(")
_CHAINED = re.compile(r"\s*\.(?:arg|args|env|current_dir)\(")
_PRECEDES = re.compile(r"\.(?:execute\(\)|!)")  # Groovy's `"…".execute()`, Scala's `….!`
_NAME = re.compile(r"(?<![\w$@.'\"])[$@]?([A-Za-z_]\w*)")
_SPAN = 4000  # how far a call's arguments are looked for, at most
_BRACKETS = re.compile(r"[()\[\]{}]")
_ITEMS = re.compile(r"[()\[\]{},]")  # the brackets, and the commas between a call's items
# Every name given a value somewhere: assigned, a loop's, pytest's parametrize's.
_ASSIGNED = re.compile(
    r"(?<![\w.])[$@]?([A-Za-z_]\w*)\s*(?::[^=\n]{0,40})?=(?![=>~])"
    r"|\bfor\s+[$@]?([A-Za-z_]\w*)\s+in\b"
    r"|parametrize\(\s*['\"]([^'\"]*)['\"]\s*,"  # pytest's: parametrize('c', CASES)
)
_WORDS = re.compile(r"\[[^\[\],]*,([^\[\]]*)\]")  # a list's words after its first
_SHELL_C = re.compile(r"['\"](?:/bin/)?(?:ba|z|da|k)?sh['\"]\s*,\s*['\"]-\w*c['\"]")


def _command_places(code: str) -> list[tuple[int, int]]:
    """Where ``code`` gives a process its command: the arguments of each call that starts
    one (its parentheses, and chained ``.arg(…)``; the rest of its line when it takes no
    parentheses: perl's ``system "…"``, rake's ``sh '…'``, Gradle's ``commandLine 'sh',
    …``), the line before Groovy's ``"…".execute()`` and Scala's ``.!``, and the values of
    the names those use (``cmd = "…"; os.system(cmd)``; ``for c in CMDS:``; pytest's
    ``parametrize('c', CMDS)``), two levels deep."""
    literals = [(m.start(), m.end()) for m in _LITERAL.finditer(code)]  # left to right
    places: list[tuple[int, int]] = []
    for spawn in _SPAWNS.finditer(code):
        at = spawn.end()
        if _PRECEDES.match(spawn.group()):
            places.append((code.rfind("\n", 0, spawn.start()) + 1, spawn.start()))
            continue
        called = _CALLED.match(code, at) if code[at - 1 : at] != "(" else None
        if code[at - 1 : at] == "(" or called is not None:
            start = at if called is None else called.end()
            stop = _closing(code, start, literals)
            while chained := _CHAINED.match(code, stop + 1):
                stop = _closing(code, chained.end(), literals)
            places.append((spawn.start(), stop))
        else:
            stop = code.find("\n", at)
            places.append((spawn.start(), stop if stop != -1 else len(code)))
    seen: set[str] = set()
    # Where each name is given a value (an assignment's, a loop's, parametrize's), at once.
    assigned: dict[str, list[int]] = {}
    for given in _ASSIGNED.finditer(code):
        named = [given[1] or given[2]] if given[3] is None else re.findall(r"\w+", given[3])
        for name in named:
            assigned.setdefault(name, []).append(given.end())
    for _ in range(2):  # the names the places use: where they are given their values
        names = {m[1] for start, stop in places for m in _NAME.finditer(code, start, stop)}
        # (a name among a list's later words is an argument: `['guard', 'check', c]`)
        names -= {
            m[1]
            for start, stop in places
            for words in _WORDS.finditer(code, start, stop)
            if not _SHELL_C.search(words[0])  # ['bash', '-c', cmd]: a command still
            for m in _NAME.finditer(words[1])
        }
        for name in (names & assigned.keys()) - seen:
            seen.add(name)
            for start in assigned[name]:
                stop = code.find("\n", start)
                stop = stop if stop != -1 else len(code)
                opened = code[start:stop].lstrip()[:1]
                if opened in ("[", "(", "{"):  # a list or a block given over several lines
                    stop = max(stop, _closing(code, code.index(opened, start) + 1, literals))
                places.append((start, stop))
    return places


def _closing(code: str, start: int, literals: list[tuple[int, int]], at_comma: bool = False) -> int:
    """Where the bracket open before ``start`` closes (``at_comma``: or where its first item
    ends, at a comma of its own), literals' brackets and commas aside (at most :data:`_SPAN`
    on)."""
    depth, limit = 1, min(len(code), start + _SPAN)
    for bracket in (_ITEMS if at_comma else _BRACKETS).finditer(code, start, limit):
        at = bracket.start()
        before = bisect_right(literals, (at, len(code))) - 1
        if before >= 0 and at < literals[before][1]:
            continue  # inside a literal
        if bracket.group() == ",":
            if depth == 1:
                return at
            continue
        depth += 1 if bracket.group() in "([{" else -1
        if depth == 0:
            return at
    return limit


def spawns_forever(code: str) -> bool:
    """Whether ``code`` starts a process each turn of an endless loop without waiting for
    it: processes pile up until the machine has none left."""
    found = _SPAWNS_FOREVER.search(code)
    if found is None and "child_process" in code:
        found = _EXECS_FOREVER.search(code)
    if found is None:
        return False
    # (A wait in the child's own code, a string it is given, is not the loop's.)
    window = _LITERAL.sub("''", code[found.start() : found.end() + 200])
    return _WAITS.search(window) is None


def _each_listed_deleted(code: str) -> str | None:
    """What deletes one by one every object a bucket's listing names (``[s3.delete_object(…,
    Key=o['Key']) for o in s3.list_objects_v2(Bucket='b')['Contents']]``), if the code
    does; a listing narrowed to a prefix deletes only those."""
    listing = _LISTS_BUCKET.search(code)
    if listing is None or not _DELETES_EACH_LISTED.search(code):
        return None
    if _NARROWED_LISTING.match(code, listing.end()):
        return None
    return "a bucket's listing, each object in it deleted"


# A whole listing deleted with the AWS SDK for JavaScript: `ListObjectsV2Command` (no
# `Prefix`), then `DeleteObjectsCommand` of what it listed (or `DeleteObjectCommand` of
# each).
_JS_LISTED_DELETED = re.compile(
    r"ListObjects(?:V2)?Command\(\s*\{(?![^}]{0,300}Prefix)[^}]{0,300}\}[\s\S]{0,600}?"
    r"(DeleteObjects?Command)\("
)


def _bucket_deleted(code: str) -> str | None:
    """``NAME.delete()`` of a name a bucket was bound to (``b = s3.Bucket('x')``), if any."""
    for bound in _BUCKET_BOUND.finditer(code):
        if re.search(rf"\b{re.escape(bound[1])}\.delete\(\s*\)", code):
            return f"{bound[1]}.delete()"
    return None


# A cloud SDK's deletion of a bucket, a container or every object under a prefix: boto3's
# `Bucket('b').objects.all().delete()`, `delete_bucket`, `delete_objects`; google-cloud-
# storage's `bucket.delete(force=True)`, `delete_blobs`; azure's `delete_container`.
_BUCKET = re.compile(r"boto3|[Bb]ucket\(|\bs3\b")
_BUCKET_BOUND = re.compile(r"\b(\w+)\s*=\s*[^;\n=]{0,200}?\bBucket\(")
# A listing narrowed to some objects: `Prefix='tmp/'`, `prefix="logs/"`, `name_starts_with=`.
_NARROWED = r"""(?:[Pp]refix|name_starts_with|match_glob)\s*=\s*['"][^'"]"""
# boto3's collections delete every object at once (`bucket.objects.delete()`,
# `.object_versions.all().delete()`; filtered by a prefix, only those); a bucket bound to a
# name is deleted by its `.delete()`.
_WIPES_STORAGE = re.compile(
    r"\.(?:objects|object_versions|blobs)(?:\.all\(\s*\)|\.filter\((?![^)]{0,200}"
    + _NARROWED
    + r")[^)]{0,200}\))?\.delete\("
    r"|\b[Bb]ucket\([^)]{0,200}\)\.delete\(|\.delete\(\s*force\s*=\s*True"
    r"|\bBucket\.new\([^)]{0,200}\)\.(?:delete|clear)!"  # ruby's: objects first, then it
    r"|\.delete_(?:bucket|objects|container|blobs|file_system|share)\("
    r"|\.deleteFiles\((?![^)]{0,200}\bprefix\b)"  # @google-cloud/storage's, unnarrowed
)


_KEY_USE = re.compile(r"(?:key_filename|identity_file|keyfile|private_key_file\(|-i)\s*=?\s*$")
_JOIN = r"\s*(?:\+|\.\.?|<>|&|,)\s*"
# A string, the home folder, and maybe a string after it, joined: "rm -rf " + HOME + "/tmp".
_JOINED = re.compile(
    r"""(['"`])("""
    + _JOIN
    + ")"
    + _HOME_MARK
    + r"""(?:"""
    + _JOIN
    + r"""(['"`])([^'"`\n]{0,400})\3)?"""
)


def _joined_string(found: re.Match[str]) -> str:
    """The string a match of :data:`_JOINED` makes: the home folder added to the string
    before it (``"rm -rf " + HOME``), or, after a comma, a word of its own (``"rm", "-rf",
    HOME`` are a command's words)."""
    quote, after = found[1], found[4] or ""
    if "," in found[2]:
        return f'{quote}, "~{after}"'
    return f"~{after}{quote}"


_INTERPOLATED = re.compile(r"[$#]?\{\s*" + _HOME_MARK + r"\s*\}")
# A database driver's call that runs the SQL it is given (cursor.execute, client.query, ...).
_SQL_CALL = re.compile(
    r"(?:\.|\b)(?:execute\w*|query|exec\w*|raw|run|prepare|do|sql|batch|command|unsafe"
    r"|\w+_sql|\w+S[Qq][Ll])"  # SQLAlchemy's exec_driver_sql, run_sql, Android's execSQL
    # (the statement maybe wrapped as SQL first: SQLAlchemy's text(…), psycopg's sql.SQL(…))
    r"\s*\(\s*(?:\w+\s*,\s*)?(?:(?:\w+\.)?(?:text|SQL)\s*\(\s*)?[fbruFBRU]{0,2}$"
)
# A call that runs its string as a command line, not as SQL (`subprocess.run("grep -rn
# 'DROP TABLE' migrations/", shell=True)`): the line is read as the shell's. (Narrower than
# _command_places, whose spawning calls include `.exec(`, the drivers' own: PDO's, SQLite's.)
_RUNS_COMMAND = re.compile(
    r"(?:\bsubprocess\.\w+|\b(?:child_process|cp)\.exec\w*|\b(?:exec|spawn|execFile)Sync"
    r"|\bos\.(?:system|popen)|\bOpen3\.\w+)\s*\(\s*[fbruFBRU]{0,2}$"
)
_DRIVER_DROPS = re.compile(
    r"\.(?:dropDatabase|dropCollection|drop_database|drop_collection"
    r"|delete_db_instance|delete_db_cluster|delete_table)\s*\("
    r"|\b(?:DeleteDBInstance|DeleteDBCluster|DeleteTable)Command\b"  # AWS's SDK v3
)
# An ORM dropping every table it maps: SQLAlchemy's (and Flask-SQLAlchemy's) drop_all,
# peewee's drop_tables, Sequelize's drop() and sync({ force: true }); but a test's fixture
# or an in-memory database, which tests set up and drop each time, is everyday.
_ORM_DROPS = re.compile(
    r"\.(?:drop_all|drop_tables)\s*\(|\bsequelize\.drop\s*\(|\.sync\s*\(\s*\{\s*force\s*:\s*true"
)
_TEST_DATABASE = re.compile(
    r":memory:|sqlite|@pytest\.fixture|\bdef (?:setUp|tearDown)|\b(?:before|after)(?:Each|All)\("
)
# A store emptied, kept: everyday on the developer's own, destruction on another host's.
_DRIVER_EMPTIES = re.compile(r"\.(?:flushall|flushdb|flushAll|flushDb)\s*\(")
# A cloud SDK's call deleting machines, clusters or the applications they run (boto3's
# `terminate_instances`, Azure's `resource_groups.begin_delete`, Google's
# `instances().delete`), whichever cloud.
_DELETES_CLOUD = re.compile(
    r"\.(?:terminate_instances|delete_cluster|delete_nodegroup|delete_function|delete_stack"
    r"|delete_auto_scaling_group|terminate_environment)\s*\("
    r"|\.(?:resource_groups|virtual_machines|managed_clusters|web_apps)\.(?:begin_)?delete\s*\("
    r"|\.(?:instances|clusters|projects)\(\)\.delete\s*\("
    r"|\b(?:Instances|Clusters|ClusterManager|Projects)Client\(\)\.delete(?:_cluster)?\s*\("
    r"|\.instances\.(?:all|filter)\([^)]*\)\.terminate\s*\("  # boto3's resource collection
    r"|\b(?:TerminateInstances|DeleteCluster|DeleteFunction|DeleteNodegroup)Command\b"
    # A code host's repository: Octokit's `repos.delete`, an HTTP DELETE of its API's path.
    r"|\.repos\.delete\s*\(|\.Repositories\.Delete\s*\(|\bget_repo\([^()]*\)\.delete\(\s*\)"
    r"|\bdelete\(\s*[fr]?['\"`]https?://[^'\"`]*(?:/repos/[\w.-]+/[\w.-]+|/api/v4/projects/[^/'\"`]+"
    r"|/2\.0/repositories/[\w.-]+/[\w.-]+)/?['\"`]"
)


def _driver_drops(code: str, literals: list[tuple[int, int, str]]) -> str | None:
    """The statement dropping a database, schema or table that a driver call in ``code``
    sends (``cursor.execute("DROP TABLE t")``, ``client.query('DROP DATABASE x')``), or
    emptying one (``TRUNCATE``, ``flushall()``) when the code names another host's."""
    remote = names_other_host(code)
    sent = [  # the SQL of each call, in order: a table dropped then created is one reset
        text
        for start, _, text in literals
        if (
            _SQL_CALL.search(before := code[max(0, start - 40) : start])
            or _OTHER_SQL_CALL.search(before)
        )
        and not _RUNS_COMMAND.search(before)
    ]
    if sent and (found := drops_in_sql(";\n".join(sent), empties=remote)):
        return found
    found_call = _DRIVER_DROPS.search(code) or (_DRIVER_EMPTIES.search(code) if remote else None)
    if found_call is None and (orm := _ORM_DROPS.search(code)) and not _TEST_DATABASE.search(code):
        found_call = orm
    if found_call is None:
        return None
    called = found_call.group().strip(".( ")
    return f"runs {'sync({ force: true })' if called.startswith('sync') else called}"


# A one-liner saving a download into a file: php's `copy('https://…', 'F')` and
# `file_put_contents('F', file_get_contents('https://…'))`, python's `urlretrieve(u, 'F')`.
_SAVES_DOWNLOAD = re.compile(
    r"""\b(?:copy|urlretrieve)\(\s*['"]https?://[^'"]*['"]\s*,\s*['"]([^'"]+)['"]"""
    r"""|\bfile_put_contents\(\s*['"]([^'"]+)['"]\s*,\s*file_get_contents\(\s*['"]https?://"""
)


# A bucket's listing (boto3's, Google's, Azure's), and the deletion of each object it names.
_LISTS_BUCKET = re.compile(
    r"\bfor\s+\w+\s+in\s+[^\n:\]]{0,200}?(?:\blist_objects(?:_v2)?\(|\blist_blobs\(|\.paginate\()"
)  # (iterated: `for o in s3.list_objects_v2(Bucket='b')[…]`)
_NARROWED_LISTING = re.compile(r"[^)]{0,200}?" + _NARROWED)
_DELETES_EACH_LISTED = re.compile(r"\bdelete_(?:object|blob)\(|\.delete\(\s*\)")
# A Docker client removing every volume: docker-py's `volumes.prune()`, or each volume of
# an unfiltered `volumes.list()` removed in a loop (`[v.remove() for v in c.volumes.list()]`).
_EVERY_VOLUME = r"\bfor\s+\w+\s+in\s+[^\n:\]]{0,120}?\.volumes\.list\(\s*\)"
_PRUNES_VOLUMES = re.compile(
    r"\.volumes\.prune\(|\.pruneVolumes\(|"
    + _EVERY_VOLUME
    + r"[^\n]{0,200}?(?:\n[ \t]+[^\n]{0,200}?)?\.remove\("
    r"|\.remove\([^\n]{0,80}?"
    + _EVERY_VOLUME
    # dockerode's: each volume listVolumes() gives, removed (getVolume(v.Name).remove())
    + r"|\.listVolumes\(\s*\)[^\n]{0,200}?\.getVolume\([^\n]{0,80}?\.remove\("
)
# A Kubernetes client deleting each resource of a kind that an unnarrowed listing gives:
# python's delete_namespaced_pod over list_namespaced_pod(ns), javascript's
# deleteNamespacedPod over listNamespacedPod (no label or field selector).
_DELETES_EACH_OF_KIND = re.compile(
    r"(?i:delete_?namespaced_?(\w+))\([^\n]{0,200}?(?i:list_?namespaced_?)(?i:\1)"
    r"\((?![^)\n]*(?:label|field)_?[sS]elector)[^)\n]*\)"
    r"|(?i:list_?namespaced_?(\w+))\((?![^)\n]*(?:label|field)_?[sS]elector)[^)\n]*\)"
    r"[^\n]{0,200}?(?i:delete_?namespaced_?)(?i:\2)\("
)
# A Kubernetes client deleting namespaces: python's `CoreV1Api().delete_namespace(…)`,
# javascript's `deleteNamespace(…)`, go's `Namespaces().Delete(…)`.
_DELETES_NAMESPACE = re.compile(
    r"\bdelete_namespace\(|\bdeleteNamespace\(|Namespaces\(\)\.Delete\("
)


def saved_downloads(code: str) -> list[str]:
    """The files a one-liner saves a download into (a script it may then run)."""
    return [found[1] or found[2] for found in _SAVES_DOWNLOAD.finditer(code)]


def runs_fetched(code: str) -> bool:
    """Whether ``code`` both fetches text from the network and runs text as code."""
    if _LOADS_URL.search(code):
        return True
    return _RUNS_TEXT.search(code) is not None and _FETCHES.search(code) is not None


# Path components given apart: `os.path.join(home, '.ssh', 'id_rsa')`, `Path.home() / '.aws'
# / 'credentials'`, `"$ENV{HOME}/" . ".ssh/id_rsa"`.
_PATH_GAP = re.compile(r"\s*(?:,|/|\+|\.|\.\.)\s*")


def _joined_paths(code: str, literals: list[tuple[int, int, str]]) -> list[str]:
    joined: list[str] = []
    for (_, end, first), (start, _, second) in pairwise(literals):
        if first and second and _PATH_GAP.fullmatch(code, end, start):
            joined.append(first.rstrip("/") + "/" + second.lstrip("/"))
    return joined


def _credential_path(text: str) -> bool:
    return ("/" in text or text.startswith(".env")) and is_credential(text)


# The working folder as code spells it, and a parent of a path, as a call or an attribute.
_HERE = re.compile(
    r"(?:os\.getcwd|(?:pathlib\.)?Path\.cwd|process\.cwd|Deno\.cwd|getcwd)\(\)|Dir\.pwd"
)
_PARENT_OF = re.compile(r"(?:[\w.]*\.|require\([^()]*\)\.)?dirname\((.*)\)")
_RELATIVE = re.compile(_Q + r"(\.\.?(?:/\.\.)*)/?" + _Q)


def _deleted_here(code: str, literals: list[tuple[int, int]]) -> str | None:
    """The working folder or a parent of it that a deletion in ``code`` (its ``literals``'
    spans) is given whole, as a path from the working folder (``..``), or None."""
    deletions = [*_DELETES.finditer(code)]
    if (other := _OTHER_DELETES.search(code)) is not None:
        deletions += _OTHER_DELETES.pattern.finditer(code, other.start())
    for found in deletions:
        at = found.end()
        if not found.group().endswith("("):
            rest = code[at : at + 8].lstrip()
            if not rest.startswith("("):
                continue
            at = code.index("(", at) + 1
        first = code[at : _closing(code, at, literals, at_comma=True)].strip()
        if (here := _relative_folder(first)) is not None:
            return here
    return None


def _relative_folder(argument: str, depth: int = 0) -> str | None:
    """``argument`` as a path from the working folder when it names that folder or a parent
    of it (``'..'``, ``os.getcwd()``, ``os.path.dirname(os.getcwd())``, ``Path.cwd().parent``),
    or None."""
    if depth > 4:
        return None
    if (literal := _RELATIVE.fullmatch(argument)) is not None:
        return literal[1]
    if _HERE.fullmatch(argument):
        return "."
    inner = None
    if (parent := _PARENT_OF.fullmatch(argument)) is not None:
        inner = _relative_folder(parent[1].strip(), depth + 1)
    elif argument.endswith(".parent"):
        inner = _relative_folder(argument.removesuffix(".parent"), depth + 1)
    return None if inner is None else f"{inner}/.."


# A variable given the home folder alone: `h = Path.home()`, Go's `h, _ := os.UserHomeDir()`,
# `const home = os.homedir();`, Perl's `my $h = $ENV{HOME};`.
_HOME_ASSIGNED = re.compile(
    r"(?:\b(?:const|let|var|my|local|val)\s+)?(\$?[A-Za-z_]\w*)(?:\s*,\s*\w+)?\s*:?=\s*"
    + _HOME_MARK
    + r"[ \t]*(?:;|\n|$)"
)


def _home_named(code: str) -> str:
    """``code`` with the uses of a variable given the home folder alone standing for the
    home folder itself, the assignment gone, so that what is done with it is read where it
    is done (``rmtree(h)``: the home folder; ``rmtree(h / ".cache")``: a folder in it)."""
    for _ in range(_ALIASES):
        found = _HOME_ASSIGNED.search(code)
        if found is None:
            break
        used = re.compile(rf"(?<![\w$.]){re.escape(found[1])}\b")
        code = code[: found.start()] + used.sub(_HOME_MARK, code[found.end() :])
    return code


_ALIASES = 3  # h = Path.home(); d = h: a few names in turn


def _bare_vital(code: str, literals: list[tuple[int, int, str]]) -> str | None:
    """The root or home folder ``code`` names as a whole path (not as the start of one)."""
    spans = [(start, end) for start, end, _ in literals]
    for start, end, text in literals:
        if _NOT_A_PATH.search(code, max(0, start - 16), start) is None and _ends_path(code, end):
            text = _INTERPOLATED.sub(_HOME_MARK, text)  # "#{Dir.home}/*", `${os.homedir()}/*`
            what = vital(resolve(text.replace(_HOME_MARK, "~"), None))
            if what is not None:
                return what
    for mark in re.finditer(_HOME_MARK, code):
        if any(start < mark.start() < end for start, end in spans):
            continue
        before = code[max(0, mark.start() - 24) : mark.start()]
        if _LISTS.search(before):
            return "everything in the home folder"
        after = code[mark.end() : mark.end() + 32].lstrip(") \t")
        if re.match(r"\.(?:ok|unwrap|expect)\(", after):  # Rust's: the call's result, handled
            after = ""
        if re.match(r"\.(?:iterdir|glob|rglob|children|entries)\b", after):
            return "everything in the home folder"
        if _GLOB_JOINED.match(code, mark.end()):  # File.join(Dir.home, "*"), HOME + "/*"
            return "everything in the home folder"
        if _DELETED_AFTER.match(after):  # File(System.getProperty("user.home")).deleteDir()
            return "the home folder"
        if not re.search(r"join\(\s*$", before) and not re.match(r"[/+.\[]", after):
            return "the home folder"
    return None


# A deletion called on the home folder's object: the JVM's `File(home).deleteRecursively()`,
# Groovy's `.deleteDir()`, Dart's `Directory(home).deleteSync(recursive: true)`.
_DELETED_AFTER = re.compile(r"\.(?:deleteRecursively|deleteDir|deleteSync|delete|removeItem)\(")
# The home folder joined with a glob of every entry: `File.join(ENV["HOME"], "*")`,
# `os.path.join(home, '*')`, `HOME + "/*"`, `Path.home() / "*"`.
_GLOB_JOINED = re.compile(
    r"\)?\s*(?:,|\+|/|\.)\s*" + _Q + r"/?(?:\*\*/)?(?:\*|\.\*|\{\*,\.[^}'\"\n]*\})" + _Q
)


def _ends_path(code: str, end: int) -> bool:
    """Whether the literal ending at ``end`` is a whole path, not the head of a sum."""
    after = code[end : end + 4].lstrip(" \t")
    return not after.startswith(("+", ".", "/", "%"))
