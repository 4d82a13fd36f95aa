"""Token budgets counted per worker: checks, charges, windows, and syncing through a ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sluice.config import LimitsConfig
from sluice.model import Format
from sluice.sidecar.budgets import (
    CLIENT,
    MICRO,
    MONTH,
    TEAM,
    Budgets,
    Window,
    WindowKey,
    window,
)
from sluice.sidecar.metering import charged_tokens
from sluice.sidecar.usage import ResponseMeter

DAY, MINUTE = 86400, 60


def limits(**extra: object) -> LimitsConfig:
    return LimitsConfig.model_validate(
        {
            "tokens_per_client": [{"tokens": 100, "per": "minute"}, {"tokens": 1000, "per": "day"}],
            "tokens_per_team": [{"tokens": 500, "per": "day"}],
        }
        | extra
    )


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Ledger:
    """An in-memory stand-in for the store's ledger, shared by several Budgets."""

    def __init__(self) -> None:
        self.rows: dict[WindowKey, int] = {}
        self.down = False

    async def exchange(
        self, increments: dict[WindowKey, int], windows: list[Window]
    ) -> dict[WindowKey, int]:
        if self.down:
            raise ConnectionError("store down")
        for key, tokens in increments.items():
            self.rows[key] = self.rows.get(key, 0) + tokens
        return {k: v for k, v in self.rows.items() if (k[0], k[1]) in set(windows)}


def test_a_budget_allows_until_spent_and_says_when_it_resets() -> None:
    clock = Clock(1_800_000_030.0)  # 30 s into a minute
    budgets = Budgets(limits(), clock=clock)
    assert budgets.check(CLIENT, "key:a", MINUTE) == budgets.check(CLIENT, "key:a", MINUTE)
    budgets.charge(CLIENT, "key:a", MINUTE, 99)
    verdict = budgets.check(CLIENT, "key:a", MINUTE)
    assert verdict is not None
    assert (verdict.allowed, verdict.remaining, verdict.reset_s) == (True, 1, 30)
    budgets.charge(CLIENT, "key:a", MINUTE, 5)
    verdict = budgets.check(CLIENT, "key:a", MINUTE)
    assert verdict is not None
    assert not verdict.allowed
    assert budgets.check(CLIENT, "key:b", MINUTE).allowed  # type: ignore[union-attr]
    clock.now += 30  # the next minute
    assert budgets.check(CLIENT, "key:a", MINUTE).allowed  # type: ignore[union-attr]


def test_no_budget_no_verdict_and_remaining_is_the_tightest() -> None:
    budgets = Budgets(limits(), clock=Clock())
    assert budgets.check(TEAM, "blue", MINUTE) is None
    budgets.charge(TEAM, "blue", MINUTE, 10)  # ignored: no such budget
    assert budgets.remaining(None, None) is None
    budgets.charge(CLIENT, "key:a", MINUTE, 40)
    budgets.charge(TEAM, "blue", DAY, 450)
    assert budgets.remaining("key:a", None) == 60
    assert budgets.remaining("key:a", "blue") == 50


async def test_two_replicas_see_each_others_charges_after_a_sync() -> None:
    ledger, clock = Ledger(), Clock()
    first, second = Budgets(limits(), ledger, clock), Budgets(limits(), ledger, clock)
    first.charge(CLIENT, "key:a", DAY, 700)
    second.charge(CLIENT, "key:a", DAY, 200)
    assert second.remaining("key:a", None) == 100  # the minute budget, locally
    await first.sync()
    await second.sync()
    await first.sync()
    for replica in (first, second):
        assert replica.check(CLIENT, "key:a", DAY).remaining == 100  # type: ignore[union-attr]
    second.charge(CLIENT, "key:a", DAY, 100)
    assert not second.check(CLIENT, "key:a", DAY).allowed  # type: ignore[union-attr]


async def test_a_replica_learns_of_clients_it_never_saw() -> None:
    ledger, clock = Ledger(), Clock()
    first, second = Budgets(limits(), ledger, clock), Budgets(limits(), ledger, clock)
    first.charge(CLIENT, "key:a", DAY, 1000)
    await first.sync()
    await second.sync()
    assert not second.check(CLIENT, "key:a", DAY).allowed  # type: ignore[union-attr]


async def test_when_the_store_is_down_counting_goes_on_and_catches_up() -> None:
    ledger, clock = Ledger(), Clock()
    budgets = Budgets(limits(), ledger, clock)
    budgets.charge(CLIENT, "key:a", DAY, 300)
    await budgets.sync()
    ledger.down = True
    budgets.charge(CLIENT, "key:a", DAY, 300)
    await budgets.sync()
    assert budgets.sync_failures == 1
    assert budgets.check(CLIENT, "key:a", DAY).remaining == 400  # type: ignore[union-attr]
    ledger.down = False
    await budgets.sync()
    assert ledger.rows[(DAY, int(clock.now) // DAY * DAY, "client=key:a")] == 600
    assert budgets.check(CLIENT, "key:a", DAY).remaining == 400  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("chunks", "tokens"),
    [
        # Anthropic: input in message_start (cache apart), the final output in message_delta.
        (
            [
                b'event: message_start\ndata: {"message":{"usage":{"input_tokens":10,'
                b'"cache_creation_input_tokens":5,"cache_read_input_tokens":100,'
                b'"output_tokens":1}}}\n\n',
                b'event: message_delta\ndata: {"usage":{"output_tokens":42}}\n\n',
            ],
            157,
        ),
        # OpenAI chat's usage chunk, split inside a key and inside a number.
        ([b'data: {"usage":{"prompt_tok', b'ens":12,"completion_tokens":3', b"0}}\n\n"], 42),
        # A model's text mentioning usage is escaped JSON: not counted.
        ([b'data: {"delta":{"text":"\\"output_tokens\\": 999"}}\n\n'], 100),
        ([b"no usage at all"], 100),  # the estimate: 400 bytes of request
    ],
)
def test_tokens_charged_for_a_response(chunks: list[bytes], tokens: int) -> None:
    meter = ResponseMeter(Format.ANTHROPIC, started=0.0)
    for chunk in chunks:
        meter.feed(chunk, now=1.0)
    assert charged_tokens(meter.usage(), request_bytes=400) == tokens


def test_exhausted_names_the_longest_wait_among_the_spent_budgets() -> None:
    clock = Clock(1_800_000_000.0)  # 08:00 UTC: 16 h left of the day, 60 s of the minute
    budgets = Budgets(limits(), clock=clock)
    assert budgets.exhausted("alice", "pay") is None
    budgets.charge_all("alice", "pay", 100)
    assert budgets.exhausted("alice", "pay") == 60  # the client's minute is spent
    assert budgets.exhausted("bob", "pay") is None  # the team's day is not
    budgets.charge_all("bob", "pay", 400)
    assert budgets.exhausted("carol", "pay") == 16 * 3600  # now the team's day is


def test_a_keys_own_daily_budget_counts_beside_the_configured_ones() -> None:
    budgets = Budgets(LimitsConfig(), clock=Clock())
    assert budgets.exhausted("alice", None, "key_1", 50) is None
    budgets.charge_all("alice", None, 30, "key_1", 50)
    assert budgets.remaining("alice", None, "key_1", 50) == 20
    budgets.charge_all("alice", None, 30, "key_1", 50)
    assert budgets.exhausted("alice", None, "key_1", 50) is not None
    assert budgets.exhausted("alice", None, "key_2", 50) is None  # another key
    assert budgets.exhausted("alice", None, "key_1", None) is None  # no budget of its own


async def test_a_keys_charges_are_shared_through_the_ledger() -> None:
    ledger = Ledger()
    first = Budgets(LimitsConfig(), ledger, clock=Clock())
    second = Budgets(LimitsConfig(), ledger, clock=Clock())
    first.charge_all("alice", None, 60, "key_1", 50)
    await first.sync()
    await second.sync()
    assert second.exhausted("alice", None, "key_1", 50) is not None


# --- dollar budgets -----------------------------------------------------------------------


def dollars(**extra: object) -> LimitsConfig:
    return LimitsConfig.model_validate(
        {
            "usd_per_client": [{"usd": 10, "per": "day"}],
            "usd_per_team": [{"usd": 100, "per": "month"}],
            "usd_per_key": [{"usd": 2, "per": "day"}],
        }
        | extra
    )


def test_a_dollar_budget_is_spent_in_dollars_and_says_so() -> None:
    budgets = Budgets(dollars(), clock=Clock())
    standing = budgets.standing_all("alice", "pay", "key_1")
    assert (standing.renews_s, standing.tokens_left, standing.usd_left) == (None, None, 2.0)
    budgets.charge_all("alice", "pay", 5000, "key_1", usd=1.25)
    assert budgets.standing_all("alice", "pay", "key_1").usd_left == pytest.approx(0.75)
    assert budgets.standing_all("alice", "pay", "key_2").usd_left == 2.0  # the key's own $2
    assert budgets.standing_all("alice", "pay").usd_left == pytest.approx(8.75)  # hers
    budgets.charge_all("alice", "pay", 5000, "key_1", usd=0.75)
    spent = budgets.standing_all("alice", "pay", "key_1")
    assert spent.renews_s is not None
    assert spent.dollars_spent
    assert budgets.exhausted("alice", "pay", "key_2") is None  # another key of hers
    # Tokens were charged nowhere: no token budget is configured.
    assert budgets.remaining("alice", "pay", "key_1") is None


def test_a_month_is_the_calendar_month_in_utc() -> None:
    # 2027-02-27 12:00 UTC: the month renews on 1 March, 1.5 days later.
    clock = Clock(datetime(2027, 2, 27, 12, tzinfo=UTC).timestamp())
    budgets = Budgets(dollars(), clock=clock)
    budgets.charge_all("alice", "pay", 0, usd=100)
    assert budgets.exhausted("bob", "pay") == 36 * 3600
    clock.now = datetime(2027, 3, 1, tzinfo=UTC).timestamp()  # a new month: spent no more
    assert budgets.exhausted("bob", "pay") is None
    assert window(MONTH, datetime(2027, 12, 31, 23, tzinfo=UTC).timestamp()) == (
        int(datetime(2027, 12, 1, tzinfo=UTC).timestamp()),
        int(datetime(2028, 1, 1, tzinfo=UTC).timestamp()),
    )


async def test_dollars_are_shared_through_the_ledger_in_millionths() -> None:
    ledger, clock = Ledger(), Clock()
    first, second = Budgets(dollars(), ledger, clock), Budgets(dollars(), ledger, clock)
    first.charge_all("alice", "pay", 100, usd=6.5)
    second.charge_all("alice", "pay", 100, usd=3.5)
    await first.sync()
    await second.sync()
    await first.sync()
    day = int(clock.now) // DAY * DAY
    assert ledger.rows[(DAY, day, "usd.client=alice")] == 10 * MICRO
    for replica in (first, second):
        assert replica.exhausted("alice", None) is not None


def test_dollar_use_reports_the_largest_share_and_who_is_over_the_alert() -> None:
    budgets = Budgets(dollars(alert_at=0.5), clock=Clock())
    assert budgets.dollar_use() == {
        ("client", "day"): (0.0, 0),
        ("team", "month"): (0.0, 0),
        ("key", "day"): (0.0, 0),
    }
    budgets.charge_all("alice", "pay", 0, "key_1", usd=1.0)  # half of key_1's $2
    budgets.charge_all("bob", "pay", 0, "key_2", usd=0.5)
    use = budgets.dollar_use()
    assert use[("key", "day")] == (0.5, 1)
    assert use[("client", "day")] == (0.1, 0)
    assert use[("team", "month")] == (pytest.approx(0.015), 0)


def test_a_keys_own_dollar_budget_replaces_the_configured_one() -> None:
    budgets = Budgets(dollars(), clock=Clock())  # each key $2 a day
    own = {DAY: 5.0, MONTH: 20.0}  # this key: $5 a day, $20 a month
    budgets.charge_all("alice", "pay", 0, "key_1", usd=3, key_usd=own)
    assert budgets.exhausted("alice", "pay", "key_1", key_usd=own) is None  # $3 of $5
    assert budgets.standing_all("alice", "pay", "key_1", key_usd=own).usd_left == 2.0
    assert budgets.exhausted("alice", "pay", "key_1") is not None  # $3 of the default $2
    budgets.charge_all("alice", "pay", 0, "key_1", usd=2, key_usd=own)
    spent = budgets.standing_all("alice", "pay", "key_1", key_usd=own)
    assert spent.dollars_spent
    assert spent.usd_left == 0.0


async def test_a_keys_own_monthly_budget_is_shared_without_a_configured_one() -> None:
    ledger, clock = Ledger(), Clock()
    first, second = Budgets(LimitsConfig(), ledger, clock), Budgets(LimitsConfig(), ledger, clock)
    own = {MONTH: 1.0}
    first.charge_all("alice", None, 0, "key_1", usd=1.0, key_usd=own)
    await first.sync()
    await second.sync()
    assert second.exhausted("alice", None, "key_1", key_usd=own) is not None
    assert second.exhausted("alice", None, "key_2", key_usd=own) is None
