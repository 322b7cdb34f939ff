"""Rendering a :class:`~followthrough.report.Report` as text, Markdown, HTML or JSON.

The Markdown digest and the HTML page come from Jinja2 templates in
``templates/`` (the digest template can be replaced from the config). Every
piece of text copied from a tracker goes through :func:`sanitize` before it
reaches Markdown: no HTML, no images, no live links, no @-mention pings,
capped at 280 characters (SPEC §7).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
import jinja2

from followthrough.evaluate import Outcome
from followthrough.report import Report, iso, report_json

GITHUB_COMMENT_LIMIT = 65_536
QUOTE_CAP = 280
SPARKS = "▁▂▃▄▅▆▇█"
ZWSP = "\u200b"
MARKER = "<!-- followthrough:digest {period} -->"
RATE_DEFINITION = (
    "Follow-through rate = promises kept ÷ promises scored (those whose due time fell in "
    "this period, judged as of its end; kept = done by the due time plus grace)."
)


class TemplateProblem(Exception):
    """A replacement template cannot be read or rendered."""


# --- sanitising copied text -------------------------------------------------------

_TAG = re.compile(r"<!--.*?-->|<[^>\n]*>", re.DOTALL)
_SPACE = re.compile(r"\s+")
_MD_ESCAPE = re.compile(r"([\\`*\[\]|~<>])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINKISH = re.compile(r"(?i)(https?|ftp|mailto)(:)|\b(www)(\.)")
_REF = re.compile(r"([#@])(?=\w)")


def sanitize(text: str | None, *, cap: int = QUOTE_CAP) -> str:
    """Make tracker text inert in Markdown and cap it at ``cap`` characters."""
    if not text:
        return ""
    plain = _TAG.sub("", text)
    plain = _SPACE.sub(" ", plain).strip()
    if len(plain) > cap:
        plain = plain[: cap - 1].rstrip() + "…"
    plain = plain.replace("&", "&amp;")
    plain = _MD_ESCAPE.sub(r"\\\1", plain)
    plain = _UNDERSCORE.sub(r"\\_", plain)
    plain = plain.replace("!", "\\!")
    plain = _LINKISH.sub(
        lambda m: (m.group(1) or m.group(3)) + ZWSP + (m.group(2) or m.group(4)), plain
    )
    # "@name" pings and "#12" cross-references both need breaking up.
    plain = _REF.sub(lambda m: m.group(1) + ZWSP, plain)
    return plain


def handle(login: str, *, mentions: bool) -> str:
    """A person's name as the digest writes it: a ping only when mentions = true."""
    safe = re.sub(r"[^A-Za-z0-9_.\[\]:@-]", "", login) or "someone"
    if mentions and re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", safe):
        return "@" + safe
    return safe.replace("@", "@" + ZWSP).replace("_", "\\_")


# --- shared formatting ---------------------------------------------------------------


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def sparkline(rates: Iterable[float | None]) -> str:
    return "".join("·" if r is None else SPARKS[min(7, int(r * 7.999))] for r in rates)


def human_span(span: timedelta | None) -> str:
    if span is None:
        return "—"
    hours = span.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


def local(moment: datetime | None, report: Report, fmt: str | None = None) -> str:
    """A time as every output shows it: ISO 8601 with the team zone's offset (SPEC §5)."""
    if moment is None:
        return "—"
    if fmt is None:
        return iso(moment, report.zone) or "—"
    return moment.astimezone(report.zone).strftime(fmt)


def signed_points(change: float | None) -> str:
    if change is None:
        return ""
    arrow = "▲" if change > 0.5 else "▼" if change < -0.5 else "="
    return f"{arrow} {change:+.0f} pts"


def _groups(report: Report) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {
        s: [] for s in ("kept", "late", "overdue", "open", "released", "undated")
    }
    for outcome in report.result.outcomes:
        groups[outcome.status].append(outcome)
    return groups


def _revised_openly(report: Report) -> list[tuple[Outcome, Any]]:
    period = report.period
    return [
        (o, r)
        for o in report.result.outcomes
        for r in o.revisions
        if r.on_time and period.contains(r.at)
    ]


# --- JSON ------------------------------------------------------------------------------


def render_json(report: Report) -> str:
    # Compact: only then does the json module use its C encoder (a big week's
    # report is megabytes); pipe through `jq .` to read it.
    return json.dumps(report_json(report), ensure_ascii=False, separators=(",", ":")) + "\n"


# --- text ------------------------------------------------------------------------------

STATUS_COLOURS = {
    "kept": "green",
    "late": "yellow",
    "overdue": "red",
    "open": "cyan",
    "released": "blue",
    "undated": "magenta",
}


def render_text(report: Report, *, width: int | None = None) -> str:
    width = width or shutil.get_terminal_size((110, 20)).columns
    team = report.result.team
    period = report.period
    first_day, last_day = local(period.start, report), local(period.end, report)
    lines = [
        click.style(f"followthrough · {period.label}", bold=True)
        + f"  {first_day} – {last_day} ({report.config.timezone_name}, end excluded)",
        "",
        click.style(f"Follow-through {percent(team.rate)}", bold=True)
        + f"  {team.kept_scored} of {team.scored} scored promises kept  "
        + signed_points(report.rate_change),
        f"  {RATE_DEFINITION}",
        f"  median horizon {human_span(report.result.median_horizon)} · "
        f"{report.result.open_revisions} revised openly before their due",
        "",
    ]
    lines += _promise_table(report, width=width)
    lines += ["", click.style("Trend (12 weeks)", bold=True)]
    lines += [
        "  " + "  ".join(f"{t.period.label[-3:]} {percent(t.rate):>4}" for t in report.trend[:6]),
        "  " + "  ".join(f"{t.period.label[-3:]} {percent(t.rate):>4}" for t in report.trend[6:]),
        "  " + sparkline(t.rate for t in report.trend),
    ]
    if report.result.by_owner:
        lines += ["", click.style("By owner", bold=True)]
        name_width = max(len(o) for o in report.result.by_owner)
        for owner, stats in report.result.by_owner.items():
            counts = ", ".join(
                f"{n} {s}" for s, n in stats.as_dict().items() if s not in ("scored", "rate") and n
            )
            lines.append(
                f"  {owner:<{name_width}}  {percent(stats.rate):>4}  "
                f"{stats.kept_scored}/{stats.scored} scored  ({counts})"
            )
    lines += _wins_text(report)
    if report.sources:
        lines += ["", click.style("Sources", bold=True)]
        for source in report.sources:
            state = click.style("ok", fg="green") if source.ok else click.style("FAILED", fg="red")
            lines.append(
                f"  {source.name}: {state}" + (f" — {source.error}" if source.error else "")
            )
    return "\n".join(lines) + "\n"


def _promise_table(report: Report, *, width: int) -> list[str]:
    outcomes = report.result.outcomes
    if not outcomes:
        return ["No promises listed in this period."]
    rows = [
        (
            o.status,
            o.promise.owner,
            local(o.due_at, report),
            local(o.done_at, report) if o.done_at else "",
            o.promise.text or "(ticket)",
        )
        for o in outcomes
    ]
    headers = ("STATUS", "OWNER", "DUE", "DONE", "PROMISE")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:4])]
    rest = max(20, width - sum(widths) - 10)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers[:4], widths, strict=True)) + "  PROMISE"]
    for row in rows:
        text = row[4] if len(row[4]) <= rest else row[4][: rest - 1] + "…"
        cells = [c.ljust(w) for c, w in zip(row[:4], widths, strict=True)]
        cells[0] = click.style(cells[0], fg=STATUS_COLOURS[row[0]])
        out.append("  ".join(cells) + "  " + text)
    return out


def _wins_text(report: Report) -> list[str]:
    lines: list[str] = []
    if report.wins:
        lines += ["", click.style(f"Team wins ({len(report.wins)})", bold=True)]
        for win in report.wins:
            tags = f" [{', '.join(win.highlights)}]" if win.highlights else ""
            reviewers = f" · reviewed by {', '.join(win.reviewers)}" if win.reviewers else ""
            lines.append(f"  {win.repo}#{win.number} {win.title} — {win.author}{tags}{reviewers}")
    if report.kudos:
        lines += ["", click.style(f"Kudos ({len(report.kudos)})", bold=True)]
        for kudos in report.kudos:
            lines.append(f"  {kudos.giver} → {kudos.to}: {kudos.why}")
    return lines


# --- Markdown digest --------------------------------------------------------------------


def _environment(loader: jinja2.BaseLoader, *, autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["percent"] = percent
    env.filters["span"] = human_span
    env.filters["safe_text"] = sanitize
    return env


def _builtin(autoescape: bool) -> jinja2.Environment:
    return _environment(jinja2.PackageLoader("followthrough", "templates"), autoescape=autoescape)


def digest_context(
    report: Report, *, limit: int | None, full_report_url: str | None
) -> dict[str, Any]:
    mentions = report.config.digest.mentions
    groups = _groups(report)

    def when(moment: datetime | None) -> str:
        return local(moment, report)

    def who(login: str) -> str:
        return handle(login, mentions=mentions)

    def cut(items: list[Any]) -> tuple[list[Any], int]:
        if limit is None or len(items) <= limit:
            return items, 0
        return items[:limit], len(items) - limit

    return {
        "report": report,
        "period": report.period,
        "team": report.result.team,
        "result": report.result,
        "definition": RATE_DEFINITION,
        "change": signed_points(report.rate_change),
        "previous": report.previous,
        "spark": sparkline(t.rate for t in report.trend),
        "trend": report.trend,
        "groups": groups,
        "revised": _revised_openly(report),
        "due_next": report.result.due_next,
        "wins": report.wins,
        "kudos": report.kudos,
        "sources": report.sources,
        "when": when,
        "who": who,
        "cut": cut,
        "day": lambda m: local(m, report),
        "last_day": local(report.period.end, report),
        "full_report_url": full_report_url,
        "generated_at": iso(report.generated_at, report.zone),
    }


def render_digest(
    report: Report,
    *,
    template: str = "",
    full_report_url: str | None = None,
    base_dir: Path | None = None,
) -> str:
    """The digest comment: the period marker first, always under GitHub's limit."""
    marker = MARKER.format(period=report.period.label)
    render = _digest_renderer(template, base_dir)
    for limit in (None, 200, 100, 50, 25, 10, 5, 2, 0):
        body = render(digest_context(report, limit=limit, full_report_url=full_report_url))
        text = f"{marker}\n{body.strip()}\n"
        if len(text) <= GITHUB_COMMENT_LIMIT:
            return text
    return text[: GITHUB_COMMENT_LIMIT - 40].rsplit("\n", 1)[0] + "\n\n… (cut to fit)\n"


def _digest_renderer(template: str, base_dir: Path | None) -> Callable[[dict[str, Any]], str]:
    if not template:
        compiled = _builtin(autoescape=False).get_template("digest.md.j2")
        return compiled.render
    path = Path(template)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        source = path.read_text(encoding="utf-8")
        compiled = _environment(jinja2.BaseLoader(), autoescape=False).from_string(source)
    except OSError as exc:
        raise TemplateProblem(f"{path}: cannot read the digest template ({exc.strerror})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{path}:{exc.lineno}: template error: {exc.message}") from None

    def render(context: dict[str, Any]) -> str:
        try:
            return compiled.render(context)
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"{path}: template error: {exc}") from None

    return render


def render_markdown(report: Report) -> str:
    return render_digest(report)


# --- HTML -------------------------------------------------------------------------------


def trend_svg(report: Report, *, width: int = 640, height: int = 160) -> str:
    points = report.trend
    pad, step = 30, (width - 60) / max(1, len(points) - 1)
    coords = []
    for i, point in enumerate(points):
        if point.rate is None:
            continue
        x = pad + i * step
        y = height - pad - point.rate * (height - 2 * pad)
        coords.append((x, y, point))
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _) in enumerate(coords)
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5"><title>{p.period.label}: '
        f"{percent(p.rate)} ({p.kept}/{p.scored})</title></circle>"
        for x, y, p in coords
    )
    labels = "".join(
        f'<text x="{pad + i * step:.1f}" y="{height - 8}" text-anchor="middle">'
        f"{p.period.label[-3:]}</text>"
        for i, p in enumerate(points)
    )
    grid = "".join(
        f'<line x1="{pad}" x2="{width - pad}" y1="{height - pad - f * (height - 2 * pad):.1f}" '
        f'y2="{height - pad - f * (height - 2 * pad):.1f}" class="grid"/>'
        f'<text x="4" y="{height - pad - f * (height - 2 * pad) + 4:.1f}">{int(f * 100)}%</text>'
        for f in (0, 0.5, 1)
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="follow-through trend">'
        f'{grid}<path d="{path}" class="line"/>{dots}{labels}</svg>'
    )


def render_html(report: Report) -> str:
    template = _builtin(autoescape=True).get_template("report.html.j2")
    context = digest_context(report, limit=None, full_report_url=None)
    context["svg"] = trend_svg(report)
    context["json"] = report_json(report)
    return template.render(context)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
