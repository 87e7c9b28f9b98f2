"""The drawn lives of tickets behind seed and demo data (pure, no database)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from servicetickets.ops import lifecycle
from servicetickets.ops.lifecycle import DAY, FORCEABLE, HOUR
from servicetickets.tickets.models import State
from servicetickets.tickets.transitions import TRANSITIONS

TIMEOUT = 7 * DAY
ages = st.floats(min_value=0, max_value=400 * DAY)


@given(seed=st.integers(), age=ages, transfers=st.booleans())
def test_a_cut_life_follows_the_transition_table_in_time_order(
    seed: int, age: float, transfers: bool
) -> None:
    steps = lifecycle.cut(
        lifecycle.plan(random.Random(seed), timeout=TIMEOUT, transfers=transfers),
        age=age,
        timeout=TIMEOUT,
    )
    out = lifecycle.replay(steps)

    assert steps[0].action == "submit"
    offsets = [s.offset for s in steps]
    assert offsets == sorted(offsets)
    assert offsets[-1] <= max(age, 0)
    for step, (before, after) in zip(steps[1:], out.states[1:], strict=True):
        rule = TRANSITIONS[step.action]
        assert before in rule.sources, step.action
        assert after == (rule.target or before), step.action
    if not transfers:
        assert all(s.action != "transfer" for s in steps)


@given(seed=st.integers(), age=ages)
def test_auto_confirm_comes_exactly_when_the_timeout_has_passed(seed: int, age: float) -> None:
    steps = lifecycle.cut(
        lifecycle.plan(random.Random(seed), timeout=TIMEOUT, ending="auto"),
        age=age,
        timeout=TIMEOUT,
    )
    out = lifecycle.replay(steps)

    if out.state == State.TO_CONFIRM:
        assert out.processed is not None
        assert age - out.processed < TIMEOUT
    if steps[-1].action == "auto_confirm":
        assert out.processed is not None and out.closed is not None
        assert out.closed - out.processed >= TIMEOUT
        assert out.closed_by is None


@given(
    seed=st.integers(),
    state=st.sampled_from(FORCEABLE),
    age=st.floats(min_value=HOUR, max_value=6 * DAY),
)
def test_a_forced_life_shows_its_state_within_its_age(seed: int, state: str, age: float) -> None:
    steps = lifecycle.plan_forced(random.Random(seed), state=state, age=age, timeout=TIMEOUT)
    out = lifecycle.replay(steps)

    shown = out.state if out.state != State.CLOSED else out.resolution
    assert shown == state
    assert steps[-1].offset <= age


def test_a_returned_ticket_goes_back_to_its_processor() -> None:
    for seed in range(2000):
        steps = lifecycle.plan(random.Random(seed), timeout=TIMEOUT, ending="confirm")
        if any(s.action == "return" for s in steps):
            break
    out = lifecycle.replay(steps)
    returned = next(s for s in steps if s.action == "return")
    assert returned.target == out.processed_by
    assert out.return_count == sum(s.action == "return" for s in steps)
