"""File servers that put a folder on the network, and whether that folder holds the user's
credentials: the root, every home folder, a home folder (with its ``.ssh``, ``.aws``,
``.kube``), or a credential folder itself.

    >>> served_credentials(["python3", "-m", "http.server", "8000"], "/home/dev")
    'the home folder (/home/dev)'
    >>> served_credentials(["python3", "-m", "http.server", "-b", "127.0.0.1"], "/home/dev")

Every server here listens on all the machine's addresses unless told otherwise, so what it
serves can be fetched by anyone who reaches the machine: ``python -m http.server`` (and
Python 2's ``SimpleHTTPServer``), ``http-server``, ``serve``, ``live-server``,
``miniserve``, ``darkhttpd``, ``caddy file-server``, ``busybox httpd -h``, ``ruby -run -e
httpd``, ``php -S`` on an address that is not the loopback, and ``ngrok http file://…``
(its own file server, put on the internet). One told to listen on the
loopback only (``--bind 127.0.0.1``, ``-a localhost``, ``php -S localhost:8000``) serves
this machine alone, and passes; so does serving a project's folder. Linear in the
command's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sluice.policies._targets import is_credential, resolve, vital
from sluice.policies._wrappers import PYTHON, operands, option_values, python_module

__all__ = ["served_credentials", "serves"]


@dataclass(frozen=True, slots=True)
class _Server:
    """Where a file server is told its folder and its address.

    ``folder``: its options naming the folder served (else its first operand, or the
    working directory); ``address``: its options naming the address it listens on;
    ``takes``: its other options that take the next word as their value; ``operand``:
    whether its first operand is the folder; ``here``: whether, given no folder, it serves
    the working directory.
    """

    folder: frozenset[str] = frozenset()
    address: frozenset[str] = frozenset()
    takes: frozenset[str] = frozenset()
    operand: bool = True
    here: bool = True


_NODE = _Server(address=frozenset({"-a", "--address", "-l", "--listen", "--host"}))
# The servers run as programs (busybox's `busybox httpd -h DIR` is read through busybox as
# `httpd`; Apache's, given no -h, is not taken for it).
_PROGRAMS: dict[str, _Server] = {
    "http-server": _NODE,
    "serve": _NODE,
    "live-server": _NODE,
    "miniserve": _Server(address=frozenset({"-i", "--interfaces"})),
    "darkhttpd": _Server(address=frozenset({"--addr"})),
    "caddy": _Server(frozenset({"-r", "--root"}), frozenset({"-l", "--listen"}), operand=False),
    "httpd": _Server(frozenset({"-h"}), operand=False, here=False),
}
# Python's modules (`python3 -m http.server`) and Ruby's `ruby -run -e httpd DIR`.
_MODULES: dict[str, _Server] = {
    "http.server": _Server(
        frozenset({"-d", "--directory"}), frozenset({"-b", "--bind"}), operand=False
    ),
    "SimpleHTTPServer": _Server(operand=False),
}
_RUBY = _Server(address=frozenset({"-b", "--bind-address"}), takes=frozenset({"-p"}))
_SERVERS = frozenset({"ruby", "php", "ngrok"} | _PROGRAMS.keys())
_LOOPBACK = ("127.", "localhost", "::1", "[::1]", "ip6-localhost")


def serves(name: str) -> bool:
    """Whether the program ``name`` may serve files (:func:`served_credentials`): a server,
    or an interpreter that runs one (Python, Ruby, PHP)."""
    return name in _SERVERS or PYTHON.fullmatch(name) is not None


def served_credentials(words: Sequence[str], cwd: str | None) -> str | None:
    """What credentials the file server ``words`` (unwrapped) run in ``cwd`` puts on the
    network, named, or None."""
    name, args = words[0].rpartition("/")[2], list(words[1:])
    if PYTHON.fullmatch(name):  # python3 -m http.server
        module, args = python_module(name, args) or ("", [])
        server = _MODULES.get(module)
    elif name == "ruby":
        server, args = (_RUBY, args[3:]) if args[:3] == ["-run", "-e", "httpd"] else (None, [])
    elif name == "php":
        return _php(args, cwd)
    elif name == "ngrok":  # ngrok http file:///home/dev: its own file server, on the internet
        served = [a.removeprefix("file://") for a in args[1:] if a.startswith("file://")]
        return _holds_credentials(served[0], cwd) if args[:1] == ["http"] and served else None
    elif name == "caddy":  # its file-server, not another of its commands
        server, args = (_PROGRAMS[name], args[1:]) if args[:1] == ["file-server"] else (None, [])
    else:
        server = _PROGRAMS.get(name)
    if server is None:
        return None
    if any(_loopback(value) for value in option_values(args, server.address)):
        return None
    folders = option_values(args, server.folder, paths=True)
    if not folders and server.operand:
        folders = operands(args, server.folder | server.address | server.takes)[:1]
    if not folders and not server.here:
        return None
    return _holds_credentials(folders[-1] if folders else ".", cwd)


def _php(args: Sequence[str], cwd: str | None) -> str | None:
    """``php -S ADDRESS [-t FOLDER]``: its built-in server, not on the loopback."""
    address = next((b for a, b in pairwise(args) if a == "-S"), None)
    if address is None or _loopback(address):
        return None
    folder = next((b for a, b in pairwise(args) if a == "-t"), ".")
    return _holds_credentials(folder, cwd)


def _loopback(address: str) -> bool:
    """Whether listening on ``address`` (``127.0.0.1``, ``localhost:8000``) serves this
    machine alone."""
    return address.removeprefix("tcp://").startswith(_LOOPBACK)


def _holds_credentials(folder: str, cwd: str | None) -> str | None:
    """What credentials serving ``folder`` (from ``cwd``) exposes, named, or None."""
    path = resolve(folder, cwd)
    if path is None:
        return None
    what = vital(path)
    text = path.text.replace("/home/~", "~", 1)
    if what in ("the whole filesystem", "the home folder", "every home folder"):
        return f"{what} ({text})"
    return f"the credentials in {text}" if is_credential(path.text) else None
