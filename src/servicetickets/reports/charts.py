"""Geometry of the report pages' charts, drawn by small SVG templates of our own.

Pure functions of a few numbers (never of tickets): a horizontal bar chart (one row per
label, one bar per series, side by side or stacked), a column chart and a line chart over a
series of periods. Everything is laid out in a viewBox ``WIDTH`` units wide, about the width of
a phone's screen, so the 12-unit text stays readable at 360px; on wider screens the template
caps the drawing's width. Colours are classes (``s-0``, ``c-pending``…) the stylesheet maps to
the design's custom properties.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Width of every chart's viewBox, in user units.
WIDTH = 320.0
#: Text size (the templates use it too) and what a row of the bar chart needs around it.
FONT = 12.0
_LABEL_HEIGHT = 16.0
_BAR_HEIGHT = 14.0
_BAR_GAP = 3.0
_ROW_GAP = 10.0
#: Room kept at the right of a bar for its value.
_VALUE_ROOM = 72.0
#: Column and line charts: the plot's margins (tick labels left, period labels below).
_LEFT = 52.0
_RIGHT = 8.0
_TOP = 8.0
_BOTTOM = 22.0
PLOT_HEIGHT = 140.0
#: At most this many period labels under a column or line chart (they would overlap).
MAX_PERIOD_LABELS = 6
#: Steps of a time axis, in hours: minutes, hours, half days, days, weeks, so that its ticks
#: read as round durations (``30 min``, ``6 h``, ``1 d 12 h``, ``2 d``).
DURATION_STEPS = (
    0.25,
    0.5,
    1.0,
    2.0,
    3.0,
    6.0,
    12.0,
    24.0,
    48.0,
    72.0,
    96.0,
    120.0,
    168.0,
    336.0,
    504.0,
    720.0,
)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value`` (1 for nothing),
    so an axis ends on a round number."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop ends at 10


def whole_step(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value``, at least 1: the step
    of an axis of counts."""
    if value <= 1 or not math.isfinite(value):
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if value <= m * power)


def ticks(
    maximum: float, count: int = 4, steps: Sequence[float] | None = None, whole: bool = False
) -> list[float]:
    """``count + 1`` evenly spaced values from 0 to ``nice_ceiling(maximum)``; or (``steps``)
    to ``count`` times the smallest step that reaches ``maximum``; or (``whole``) in whole
    steps, for counts."""
    if whole:
        return [float(whole_step(maximum / count) * i) for i in range(count + 1)]
    if steps:
        found = next((s for s in steps if s * count >= maximum), None)
        step = nice_ceiling(maximum / count) if found is None else found
        return [step * i for i in range(count + 1)]
    top = nice_ceiling(maximum)
    return [top * i / count for i in range(count + 1)]


def _number(value: float) -> str:
    """A tick's label: no decimals for whole numbers, otherwise up to two."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- Horizontal bars ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: float
    text: str

    @property
    def text_x(self) -> float:
        """Where a side-by-side bar's value text starts: just after the bar."""
        return self.x + self.width + 4

    @property
    def text_y(self) -> float:
        return self.y + self.height - 3


@dataclass(frozen=True)
class BarRow:
    label: str
    #: Baseline of the row's label.
    label_y: float
    bars: list[Bar]
    #: Where the row's value text goes (after the longest bar), and its baseline.
    value_x: float
    value_y: float
    value_text: str


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    rows: list[BarRow]
    stacked: bool


def bar_chart(
    rows: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    *,
    stacked: bool = False,
    total_texts: Sequence[str] | None = None,
) -> BarChart:
    """One row per ``(label, values, texts)``: a bar per series (``None``: nothing to show,
    drawn as no bar), scaled to the largest bar (or stack) of the chart. Stacked rows show
    ``total_texts`` (one per row) after the stack; side-by-side bars show their own text."""
    lengths = [
        sum(v or 0 for v in values) if stacked else max((v or 0 for v in values), default=0)
        for _, values, _ in rows
    ]
    top = max(lengths, default=0) or 1.0
    span = WIDTH - _VALUE_ROOM
    out: list[BarRow] = []
    y = 0.0
    for index, (label, values, texts) in enumerate(rows):
        label_y = y + FONT
        y += _LABEL_HEIGHT + 2
        bars: list[Bar] = []
        x = 0.0
        for series, value in enumerate(values):
            length = span * (value or 0) / top
            text = texts[series] if series < len(texts) else ""
            if stacked:
                if value:
                    bars.append(Bar(x, y, length, _BAR_HEIGHT, series, float(value), text))
                x += length
            else:
                # A bar of nothing keeps its place and its text ("—", "0").
                bars.append(Bar(0.0, y, length, _BAR_HEIGHT, series, float(value or 0), text))
                y += _BAR_HEIGHT + _BAR_GAP
        if stacked:
            value_x, value_y = x + 4, y + _BAR_HEIGHT - 3
            value_text = total_texts[index] if total_texts else _number(lengths[index])
            y += _BAR_HEIGHT + _BAR_GAP
        else:
            # Side by side: each bar's text sits after it (the template reads ``bar.text``).
            value_x, value_y, value_text = 0.0, 0.0, ""
        out.append(BarRow(label, label_y, bars, value_x, value_y, value_text))
        y += _ROW_GAP - _BAR_GAP
    return BarChart(WIDTH, max(y, 1.0), out, stacked)


# --- Columns and lines over periods ---------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class PeriodLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    text: str


@dataclass(frozen=True)
class PlotChart:
    """A column or line chart: the plot's box, its y ticks and period labels, and either
    ``columns`` or ``points`` plus the line's ``path`` (one ``M…L…`` run per unbroken part)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    ticks: list[Tick]
    labels: list[PeriodLabel]
    columns: list[Column]
    points: list[Point]
    path: str


def _frame(
    count: int,
    maximum: float,
    tick_text: Sequence[str] | None = None,
    steps: Sequence[float] | None = None,
    whole: bool = False,
) -> tuple[float, float, float, list[Tick], float]:
    """The plot's band width per period, its bottom, the scale's top value, ticks."""
    plot_width = WIDTH - _LEFT - _RIGHT
    band = plot_width / max(count, 1)
    bottom = _TOP + PLOT_HEIGHT
    values = ticks(maximum, steps=steps, whole=whole)
    top_value = values[-1]
    texts = list(tick_text) if tick_text is not None else [_number(v) for v in values]
    marks = [
        Tick(bottom - PLOT_HEIGHT * v / top_value, text)
        for v, text in zip(values, texts, strict=True)
    ]
    return band, bottom, top_value, marks, plot_width


def _period_labels(labels: Sequence[str], band: float) -> list[PeriodLabel]:
    step = max(1, math.ceil(len(labels) / MAX_PERIOD_LABELS))
    return [
        PeriodLabel(_LEFT + band * (i + 0.5), text)
        for i, text in enumerate(labels)
        if i % step == 0
    ]


def column_chart(
    values: Sequence[float], labels: Sequence[str], texts: Sequence[str] | None = None
) -> PlotChart:
    """One column per period, from 0 to its value (a count: the axis steps in whole numbers)."""
    band, bottom, top_value, marks, _ = _frame(len(values), max(values, default=0), whole=True)
    width = band * 0.7
    columns = []
    for i, value in enumerate(values):
        height = PLOT_HEIGHT * value / top_value
        text = texts[i] if texts is not None else _number(value)
        x = _LEFT + band * i + (band - width) / 2
        columns.append(Column(x, bottom - height, width, height, labels[i], text))
    return PlotChart(
        WIDTH,
        bottom + _BOTTOM,
        _LEFT,
        WIDTH - _RIGHT,
        _TOP,
        bottom,
        marks,
        _period_labels(labels, band),
        columns,
        [],
        "",
    )


def line_chart(
    values: Sequence[float | None],
    labels: Sequence[str],
    texts: Sequence[str],
    *,
    tick_text: Callable[[float], str] | None = None,
    steps: Sequence[float] | None = None,
) -> PlotChart:
    """A point per period that has a value, joined by a line; a period without one
    (``None``: nothing to average) breaks the line. ``tick_text``: turns a tick's value into
    its label (e.g. hours as ``2 d 3 h``); ``steps``: the axis' allowed steps (e.g.
    ``DURATION_STEPS`` for hours)."""
    present = [v for v in values if v is not None]
    maximum = max(present, default=0)
    tick_values = ticks(maximum, steps=steps)
    tick_labels = [tick_text(v) for v in tick_values] if tick_text is not None else None
    band, bottom, top_value, marks, _ = _frame(len(values), maximum, tick_labels, steps)
    points: list[Point] = []
    parts: list[str] = []
    previous = False
    for i, value in enumerate(values):
        if value is None:
            previous = False
            continue
        x = _LEFT + band * (i + 0.5)
        y = bottom - PLOT_HEIGHT * value / top_value
        points.append(Point(x, y, labels[i], texts[i]))
        parts.append(f"{'L' if previous else 'M'}{x:.1f} {y:.1f}")
        previous = True
    return PlotChart(
        WIDTH,
        bottom + _BOTTOM,
        _LEFT,
        WIDTH - _RIGHT,
        _TOP,
        bottom,
        marks,
        _period_labels(labels, band),
        [],
        points,
        " ".join(parts),
    )
