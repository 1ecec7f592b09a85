"""The weekly chart: eight weeks of requests and check-in alerts, readable on a phone."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: no display on a server

import matplotlib.pyplot as plt

from core.i18n import Translator


def weeks_chart(t: Translator, weeks: list[dict[str, Any]]) -> bytes:
    """``weeks``: oldest first, each {"label", "asked", "helped", "alerts"}. Returns a PNG."""
    _ = t.gettext
    labels = [w["label"] for w in weeks]
    x = range(len(weeks))
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=150)
    width = 0.38
    ax.bar(
        [i - width / 2 for i in x],
        [w["asked"] for w in weeks],
        width,
        label=_("Asked for help"),
        color="#7fb7a4",
    )
    ax.bar(
        [i + width / 2 for i in x],
        [w["helped"] for w in weeks],
        width,
        label=_("Helped"),
        color="#1f6f5c",
    )
    ax.plot(
        list(x),
        [w["alerts"] for w in weeks],
        color="#c0603a",
        marker="o",
        linewidth=2,
        label=_("“All well?”: neighbours asked to look"),
    )
    ax.set_xticks(list(x), labels, fontsize=9)
    ax.set_title(_("The last eight weeks"), fontsize=13)
    ax.set_ylabel(_("Number"), fontsize=10)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    # Below the bars, so it never hides a busy week.
    ax.legend(fontsize=9, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
