"""The failed-login counter: per address, per window, bounded."""

from __future__ import annotations

from sluice.admin.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_after_too_many_failures_until_the_window_ends() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window_s=60, clock=clock)
    for _ in range(2):
        throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 60
    assert throttle.retry_after("10.0.0.2") is None  # other addresses are not affected
    clock.now += 59.5
    assert throttle.retry_after("10.0.0.1") == 1
    clock.now += 1
    assert throttle.retry_after("10.0.0.1") is None


def test_a_success_forgets_the_failures() -> None:
    throttle = LoginThrottle(attempts=2, window_s=60, clock=Clock())
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.retry_after("a") is None


def test_memory_is_bounded() -> None:
    throttle = LoginThrottle(attempts=1, window_s=60, max_tracked=100, clock=Clock())
    for i in range(1000):
        throttle.failed(f"10.0.{i // 256}.{i % 256}")
    assert len(throttle._failures) == 100
    assert throttle.retry_after("10.0.3.231") == 60  # the most recent are kept
    assert throttle.retry_after("10.0.0.0") is None
