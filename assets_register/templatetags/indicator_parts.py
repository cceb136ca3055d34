"""An area's 'places to meet' figures, history chart and evidence table, written in
Python from its row (indicators.views.area_row) as {% asset_rows %} writes places: as
included templates they were a third of an area page's CPU, the chart's loop per year
looking up each dot's variables. The area pages, the comparison and the indicators page
all write them here.

Values are written as the template engine writes them: localized (formats.localize), or
through the filters the templates named, then escaped."""

import functools
import html

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date, floatformat, pluralize
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

register = template.Library()


def _v(value):
    """{{ value }}: an int or plain text the short way localize() and escape() take
    (without thousands separators, an int is as str() writes it)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(localize(value))


@functools.lru_cache(maxsize=4096)
def _day(day, format, language):
    """|date of a date (not a datetime), which depends on the language only: the
    evidence table writes one per row, the same few months on every page."""
    return _v(date(day, format))


def _in(area):
    return f" in {escape(area.name)}" if area else ""


@register.simple_tag
def indicator_figures(row):
    """The area's counts, rates, ranking, deprivation and flags, as a list of facts."""
    return mark_safe(
        '\n<dl class="facts indicator-figures">\n'
        "  <dt>Places to meet open now</dt>\n"
        f"  <dd>{_v(row.open_now)}{_rate(row.per_1000_now, ' residents')}</dd>\n"
        "  <dt>Five years ago</dt>\n"
        f"  <dd>{_ago(row, 5)}</dd>\n"
        "  <dt>Ten years ago</dt>\n"
        f"  <dd>{_ago(row, 10)}</dd>\n"
        f"  <dt>Net change, last 5 years</dt><dd>{_change(row, 5)}</dd>\n"
        f"  <dt>Net change, last 10 years</dt><dd>{_change(row, 10)}</dd>\n"
        "  <dt>Population</dt>\n"
        f"  <dd>{_population(row)}</dd>\n"
        "  <dt>Percentile of change per 1,000 residents</dt>\n"
        f"  <dd>{_percentile(row)}</dd>\n"
        "  <dt>Deprivation</dt>\n"
        f"  <dd>{_deprivation(row)}</dd>\n"
        "  <dt>Flags</dt>\n"
        f"  <dd>{_flags(row)}</dd>\n"
        "</dl>\n"
    )


def _rate(value, of=""):
    return "" if value is None else f" ({floatformat(value, 2)} per 1,000{of})"


def _ago(row, years):
    text = _v(getattr(row, f"open_{years}y_ago")) + _rate(getattr(row, f"per_1000_{years}y_ago"))
    assumed = row.assumed_ago(years)
    if assumed:
        text += f", of which {_v(assumed)} assumed (no dated record of them then)"
    return text


def _change(row, years):
    change = getattr(row, f"change_{years}y")
    closures, openings = getattr(row, f"closures_{years}y"), getattr(row, f"openings_{years}y")
    return (
        f"{'+' if change > 0 else ''}{_v(change)} ({_v(closures)} closure{pluralize(closures)}, "
        f"{_v(openings)} opening{pluralize(openings)})"
    )


def _population(row):
    if row.population:
        return _v(intcomma(row.population))
    return (
        "Not loaded yet: rates per 1,000 residents need the "
        f'<a href="{_v(row.population_source_url)}">{_v(row.population_source)}</a>, '
        "so these are counts only"
    )


def _percentile(row):
    if row.percentile_national is None:
        return "None: no population figure, so counts only"
    text = f"{floatformat(row.percentile_national)} among all {_v(row.kind_plural)}"
    if row.percentile_in_council is not None:
        council = _v(row.council.name) if row.council else ""
        text += f"; {floatformat(row.percentile_in_council)} in {council}"
    return text + " (low is bad)"


def _deprivation(row):
    if not row.imd_decile:
        return "Not known"
    text = (
        f"{_v(row.imd_edition or 'IMD')} decile {_v(row.imd_decile)} of 10 "
        "(1 is the most deprived tenth)"
    )
    if row.imd_rank is not None:
        rank = "its LSOAs' average rank " if row.imd_from_lsoas else "rank "
        text += f", {rank}{floatformat(row.imd_rank, '0g')}"
    if row.imd_from_lsoas:
        text += f" (from the {_v(row.imd_edition)} ranks of its LSOAs)"
    return text


def _flags(row):
    text = ""
    if row.updating:
        computed = _v(date(template_localtime(row.snapshot.computed_at), "j F Y, H:i"))
        text += (
            f'<span class="meta">From the national figures of {computed}, before the '
            "latest edits; being recomputed.</span> "
        )
    if row.left_behind_risk:
        text += '<span class="flag flag-left-behind">Left-behind risk</span> '
    if not row.losing_places:
        return text + "Not flagged"
    text += '<span class="flag flag-losing">Losing places to meet</span>'
    if row.flag_reasons:
        text += ": " + "; ".join(_v(reason) for reason in row.flag_reasons)
    return text


@register.simple_tag
def indicator_chart(chart, chart_id, area, snapshot):
    """The area's open places to meet on each anniversary (views.history_chart) as an
    inline SVG line chart, or nothing without one."""
    if not chart:
        return mark_safe("\n")
    name = _in(area)
    chart_id = escape(chart_id)
    left, baseline, top_y = chart["left"], chart["baseline"], chart["top_y"]
    known = chart["known_points"]
    dots = "".join(
        f'<circle class="dot" cx="{dot["x"]}" cy="{dot["y"]}" r="2.5"><title>{dot["year"]}: '
        f"{dot['value']}"
        + (
            f", of which {dot['known']} with dated evidence by then"
            if dot["known"] != dot["value"]
            else ""
        )
        + "</title></circle>"
        for dot in chart["dots"]
    )
    labels = "".join(
        f'<text class="tick" x="{label["x"]}" y="{chart["height"] - 6}" '
        f'text-anchor="{label["anchor"]}">{label["year"]}</text>'
        for label in chart["labels"]
    )
    day = _day(snapshot.reference_date, "j F", get_language())
    return mark_safe(
        '\n  <figure class="indicator-chart">\n'
        f'    <svg viewBox="0 0 {chart["width"]} {chart["height"]}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">\n'
        f'      <title id="{chart_id}-title">Open places to meet over time{name}</title>\n'
        f'      <desc id="{chart_id}-desc">{escape(chart["description"])}</desc>\n'
        f'      <line class="axis" x1="{left}" y1="{baseline}" x2="{chart["right_edge"]}" '
        f'y2="{baseline}"/>\n'
        f'      <line class="axis" x1="{left}" y1="{top_y}" x2="{left}" y2="{baseline}"/>\n'
        f'      <text class="tick" x="{left - 4}" y="{top_y}" text-anchor="end" '
        f'dominant-baseline="middle">{chart["top_value"]}</text>\n'
        f'      <text class="tick" x="{left - 4}" y="{baseline}" text-anchor="end" '
        'dominant-baseline="middle">0</text>\n'
        f'      <polyline class="line" points="{chart["points"]}"/>\n'
        "      "
        + (f'<polyline class="line line-known" points="{known}"/>' if known else "")
        + f"\n      {dots}\n      {labels}\n"
        "    </svg>\n"
        f"    <figcaption>Open places to meet{name} on {day} each year"
        + (
            ". The dashed line counts only the places with dated evidence by then: the gap "
            "above it is places assumed open, with no record of them yet"
            if known
            else ""
        )
        + "</figcaption>\n  </figure>\n\n"
    )


@register.simple_tag
def indicator_evidence(evidence, area=None, level=2, evidence_id="evidence-heading"):
    """The table of how far back each kind of place's history is known, and how much of
    it is assumed (views.evidence_rows)."""
    heading = escape(evidence_id)
    text = (
        f'\n<section aria-labelledby="{heading}" class="indicator-evidence">\n'
        f'  <h{level} id="{heading}">What the history rests on{_in(area)}</h{level}>\n  '
    )
    if not evidence:
        return mark_safe(text + "<p>No places to meet recorded yet.</p>\n</section>\n")
    language = get_language()
    rows = "".join(
        f'<tr><th scope="row">{_v(row["kind"])}</th><td>{_v(row["source"])}</td>'
        f"<td>{_v(intcomma(row['places']))}</td><td>{_day(row['earliest'], 'F Y', language)}</td>"
        f"<td>{_v(row['assumed'])}</td></tr>"
        for row in evidence
    )
    start = _day(evidence[0]["start"], "j F Y", language)
    return mark_safe(
        text + "\n    <p>Each place's history is known from its earliest dated evidence; "
        "counted as open before that, it is assumed open. The figures for the past count "
        "both.</p>\n"
        f'    <div class="table-scroll" role="region" aria-labelledby="{heading}" '
        'tabindex="0">\n'
        '      <table class="indicator-table">\n'
        '        <thead><tr><th scope="col">Kind of place</th><th scope="col">Source</th>'
        '<th scope="col">Places</th><th scope="col">Dated evidence from</th>'
        f'<th scope="col">Assumed open on {start}</th></tr></thead>\n'
        "        <tbody>\n"
        f"          {rows}\n"
        "        </tbody>\n"
        "      </table>\n"
        "    </div>\n  \n</section>\n"
    )
