"""What the analyses declare they use of the register (helpers.readscope)."""

from __future__ import annotations

import pandas as pd

from helpers.readscope import restatement_chain


def test_the_statements_of_one_target_are_found_through_restates_either_way() -> None:
    claims = pd.DataFrame({"id": ["T1", "T2", "T3", "X"], "restates": ["", "T1", "T2", ""]})
    assert restatement_chain(claims, "T2") == {"T1", "T2", "T3"}
    assert restatement_chain(claims, "X") == {"X"}
    assert restatement_chain(pd.DataFrame({"id": ["T1"]}), "T1") == {"T1"}
