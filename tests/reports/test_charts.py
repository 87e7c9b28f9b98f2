"""The charts' geometry: bars scale to the largest, stacks add up, columns and lines sit on
the axis that ends on a round number, and a period with nothing to average breaks the line."""

from __future__ import annotations

import pytest

from servicetickets.reports import charts


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (-3, 1), (1, 1), (3, 5), (7, 10), (11, 20), (23, 25), (0.3, 0.5), (240, 250)],
)
def test_an_axis_ends_on_a_round_number(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(expected)


def test_ticks_run_evenly_from_zero_to_the_round_top() -> None:
    assert charts.ticks(7) == [0, 2.5, 5, 7.5, 10]


def test_side_by_side_bars_scale_to_the_largest_value() -> None:
    chart = charts.bar_chart(
        [("Hank", [10, 5], ["10 h", "5 h"]), ("Hilda", [2, None], ["2 h", "—"])]
    )

    hank, hilda = chart.rows
    longest = hank.bars[0].width
    assert longest == pytest.approx(charts.WIDTH - 72)
    assert hank.bars[1].width == pytest.approx(longest / 2)
    assert hilda.bars[0].width == pytest.approx(longest / 5)
    # Nothing to average: no bar, but its text ("—") still shows.
    assert (hilda.bars[1].width, hilda.bars[1].text) == (0, "—")
    # Rows and bars go down the chart without overlapping.
    assert hank.bars[0].y < hank.bars[1].y < hilda.label_y < hilda.bars[0].y
    assert chart.height > hilda.bars[1].y + hilda.bars[1].height
    assert hank.bars[0].text_x == pytest.approx(longest + 4)


def test_stacked_bars_follow_each_other_and_show_the_total() -> None:
    chart = charts.bar_chart(
        [("Hank", [1, 2, 3], []), ("Hilda", [0, 0, 3], [])], stacked=True, total_texts=["6", "3"]
    )

    hank, hilda = chart.rows
    assert [b.series for b in hank.bars] == [0, 1, 2]
    assert hank.bars[1].x == pytest.approx(hank.bars[0].x + hank.bars[0].width)
    assert sum(b.width for b in hank.bars) == pytest.approx(charts.WIDTH - 72)
    # A zero part draws nothing; the row's total sits after the stack.
    assert [b.series for b in hilda.bars] == [2]
    assert hilda.value_text == "3"
    assert hilda.value_x == pytest.approx(hilda.bars[0].width + 4)


def test_an_empty_chart_has_no_rows() -> None:
    chart = charts.bar_chart([])

    assert chart.rows == [] and chart.height >= 1


def test_columns_stand_on_the_axis_in_period_order() -> None:
    chart = charts.column_chart([4, 0, 8], ["01", "02", "03"])

    first, empty, last = chart.columns
    assert first.y + first.height == pytest.approx(chart.bottom)
    assert empty.height == 0
    assert last.height == pytest.approx(2 * first.height)
    assert last.y == pytest.approx(chart.top)
    assert first.x < empty.x < last.x
    # Counts step in whole numbers: 8 / 4 = 2 a step.
    assert [t.text for t in chart.ticks] == ["0", "2", "4", "6", "8"]
    assert chart.ticks[-1].y == pytest.approx(chart.top)


def test_a_period_without_a_value_breaks_the_line() -> None:
    chart = charts.line_chart([1.0, 2.0, None, 4.0], ["a", "b", "c", "d"], ["1", "2", "—", "4"])

    assert [p.label for p in chart.points] == ["a", "b", "d"]
    assert chart.path.count("M") == 2 and chart.path.count("L") == 1
    assert chart.points[2].y == pytest.approx(chart.top + 140 * (1 - 4 / 5))


def test_tick_labels_can_be_durations() -> None:
    chart = charts.line_chart([30.0], ["a"], ["30 h"], tick_text=lambda h: f"{h:g}h")

    assert [t.text for t in chart.ticks] == ["0h", "12.5h", "25h", "37.5h", "50h"]


def test_many_periods_get_at_most_six_labels() -> None:
    labels = [f"{i:02d}" for i in range(26)]

    chart = charts.column_chart([1] * 26, labels)

    assert len(chart.labels) <= charts.MAX_PERIOD_LABELS
    assert chart.labels[0].text == "00"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(0.9, [0, 0.25, 0.5, 0.75, 1.0]), (30, [0, 12, 24, 36, 48]), (50, [0, 24, 48, 72, 96])],
)
def test_a_time_axis_steps_in_round_durations(hours: float, expected: list[float]) -> None:
    assert charts.ticks(hours, steps=charts.DURATION_STEPS) == expected


def test_a_time_axis_beyond_the_steps_still_reaches_the_top() -> None:
    values = charts.ticks(10_000, steps=charts.DURATION_STEPS)

    assert values[-1] >= 10_000 and values[0] == 0


@pytest.mark.parametrize(
    ("value", "step"), [(0, 1), (0.5, 1), (1.25, 2), (3, 5), (7, 10), (12, 20)]
)
def test_counts_step_in_whole_round_numbers(value: float, step: int) -> None:
    assert charts.whole_step(value) == step
