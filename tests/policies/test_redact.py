from __future__ import annotations

import base64
import json
import random
import re
import string
import textwrap
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sluice.model import Format
from sluice.policies import redact as redact_module
from sluice.policies.redact import PII, SECRETS, Detector, Redact, redact
from sluice.policy import PolicyError
from sluice.sidecar.formats.edits import RequestEditor
from tests.policies.factories import (
    anthropic_body,
    request_hook,
    stream_text,
    text_delta_hook,
    tool_call_hook,
)

# Fake secrets, assembled here so that secret scanners do not flag this file. Bodies are
# seeded random draws: mixed case and digits, as real keys are.
_ALNUM = string.ascii_letters + string.digits
_B64URL = _ALNUM + "-_"
_B64 = _ALNUM + "+/"


def _random(alphabet: str, n: int, seed: int) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=n))


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


ANTHROPIC = "sk-ant-" + "api03-" + _random(_B64URL, 93, 1) + "AA"
OPENAI = "sk-" + "proj-" + _random(_B64URL, 74, 2) + "T3Blbk" + "FJ" + _random(_B64URL, 74, 3)
OPENAI_LEGACY = "sk-" + _random(_ALNUM, 20, 4) + "T3Blbk" + "FJ" + _random(_ALNUM, 20, 5)
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"  # AWS's documentation example
AWS_SESSION_ID = "ASIA" + _random(string.ascii_uppercase + string.digits, 16, 6)
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
GITHUB = "gh" + "p_" + _random(_ALNUM, 36, 7)
GITHUB_PAT = "github_" + "pat_" + _random(_ALNUM, 22, 8) + "_" + _random(_ALNUM, 59, 9)
SLACK = "xo" + "xb-" + "2417689410-4816397215373-" + _random(_ALNUM, 24, 10)
GOOGLE = "AI" + "za" + _random(_B64URL, 35, 11)
STRIPE = "sk_" + "live_" + _random(_ALNUM, 24, 12)
NPM = "npm" + "_" + _random(_ALNUM, 36, 30)
PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + _random(_B64URL, 120, 31)
GITLAB = "glpat" + "-" + _random(_B64URL, 20, 32)
KEY_LINES = "\n".join(_random(_B64, 64, 13 + i) for i in range(4))
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_LINES}\n-----END RSA PRIVATE KEY-----"
JWT = ".".join(
    (_b64url({"alg": "HS256", "typ": "JWT"}), _b64url({"sub": "42"}), _random(_B64URL, 43, 20))
)


def R(kind: str) -> str:
    return f"[REDACTED:{kind}]"


SECRET_CASES = [
    (f"ANTHROPIC_API_KEY={ANTHROPIC}", f"ANTHROPIC_API_KEY={R('anthropic_key')}"),
    (f"Authorization: Bearer {OPENAI}", f"Authorization: Bearer {R('openai_key')}"),
    (f"openai.api_key = '{OPENAI_LEGACY}'", f"openai.api_key = '{R('openai_key')}'"),
    (
        f"[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n",
        f"[default]\naws_access_key_id = {R('aws_access_key_id')}\n"
        f"aws_secret_access_key = {R('aws_secret_key')}\n",
    ),
    (
        f'{{"AccessKeyId": "{AWS_SESSION_ID}", "SecretAccessKey": "{AWS_SECRET}"}}',
        f'{{"AccessKeyId": "{R("aws_access_key_id")}", '
        f'"SecretAccessKey": "{R("aws_secret_key")}"}}',
    ),
    (
        f'export AWS_SECRET_ACCESS_KEY="{AWS_SECRET}"',
        f'export AWS_SECRET_ACCESS_KEY="{R("aws_secret_key")}"',
    ),
    (f"GH_TOKEN={GITHUB} gh pr list", f"GH_TOKEN={R('github_token')} gh pr list"),
    (f"token: {GITHUB_PAT}", f"token: {R('github_token')}"),
    (f"SLACK_BOT_TOKEN={SLACK}", f"SLACK_BOT_TOKEN={R('slack_token')}"),
    (f"maps.js?key={GOOGLE}&v=3", f"maps.js?key={R('google_api_key')}&v=3"),
    (f"stripe.api_key = {STRIPE}", f"stripe.api_key = {R('stripe_key')}"),
    (
        f"//registry.npmjs.org/:_authToken={NPM}",
        f"//registry.npmjs.org/:_authToken={R('npm_token')}",
    ),
    (f"password = {PYPI}", f"password = {R('pypi_token')}"),
    (f"GITLAB_TOKEN={GITLAB} glab mr list", f"GITLAB_TOKEN={R('gitlab_token')} glab mr list"),
    (f"Here it is:\n{PEM}\nKeep it safe.", f"Here it is:\n{R('private_key')}\nKeep it safe."),
    # Inside a string literal, line ends are escaped.
    (
        'KEY = "' + PEM.replace("\n", "\\n") + '\\n"',
        f'KEY = "{R("private_key")}\\n"',
    ),
    # Cut short (max_tokens): what arrived goes.
    (
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_LINES[:100]}",
        R("private_key"),
    ),
    (f"curl -H 'Authorization: Bearer {JWT}' x", f"curl -H 'Authorization: Bearer {R('jwt')}' x"),
    (
        "DATABASE_URL=postgres://app:s3cr3t-Pw@db.internal:5432/orders",
        f"DATABASE_URL=postgres://app:{R('password')}@db.internal:5432/orders",
    ),
    ("mysql://root:hunter2@127.0.0.1/shop", f"mysql://root:{R('password')}@127.0.0.1/shop"),
    (
        # An unescaped @ in the password: everything up to the host's @ goes.
        "mongodb+srv://admin:p@ss:w0rd@cluster0.abcde.mongodb.net/db?retryWrites=true",
        f"mongodb+srv://admin:{R('password')}@cluster0.abcde.mongodb.net/db?retryWrites=true",
    ),
    ("redis://:cache-pw@redis:6379/0", f"redis://:{R('password')}@redis:6379/0"),
    ("amqp://guest:Gu3st!@mq:5672/", f"amqp://guest:{R('password')}@mq:5672/"),
    # Two detectors on one span: the earlier in SECRETS names it, nothing leaks.
    (
        f"git clone https://x-access-token:{GITHUB}@github.com/org/repo.git",
        f"git clone https://x-access-token:{R('github_token')}@github.com/org/repo.git",
    ),
    (f"{ANTHROPIC}\n{GITHUB}", f"{R('anthropic_key')}\n{R('github_token')}"),
]


@pytest.mark.parametrize(("text", "expected"), SECRET_CASES)
def test_secrets_are_redacted(text: str, expected: str) -> None:
    kinds = frozenset(re.findall(r"\[REDACTED:(\w+)\]", expected))
    assert redact(text) == (expected, kinds)


LOOK_ALIKES = [
    "pip install scikit-learn  # sk-learn in some old docs",
    "sk-learn-extra-components-for-the-preprocessing-pipeline",
    "sk-ant-design-system-components-and-the-icon-library",
    "mask-" + _random(_ALNUM, 48, 30),  # the tail of a word, not a key
    "task_" + _random(_ALNUM, 48, 31),
    f"X{AWS_ID}",
    "AKIA1234",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b",
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "id=550e8400-e29b-41d4-a716-446655440000",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxx",
    "SLACK_TOKEN=xoxb-your-token-here",
    "import eyeglasses.prescription.left_lens",
    # A JSON segment, but no JWT header.
    f"{_b64url({'user': 'bob'})}.{_b64url({'n': 1})}.abc",
    "data:image/png;base64," + base64.b64encode(random.Random(40).randbytes(3000)).decode(),
    base64.urlsafe_b64encode(random.Random(41).randbytes(3000)).decode(),
    'if pem.startswith("-----BEGIN PRIVATE KEY-----"):\n    end = "-----END PRIVATE KEY-----"',
    "The -----BEGIN RSA PRIVATE KEY----- and -----END RSA PRIVATE KEY----- lines frame it.",
    f"-----BEGIN PUBLIC KEY-----\n{KEY_LINES}\n-----END PUBLIC KEY-----",
    # Alone, an AWS secret is forty anonymous characters.
    AWS_SECRET,
    "SECRET_KEY = 'django-insecure-k3y-for-dev-only'",
    "postgres://app:${DB_PASSWORD}@db:5432/orders",
    'f"postgres://{user}:{password}@{host}/{db}"',
    "https://user:password@example.com/  (userinfo, as in RFC 3986)",
    "postgres://app@db/orders",
    "ssh://git@github.com/org/repo.git",
    "http://localhost:8080/docs@v2",
    "jane.doe@example.com or +44 20 7946 0958 (PII is off by default)",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_pass(text: str) -> None:
    assert redact(text) == (text, frozenset())


PII_CASES = [
    ("write to jane.doe+news@example.co.uk.", f"write to {R('email')}."),
    ("<bob@mail.example.org>", f"<{R('email')}>"),
    ("call +44 20 7946 0958 today", f"call {R('phone')} today"),
    ("+1 (415) 555-2671", R("phone")),
    ("tel:+14155552671", f"tel:{R('phone')}"),
    ("(415) 555-2671", R("phone")),
    ("415-555-2671", R("phone")),
    ("415.555.2671", R("phone")),
    ("01 23 45 67 89", R("phone")),
    ("020 7946 0958", R("phone")),
    # A URL's password is a password, not an email.
    (
        "postgres://bob:pw1@example.com/db",
        f"postgres://bob:{R('password')}@example.com/db",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PII_CASES)
def test_pii_is_redacted(text: str, expected: str) -> None:
    kinds = frozenset(re.findall(r"\[REDACTED:(\w+)\]", expected))
    assert redact(text, SECRETS + PII) == (expected, kinds)


PII_LOOK_ALIKES = [
    "git remote add origin git@github.com:org/repo.git",
    "background: url(icon@2x.png)",
    "@dataclass(frozen=True)",
    "npm i @types/node@20.11.5",
    "created 1700000000123, id 4155552671",  # bare digits are never a phone number
    "total 12 345 678 901",  # thousands
    "2024-01-15 and 2024-01-15-10-30",
    "192.168.100.200",
    "550e8400-e29b-41d4-a716-446655440000",
    "version 10.2.3",
    "4111 1111 1111 1111",
    "1e+10, x+12, 10:30-11:45",
    "00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|",
    "+1 555",
]


@pytest.mark.parametrize("text", PII_LOOK_ALIKES)
def test_pii_look_alikes_pass(text: str) -> None:
    assert redact(text, SECRETS + PII) == (text, frozenset())


SAMPLES = [ANTHROPIC, OPENAI, AWS_ID, GITHUB, GITHUB_PAT, SLACK, GOOGLE, STRIPE, PEM, JWT]


@given(st.lists(st.tuples(st.text(max_size=40), st.sampled_from(SAMPLES)), min_size=1))
def test_a_secret_among_any_text_never_survives(pieces: list[tuple[str, str]]) -> None:
    text = " \n ".join(f"{filler} \n {secret}" for filler, secret in pieces)
    redacted, kinds = redact(text)
    assert kinds
    for _, secret in pieces:
        assert secret not in redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x abcd x", f"x {R('a')} x"),  # overlapping: merged, named by the first to start
        ("x bcde x", f"x {R('b')} x"),
        ("x abc bcd x", f"x {R('a')} {R('b')} x"),
        ("x zabcz x", f"x {R('b')} x"),  # inside a longer finding of a later detector
    ],
)
def test_overlapping_findings_merge(text: str, expected: str) -> None:
    detectors = [Detector("a", re.compile("abc")), Detector("b", re.compile("bcde?|zabcz"))]
    assert redact(text, detectors)[0] == expected


# --- the policy -------------------------------------------------------------------------


def make(**config: Any) -> Redact:
    policy = Redact.configure(config)
    assert isinstance(policy, Redact)
    return policy


async def request_after(
    body: dict[str, Any], fmt: Format = Format.ANTHROPIC, **config: Any
) -> dict[str, Any]:
    """The body the provider receives when ``body`` goes through ``Redact(config)``."""
    hook = request_hook(body, fmt)
    await make(**config).request(hook)
    assert isinstance(hook.edits, RequestEditor)
    return hook.edits.body


async def test_request_text_everywhere() -> None:
    body = anthropic_body(
        system=[{"type": "text", "text": f"Use {GITHUB} for the API."}],
        messages=[
            {"role": "user", "content": f"my key is {ANTHROPIC}"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "Read", "input": {}}],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": f"K={AWS_ID}"}],
            },
        ],
    )
    out = await request_after(body)
    assert out["system"][0]["text"] == f"Use {R('github_token')} for the API."
    assert out["messages"][0]["content"] == f"my key is {R('anthropic_key')}"
    assert out["messages"][2]["content"][0]["content"] == f"K={R('aws_access_key_id')}"


async def test_request_openai_chat() -> None:
    body = {"model": "gpt-5", "messages": [{"role": "user", "content": f"use {OPENAI}"}]}
    out = await request_after(body, Format.OPENAI_CHAT)
    assert out["messages"][0]["content"] == f"use {R('openai_key')}"


async def test_clean_request_is_untouched() -> None:
    hook = request_hook(anthropic_body(messages=[{"role": "user", "content": "hello"}]))
    await make().request(hook)
    assert isinstance(hook.edits, RequestEditor)
    assert not hook.edits.changed


async def test_response_text() -> None:
    hook = text_delta_hook(f"Set `STRIPE_KEY={STRIPE}` and restart.")
    await make().text_delta(hook)
    assert hook.text == f"Set `STRIPE_KEY={R('stripe_key')}` and restart."


async def test_tool_call_arguments_are_rewritten() -> None:
    arguments = {
        "file_path": "/app/.env",
        "content": f"DATABASE_URL=postgres://app:pw-123@db/app\nGH={GITHUB}\n",
        "env": [{"AWS_SECRET_ACCESS_KEY": AWS_SECRET}],  # the key is the label
        "mode": 420,
    }
    hook = tool_call_hook("Write", arguments)
    await make().tool_call(hook)
    assert hook.blocked is None
    assert hook.arguments() == {
        "file_path": "/app/.env",
        "content": f"DATABASE_URL=postgres://app:{R('password')}@db/app\nGH={R('github_token')}\n",
        "env": [{"AWS_SECRET_ACCESS_KEY": R("aws_secret_key")}],
        "mode": 420,
    }


async def test_clean_tool_call_is_untouched() -> None:
    raw = '{"command":  "ls -la"}'  # odd spacing: a rewrite would show
    hook = tool_call_hook("Bash", raw)
    await make().tool_call(hook)
    assert (hook.call.arguments, hook.blocked) == (raw, None)


async def test_unreadable_tool_call_with_a_secret_is_blocked() -> None:
    hook = tool_call_hook("Bash", f'{{"command": "echo {GITHUB}')  # cut short
    await make().tool_call(hook)
    assert hook.blocked is not None
    assert "github_token" in hook.blocked


@pytest.mark.parametrize(
    ("directions", "hooks"),
    [
        (None, {"request", "text_delta", "tool_call"}),
        (["request", "response"], {"request", "text_delta", "tool_call"}),
        (["request"], {"request"}),
        ("request", {"request"}),
        (["response"], {"text_delta", "tool_call"}),
        ("both", {"request", "text_delta", "tool_call"}),
    ],
)
def test_hooks_follow_directions(directions: list[str] | str | None, hooks: set[str]) -> None:
    # A request-only policy must not make the gateway hold response text or tool calls.
    config = {} if directions is None else {"directions": directions}
    assert make(**config).hooks() == hooks


async def test_pii_only_when_asked() -> None:
    text = "mail jane@example.com, call +44 20 7946 0958"
    hook = text_delta_hook(text)
    await make().text_delta(hook)
    assert hook.text == text
    await make(pii=True).text_delta(hook)
    assert hook.text == f"mail {R('email')}, call {R('phone')}"


async def test_custom_patterns_and_replacement() -> None:
    policy = make(
        secrets=False,
        custom=[
            {"name": "employee_id", "pattern": r"EMP-\d{6}"},
            {"name": "vault_token", "pattern": r"VAULT_TOKEN=(?P<secret>\S+)"},
        ],
        replacement="<{kind}>",
    )
    hook = text_delta_hook(f"EMP-123456 VAULT_TOKEN=hvs.abc123 {GITHUB}")
    await policy.text_delta(hook)
    assert hook.text == f"<employee_id> VAULT_TOKEN=<vault_token> {GITHUB}"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"custom": [{"name": "emp", "pattern": r"EMP-(\d"}]}, "custom.0: .*'emp'.*RE2.*missing"),
        (
            {"custom": [{"name": "tok", "pattern": r"(?<=token=)\w+"}]},
            r"custom.0: .*'tok'.*RE2.*no look-around",
        ),
        ({"custom": [{"name": "any", "pattern": r"x*"}]}, "'any' matches the empty string"),
        ({"custom": [{"name": "a b", "pattern": "x"}]}, "custom.0.name"),
        ({"custom": [{"pattern": "x"}]}, "custom.0.name: Field required"),
        ({"replacement": "[{what}]"}, r"replacement: .*only \{kind\}"),
        ({"replacement": "[{kind]"}, "replacement: .*bad template"),
        ({"secrets": False}, "nothing to redact"),
        ({"directions": []}, "directions"),
        ({"directions": ["outbound"]}, "directions"),
        ({"pii": "sometimes"}, "pii"),
        ({"secret": True}, "secret: Extra inputs"),
    ],
)
def test_bad_config_is_refused_at_load(config: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Redact.configure(config)


def test_documented_example_configures() -> None:
    assert redact_module.__doc__ is not None
    example = redact_module.__doc__.split(".. code-block:: yaml")[1].split("\n\n")[1]
    (entry,) = yaml.safe_load(textwrap.dedent(example))["policies"]
    assert entry["name"] == "redact"
    assert Redact.configure(entry["config"]).hooks() == {"request", "text_delta", "tool_call"}


# Streamed: text_delta sees the text piece by piece --------------------------------------


@pytest.mark.parametrize(("text", "expected"), SECRET_CASES + PII_CASES)
async def test_a_finding_cut_anywhere_in_a_stream_is_redacted_as_in_a_whole_block(
    text: str, expected: str
) -> None:
    policy = make(pii=True)
    for cut in range(1, len(text)):
        out, most = await stream_text(policy, [text[:cut], text[cut:]])
        assert out == expected, f"cut at {cut}"
        assert most <= policy.lookback


@given(
    st.lists(st.tuples(st.text(max_size=30), st.sampled_from(SAMPLES)), min_size=1, max_size=3),
    st.lists(st.integers(1, 40), min_size=1, max_size=60),
)
async def test_secrets_in_a_stream_cut_at_random_are_redacted(
    parts: list[tuple[str, str]], sizes: list[int]
) -> None:
    text = "".join(f"{prose} {secret} " for prose, secret in parts)
    pieces, at = [], 0
    for size in sizes * (len(text) // sum(sizes) + 1):
        if at >= len(text):
            break
        pieces.append(text[at : at + size])
        at += size
    policy = make()
    out, _ = await stream_text(policy, pieces)
    assert out == redact(text)[0]


async def test_prose_is_released_but_for_its_last_word() -> None:
    policy, held, released = make(), "", ""
    for piece, still_held in [("Deploy ", ""), ("with the usual", "usual"), (" steps", "steps")]:
        hook = text_delta_hook(held + piece, final=False)
        await policy.text_delta(hook)
        released += hook.text[: hook.settled]
        held = hook.text[hook.settled :]
        assert held == still_held
    assert released == "Deploy with the usual "


async def test_a_custom_pattern_cannot_stall_a_worker() -> None:
    # (x+x+)+y backtracks exponentially in Python's re on a run of x without a y; RE2 runs
    # in time linear in the text.
    policy = make(custom=[{"name": "evil", "pattern": "(x+x+)+y"}])
    hook = text_delta_hook("x" * 20_000)
    await policy.text_delta(hook)
    assert hook.text == "x" * 20_000
    hook = text_delta_hook("x" * 20_000 + "y")
    await policy.text_delta(hook)
    assert hook.text == R("evil")
