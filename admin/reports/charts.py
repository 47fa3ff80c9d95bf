"""Report charts drawn on the server as SVG with matplotlib (its object API and SVG backend:
no pyplot global state, so app threads can draw at once; no display needed).

Why matplotlib: maintained, typed, draws straight to SVG with text kept as text (small, sharp,
readable by assistive tools), and escapes labels for XML. Labels are drawn with mathtext off, so
a department called "$5 clinic" is text, not a formula. The SVG carries no date or random ids,
so the same figures give the same bytes (cacheable by the ETag of its bytes).
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from admin.reports.tables import ReportTable

# Colours with at least 3:1 contrast against white and against each other's neighbours.
SERIES_COLOURS = ("#1f4e79", "#b35900")
FIGURE_INCHES = (9.0, 4.0)


def chart_svg(table: ReportTable) -> bytes:
    """A bar chart of the table's charted columns over its categories, as SVG bytes."""
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "lobby", "text.parse_math": False}
    ):
        figure = Figure(figsize=FIGURE_INCHES, layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        categories = [str(row[0]) for row in table.rows]
        positions = list(range(len(categories)))
        width = 0.8 / max(1, len(table.charted))
        for series, column in enumerate(table.charted):
            offset = (series - (len(table.charted) - 1) / 2) * width
            axes.bar(
                [position + offset for position in positions],
                [float(row[column]) for row in table.rows],
                width=width,
                label=table.columns[column],
                color=SERIES_COLOURS[series % len(SERIES_COLOURS)],
            )
        axes.set_title(table.title)
        axes.set_ylabel(table.value_label)
        axes.set_xticks(positions, categories, rotation=45 if len(categories) > 8 else 0)
        axes.spines[["top", "right"]].set_visible(False)
        if len(table.charted) > 1:
            axes.legend()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
