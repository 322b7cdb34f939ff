"""Properties of the judging core: its fast path agrees with the full replay."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from followthrough.evaluate import Facts, _judge_states_only, _replay, judge

moments = st.floats(min_value=0, max_value=1_000, allow_nan=False).map(lambda x: round(x, 1))
states = st.lists(st.tuples(moments, st.sampled_from(["open", "done", "released"])), max_size=4)


@st.composite
def facts(draw: st.DrawFn, *, with_changes: bool) -> Facts:
    made = draw(moments)
    due0 = draw(st.none() | moments.map(lambda d: d + made))
    changes = draw(st.lists(st.tuples(moments, moments), max_size=3)) if with_changes else []
    return Facts(
        key=None,
        owner="o",
        made=made,
        due0=due0,
        changes=tuple(sorted((made + a, made + d) for a, d in changes)),
        states=tuple(sorted((made + a, s) for a, s in draw(states))),
    )


@settings(max_examples=400)
@given(facts(with_changes=False), moments, st.sampled_from([0.0, 5.0]))
def test_the_fast_path_agrees_with_the_full_replay(f: Facts, cutoff: float, grace: float) -> None:
    if f.made >= cutoff:
        return
    assert _judge_states_only(f.due0, f.states, cutoff, grace) == _replay(f, cutoff, grace)


@settings(max_examples=400)
@given(facts(with_changes=True), moments, st.sampled_from([0.0, 5.0]))
def test_a_verdict_is_consistent(f: Facts, cutoff: float, grace: float) -> None:
    verdict = judge(f, cutoff=cutoff, grace=grace)
    if verdict is None:
        assert f.made >= cutoff
        return
    assert (verdict.due is None) == (verdict.due_pos is None)
    if verdict.due is None:
        assert verdict.status in ("undated", "released")
    if verdict.status == "kept":
        assert verdict.done is not None and verdict.due is not None
        assert verdict.done <= verdict.due + grace and not verdict.late_from
    if verdict.status == "open":
        assert verdict.due is not None and verdict.due >= cutoff and not verdict.late_from
    if verdict.late_from:
        assert verdict.status in ("late", "overdue", "released", "undated")
    for index, moved, on_time in verdict.applied:
        before = f.due0 if moved < 0 else f.changes[moved][1]
        assert before is not None
        assert on_time == (f.changes[index][0] < before)  # "before the then-current due"
        assert f.changes[index][0] < cutoff
