"""Sidecar CPU per ext_proc message of ``tool_rules`` against noop, two gateways side by side.

    python -m bench.rules_side_by_side [--rounds 3] [--duration 6] [--no-store]
                                       [--pin | --pin-workers]

Both gateways (one worker each, the default event log unless ``--no-store``) run at once
in front of the same fake upstream, and the ``make bench`` loads that end in tool calls
(paced stream, paced + tools, tools at rest) are run on each in turn, the order swapped
every round: a shared machine's load weighs on both alike, where ``python -m bench``
measures one setup minutes after the other. Prints, per scenario, each round's µs per
message of both and their ratio, and the ratio per request: at rest the messages per
request vary with how Envoy happens to cut the stream (from round to round, and between
the two gateways), and move the per-message figure with them.

Where the stream is cut depends on the machine's load: on two cores, the gateway that spends
more CPU slows the upstream and the load client, whose writes then arrive further apart
and are read as more, smaller messages. ``--pin`` keeps them apart: both gateways on the
last core, this process, the upstream and the load on the others. The cuts still differ
at rest: pinned, the gateway that spends more reads later, in fewer, larger messages;
with ``--pin-workers`` (only the workers on the last core, Envoy with the load) it got
more. ``bench.rules_replay`` gives both workers the same messages.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any, Literal

from bench.__main__ import AT_REST, PACED, PACED_TOOLS, Row, measure
from bench.setups import side_by_side

SCENARIOS = [PACED, PACED_TOOLS, AT_REST]
CHAINS: list[tuple[str, list[dict[str, Any]]]] = [
    ("noop", []),
    ("tool_rules", [{"name": "tool_rules"}]),
]


def _cpu(row: Row) -> tuple[float, float]:
    """The sidecar's µs per message and per request."""
    assert row.cpu_us_per_msg is not None
    assert row.cpu_us_per_req is not None
    return row.cpu_us_per_msg, row.cpu_us_per_req


def main(
    rounds: int,
    duration: float,
    store: bool,
    pin: Literal["gateways", "workers"] | None = None,
) -> None:
    extra: dict[str, Any] = {} if store else {"store_url": None}
    rows: dict[tuple[str, str], list[Row]] = {}
    with side_by_side(CHAINS, pin, **extra) as setups:
        for number in range(rounds):
            for scenario in SCENARIOS:
                for setup in setups if number % 2 == 0 else setups[::-1]:
                    row = measure(setup, scenario, duration)
                    rows.setdefault((scenario.name, setup.name), []).append(row)
    for scenario in SCENARIOS:
        noop, rules = rows[(scenario.name, "noop")], rows[(scenario.name, "tool_rules")]
        print(f"{scenario.name}:")
        per_msg, per_req = [], []
        for a, b in zip(noop, rules, strict=True):
            if a.msgs_per_req is None or b.msgs_per_req is None:  # no sidecar figures
                continue
            a_msg, a_req = _cpu(a)
            b_msg, b_req = _cpu(b)
            per_msg.append(b_msg / a_msg)
            per_req.append(b_req / a_req)
            print(
                f"  noop {a_msg:6.1f} us/msg {a.msgs_per_req:4.1f} msg/req   "
                f"tool_rules {b_msg:6.1f} us/msg {b.msgs_per_req:4.1f} msg/req   "
                f"ratio per msg {per_msg[-1]:.2f}, per request {per_req[-1]:.2f}"
            )
        if per_msg:
            print(
                f"  median ratio per msg {statistics.median(per_msg):.2f}, "
                f"per request {statistics.median(per_req):.2f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--no-store", action="store_true", help="both without the event log")
    pinning = parser.add_mutually_exclusive_group()
    pinning.add_argument(
        "--pin",
        action="store_const",
        const="gateways",
        dest="pin",
        help="the gateways on one core, the load on the others",
    )
    pinning.add_argument(
        "--pin-workers",
        action="store_const",
        const="workers",
        dest="pin",
        help="the sidecar workers alone on one core, Envoy and the load on the others",
    )
    args = parser.parse_args()
    main(args.rounds, args.duration, not args.no_store, args.pin)
