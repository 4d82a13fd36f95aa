"""A file server that puts on the network a folder holding the user's credentials (the
root, a home folder, ``~/.ssh``, ``~/.aws``) lets anyone who reaches the machine fetch
them; serving a project's folder, or listening on the loopback only, passes."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("python3 -m http.server 8000", HOME),
        ("cd ~ && python3 -m http.server", None),
        ("cd ~/.ssh && python -m http.server 8080 &", None),
        ("python3 -m http.server 9000 --directory ~/.aws", None),
        ("python3 -m http.server -d / 8000", None),
        ("python2 -m SimpleHTTPServer 8000", HOME),
        ("npx http-server ~ -p 8080", None),
        ("npx serve -l 3000 $HOME", None),
        ("npx live-server ~/.kube", None),
        ("miniserve ~/.ssh", None),
        ("darkhttpd /home/dev --port 8080", None),
        ("caddy file-server --root ~ --listen :8080", None),
        ("busybox httpd -f -p 8080 -h /", None),
        ("ruby -run -e httpd ~ -p 8000", None),
        ("php -S 0.0.0.0:8000 -t ~", None),
    ],
)
def test_serving_a_folder_of_credentials_is_exfiltration(command: str, cwd: str | None) -> None:
    assert bash(command, cwd) == "credential_exfiltration"


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("python3 -m http.server 8000", None),  # the project's folder
        ("python3 -m http.server --directory dist", HOME),
        ("python3 -m http.server -b 127.0.0.1 8000", HOME),
        ("python3 -m http.server --bind=localhost", HOME),
        ("npx http-server ~ -a 127.0.0.1", None),
        ("npx serve dist", None),
        ("php -S localhost:8000", HOME),
        ("php -S 0.0.0.0:8000 -t public", None),
        ("ruby -run -e httpd . -p 8000", None),
        ("busybox httpd -f -p 8080 -h ./www", HOME),
        ("httpd -k start", HOME),  # Apache's: its own document root
        ("caddy run", HOME),
        ("python3 -m pip install -r requirements.txt", HOME),
    ],
)
def test_serving_a_project_or_the_loopback_passes(command: str, cwd: str | None) -> None:
    assert bash(command, cwd) is None
