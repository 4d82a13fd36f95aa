from __future__ import annotations

import doctest

import pytest

from sluice.policies import _targets
from sluice.policies._targets import is_credential, is_secret, resolve, vital


def test_examples_in_docs() -> None:
    assert doctest.testmod(_targets).failed == 0


@pytest.mark.parametrize(
    ("word", "cwd", "what"),
    [
        ("/", None, "the whole filesystem"),
        ("//", None, "the whole filesystem"),
        ("/*", None, "everything in the whole filesystem"),
        ("/home/dev/..", None, "every home folder"),
        ("~", None, "the home folder"),
        ("~/", None, "the home folder"),
        ("~/.*", None, "everything in the home folder"),
        ("~/{*,.*}", None, "everything in the home folder"),
        ("$HOME", None, "the home folder"),
        ("${HOME}/", None, "the home folder"),
        ("~bob", None, "the home folder"),
        ("/Users/Jane Doe", None, "the home folder"),
        ("/root/", None, "the home folder"),
        ("C:\\Users\\dev", None, "the home folder"),
        ("~/projects/..", None, "the home folder"),
        (".", "/home/dev", "the home folder"),
        ("*", "/home/dev", "everything in the home folder"),
        ("..", "/home/dev/app", "the home folder"),
        ("../../..", "/home/dev/app", "the whole filesystem"),
        ("/etc", None, "the system folder /etc"),
        ("/usr/lib", None, "the system folder /usr/lib"),
        # Not vital: below a home folder, unknown, or a variable that may hold anything.
        ("~/projects", None, None),
        ("~/.cache", None, None),
        ("/home/dev/app/build", None, None),
        (".", None, None),
        ("*", "/home/dev/app", None),
        ("$HOME/$DIR", None, None),
        ("/tmp", None, None),
        ("/usr/local/lib/node_modules", None, None),
        ("~/*.log", None, None),
    ],
)
def test_vital(word: str, cwd: str | None, what: str | None) -> None:
    assert vital(resolve(word, cwd)) == what


@pytest.mark.parametrize(
    ("path", "secret", "credential"),
    [
        ("~/.ssh/authorized_keys", True, False),  # a key to let in, not one to steal
        ("~/.ssh/id_ed25519", True, True),
        ("~/.ssh/id_ed25519.pub", False, False),  # a public key: it lets no one in
        ("/home/dev/.aws/credentials", True, True),
        ("~/.aws/config", False, True),
        ("/home/dev/.netrc", True, True),
        ("~/.kube/config", True, True),
        ("~/.config/gcloud/application_default_credentials.json", True, True),
        (".env", False, True),
        ("app/.env.production", False, True),
        (".env.example", False, False),
        ("certs/server.key", False, True),
        ("/etc/shadow", True, True),
        ("fixtures/shadow", False, False),
        ("src/config.py", False, False),
        ("docs/ssh.md", False, False),
    ],
)
def test_credentials(path: str, secret: bool, credential: bool) -> None:
    assert is_secret(path) is secret
    assert is_credential(path) is credential
