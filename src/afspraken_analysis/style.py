"""The one plotting style of the project: palette, corporation and category colours, sizes, rc.

Colours are the Okabe-Ito palette (safe for the common forms of colour blindness); each
corporation keeps one colour in every chart and slide. Sizes are chosen for an A4 page
(17 cm text width) and stay readable when a slide enlarges them on a projector. The report's
charts (report/plots.py), the deck (report/slides.py) and the scenario widget
(scenarios/widgets.py) all take their colours from here.
"""

from __future__ import annotations

from contextlib import contextmanager

# Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#7F7F7F"
LIGHT_GREY = "#D9D9D9"
TARGET_COLOUR = OKABE_ITO["black"]
BAND_COLOUR = "#BFD9EA"  # light tint of blue for a target band

# One fixed colour per corporation (document order), used by every chart and by the slides.
CORPORATION_COLOURS = {
    "De Goede Woning": OKABE_ITO["blue"],
    "de Woonmensen": OKABE_ITO["orange"],
    "Ons Huis": OKABE_ITO["bluish_green"],
    "Veluwonen": OKABE_ITO["reddish_purple"],
    "Mooiland": OKABE_ITO["sky_blue"],
}
# Progress categories of the goal tracking (codes of tracking.goal_tracking), and agreement status.
CATEGORY_COLOURS = {
    "achieved": OKABE_ITO["bluish_green"],
    "on_track": OKABE_ITO["sky_blue"],
    "acceleration_needed": OKABE_ITO["orange"],
    "limited_progress": OKABE_ITO["vermillion"],
    "deterioration": OKABE_ITO["reddish_purple"],
    "not_computable": "#A6A6A6",  # a mid grey: unlike no_data, the figures are there
    "no_data": LIGHT_GREY,
}
BELOW_FLOOR_COLOUR = "#C00000"  # a goal below a floor that binds, whatever its category
SCENARIO_COLOUR = OKABE_ITO["blue"]
ACTUAL_COLOUR = OKABE_ITO["black"]

CM = 1 / 2.54
WIDTH = 17 * CM  # A4 text width
PRINT_DPI = 300  # figures/*.png
EMBED_DPI = 200  # embedded in the notebook, the PDF and the HTML: sharp at A4, light

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "figure.dpi": 100,
    "savefig.dpi": PRINT_DPI,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "svg.hashsalt": "afspraken-analysis",
    "svg.fonttype": "path",
    "path.simplify": True,
}
SVG_METADATA = {"Date": None, "Creator": None}
PNG_METADATA = {"Software": None}


@contextmanager
def style():
    """The house style as a matplotlib rc context."""
    import matplotlib  # heavy; the deck needs only the colours above

    with matplotlib.rc_context(STYLE):
        yield


def corporation_colour(name: str) -> str:
    return CORPORATION_COLOURS.get(name, GREY)


SCENARIO_STYLES = ("-", "--", "-.", ":")
SCENARIO_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
)
