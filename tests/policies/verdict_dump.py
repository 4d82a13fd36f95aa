"""``python -m tests.policies.verdict_dump``: the rule the built-in ``tool_rules`` meets for
every call of the shipped corpus, the held-out set and the probes, one line per call and
working directory, in a fixed order.

``make compiled-test`` prints it once with the rules interpreted and once compiled, and the
two must be the same to the byte: compiling changes how fast the rules judge, never what.
"""

from __future__ import annotations

import sys

from sluice.evaluation import load_cases
from sluice.policies.tool_rules import ToolRules
from tests.policies.verdicts import CORPUS, HOME

# Each call judged where its case says it runs, and in the home folder, where more is vital.
_CWDS = (None, HOME)


def main() -> None:
    rules = ToolRules.configure({})
    assert isinstance(rules, ToolRules)
    for folder in (CORPUS, CORPUS / "heldout", CORPUS / "probes"):
        for case in load_cases(folder):
            for cwd in _CWDS:
                found = rules.verdict(case.tool, case.input, case.cwd if cwd is None else cwd)
                sys.stdout.write(f"{case.id}\t{cwd}\t{found.rule if found else None}\n")


if __name__ == "__main__":
    main()
