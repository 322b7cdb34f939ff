"""The ``followthrough`` command line: parse flags, call the library, turn errors into messages.

Exit codes: 0 success, 1 a failed run (a source down, posting refused or
failed), 2 bad input (flags, config, cache file). No traceback for a user
mistake.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from followthrough import __version__, pipeline
from followthrough.clock import ClockError, machine_now, parse_now
from followthrough.config import Config, ConfigError, load_config
from followthrough.demo import DemoError
from followthrough.evaluate import Period, custom_period, parse_period, period_for
from followthrough.render import RENDERERS, TemplateProblem
from followthrough.store import DEFAULT_DB, Store, StoreError

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = tuple(RENDERERS)
log = logging.getLogger("followthrough")


class UserError(click.ClickException):
    """Bad input: exit 2."""

    exit_code = 2


class RunFailed(click.ClickException):
    """The run could not do its job: exit 1."""

    exit_code = 1


# --- the clock ----------------------------------------------------------------------------


class App:
    """Per-invocation state: the environment and the clock."""

    def __init__(self, *, now_text: str | None, env: Mapping[str, str]) -> None:
        self.now_text = now_text or env.get("FOLLOWTHROUGH_NOW") or None
        self.env = env

    def now(self, config: Config) -> datetime:
        if self.now_text:
            try:
                return parse_now(self.now_text, config.timezone)
            except ClockError as exc:
                raise UserError(str(exc)) from None
        return machine_now(config.timezone)


# --- shared options -------------------------------------------------------------------------


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, in the order they are listed."""

    def apply(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return apply


config_options = _options(
    click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("followthrough.toml"),
        show_default=True,
        help="The configuration file.",
    ),
    click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"The SQLite cache (default {DEFAULT_DB}).",
    ),
)
period_options = _options(
    click.option(
        "--period",
        "period_label",
        metavar="YYYY-Www",
        help='An ISO week, e.g. 2026-W47, or "last" (default: the current one).',
    ),
    click.option(
        "--since", "since_text", metavar="DATE", help="Start of a custom range (ISO date or time)."
    ),
    click.option(
        "--until",
        "until_text",
        metavar="DATE",
        help="End of a custom range; a date includes that day.",
    ),
)
output_options = _options(
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format.",
    ),
    click.option("--owner", default=None, help="Only this owner's promises."),
    click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to this file instead of standard output.",
    ),
)


def offline_option(func: F) -> F:
    return click.option(
        "--offline", is_flag=True, help="Use the cache only; do not contact GitHub or Jira."
    )(func)


def _load(app: App, config_path: Path) -> Config:
    try:
        return load_config(config_path, env=app.env)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def _open_store(config: Config, db_path: Path | None) -> Store:
    path = db_path or DEFAULT_DB
    try:
        return Store(path)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def _parse_bound(text: str, zone: Any, *, name: str, inclusive_day: bool) -> datetime:
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            if inclusive_day:
                day += timedelta(days=1)
            return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(zone)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f'--{name} must be an ISO date like 2026-11-16, got "{text}"') from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def choose_period(
    config: Config,
    now: datetime,
    *,
    period_label: str | None,
    since_text: str | None,
    until_text: str | None,
) -> Period:
    zone = config.timezone
    if period_label and (since_text or until_text):
        raise UserError("use either --period or --since/--until, not both")
    if period_label and period_label.strip().lower() in ("last", "previous"):
        return period_for(period_for(now, zone).start - timedelta(seconds=1), zone)
    if period_label:
        period = parse_period(period_label, zone)
        if period is None:
            raise UserError(
                f'--period must be an ISO week like 2026-W47 (or "last"), got "{period_label}"'
            )
        return period
    if since_text or until_text:
        end = (
            _parse_bound(until_text, zone, name="until", inclusive_day=True) if until_text else now
        )
        start = (
            _parse_bound(since_text, zone, name="since", inclusive_day=False)
            if since_text
            else end - timedelta(days=7)
        )
        if start >= end:
            raise UserError("--since must be before --until")
        return custom_period(start, end, zone)
    return period_for(now, zone)


def _emit(text: str, output: Path | None, *, color: bool | None = None) -> None:
    if output is None:
        click.echo(text, nl=False, color=color)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(click.unstyle(text), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{output}: cannot write ({exc.strerror})") from None
    click.echo(f"Wrote {output}", err=True)


def _errors(func: F) -> F:
    """Library exceptions -> one-line messages with the right exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, TemplateProblem, DemoError, ClockError) as exc:
            raise UserError(str(exc)) from None
        except pipeline.CannotPostDigest as exc:
            raise RunFailed(str(exc)) from None
        except pipeline.IncompleteSync as exc:
            raise RunFailed(str(exc)) from None

    return wrapper  # type: ignore[return-value]


# --- the group --------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followthrough")
@click.option(
    "--now",
    "now_text",
    metavar="ISO-8601",
    default=None,
    help="Fix the clock for this command (also FOLLOWTHROUGH_NOW); no offset = team zone.",
)
@click.option("-v", "--verbose", count=True, help="More logging (-vv for requests).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, now_text: str | None, verbose: int, quiet: bool) -> None:
    """Measure whether leaders keep the promises they make to their teams."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if verbose < 2:
        for noisy in ("urllib3", "github", "jira"):
            logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    ctx.obj = App(now_text=now_text, env=dict(os.environ))


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("followthrough.toml"),
    show_default=True,
    help="Where to write the starter configuration.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(config_path: Path, force: bool) -> None:
    """Write a commented starter followthrough.toml."""
    if config_path.exists() and not force:
        raise UserError(f"{config_path}: already exists (use --force to overwrite)")
    try:
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(pipeline.starter_config(), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{config_path}: cannot write ({exc.strerror})") from None
    click.echo(
        f"Wrote {config_path}. Edit [github] repos and [digest] issue, "
        "then run `followthrough report`."
    )


@cli.command()
@config_options
@period_options
@click.option(
    "--rebuild", is_flag=True, help="Re-derive every promise from the cached raw records."
)
@click.option("--allow-partial", is_flag=True, help="Exit 0 even if a source failed.")
@click.pass_obj
@_errors
def sync(
    app: App,
    config_path: Path,
    db_path: Path | None,
    period_label: str | None,
    since_text: str | None,
    until_text: str | None,
    rebuild: bool,
    allow_partial: bool,
) -> None:
    """Read GitHub and Jira into the cache (incremental)."""
    config = _load(app, config_path)
    now = app.now(config)
    period = choose_period(
        config, now, period_label=period_label, since_text=since_text, until_text=until_text
    )
    with _open_store(config, db_path) as store:
        if rebuild:
            count = pipeline.rebuild(store, config)
            click.echo(f"Re-derived promises from {count} cached threads.", err=True)
            return
        result = pipeline.sync_sources(store, config, now=now, period=period)
        for source in result.sources:
            state = "ok" if source.ok else f"FAILED: {source.error}"
            click.echo(f"{source.name}: {state} ({source.requests} requests)", err=True)
        if not result.complete and not allow_partial:
            raise RunFailed(
                "sync incomplete: "
                + "; ".join(f"{s.name}: {s.error}" for s in result.sources if not s.ok)
            )


def _report_command(func: F) -> F:
    return config_options(period_options(output_options(offline_option(func))))


@cli.command()
@_report_command
@click.pass_obj
@_errors
def report(
    app: App,
    config_path: Path,
    db_path: Path | None,
    period_label: str | None,
    since_text: str | None,
    until_text: str | None,
    fmt: str,
    owner: str | None,
    output: Path | None,
    offline: bool,
) -> None:
    """Sync, then show the period's promises, rates, trend and wins."""
    config = _load(app, config_path)
    now = app.now(config)
    period = choose_period(
        config, now, period_label=period_label, since_text=since_text, until_text=until_text
    )
    with _open_store(config, db_path) as store:
        built = pipeline.make_report(
            store, config, now=now, period=period, owner=owner, offline=offline
        )
    _warn_sources(built)
    _emit(pipeline.render(built, fmt), output)


def _warn_sources(built: Any) -> None:
    for source in built.sources:
        if not source.ok:
            click.echo(f"Warning: {source.name} could not be read: {source.error}", err=True)


@cli.command()
@_report_command
@click.option("--post", is_flag=True, help="Post (or edit) the period's comment on [digest] issue.")
@click.option("--allow-partial", is_flag=True, help="Post even if a source could not be read.")
@click.pass_obj
@_errors
def digest(
    app: App,
    config_path: Path,
    db_path: Path | None,
    period_label: str | None,
    since_text: str | None,
    until_text: str | None,
    fmt: str,
    owner: str | None,
    output: Path | None,
    offline: bool,
    post: bool,
    allow_partial: bool,
) -> None:
    """Print the Markdown digest exactly as it would be posted (or --post it)."""
    if fmt not in ("text", "markdown"):
        raise UserError(
            f"the digest is Markdown; for --format {fmt} use `followthrough report --format {fmt}`"
        )
    config = _load(app, config_path)
    now = app.now(config)
    period = choose_period(
        config, now, period_label=period_label, since_text=since_text, until_text=until_text
    )
    with _open_store(config, db_path) as store:
        built = pipeline.make_report(
            store, config, now=now, period=period, owner=owner, offline=offline
        )
        body = pipeline.digest_body(built, env=app.env)
        _warn_sources(built)
        if not post:
            _emit(body, output)
            return
        posted = pipeline.post_digest(store, built, body=body, now=now, allow_partial=allow_partial)
    click.echo(f"Digest {'posted' if posted.created else 'updated'}: {posted.url}", err=True)


@cli.command()
@config_options
@period_options
@click.option("--post/--no-post", default=True, show_default=True, help="Post the digest.")
@click.option("--allow-partial", is_flag=True, help="Post even if a source could not be read.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the digest to this file.",
)
@click.pass_obj
@_errors
def run(
    app: App,
    config_path: Path,
    db_path: Path | None,
    period_label: str | None,
    since_text: str | None,
    until_text: str | None,
    post: bool,
    allow_partial: bool,
    output: Path | None,
) -> None:
    """The scheduled job: sync, judge, render the digest and post it."""
    from followthrough import action

    config = _load(app, config_path)
    now = app.now(config)
    period = choose_period(
        config, now, period_label=period_label, since_text=since_text, until_text=until_text
    )
    with _open_store(config, db_path) as store:
        outcome = action.run(
            store=store,
            config=config,
            now=now,
            period=period,
            env=app.env,
            post=post,
            allow_partial=allow_partial,
        )
    if output is not None:
        _emit(outcome.body, output)
    elif not post:
        _emit(outcome.body, None)
    if outcome.error:
        raise RunFailed(outcome.error)


@cli.command()
@click.argument("target")
@config_options
@offline_option
@click.pass_obj
@_errors
def why(app: App, target: str, config_path: Path, db_path: Path | None, offline: bool) -> None:
    """Explain how one promise (id or URL) was read and judged."""
    config = _load(app, config_path)
    now = app.now(config)
    with _open_store(config, db_path) as store:
        if not offline:
            pipeline.sync_sources(store, config, now=now, period=period_for(now, config.timezone))
        text = pipeline.explain(store, config, target=target, now=now)
    if text is None:
        raise UserError(
            f'no promise matches "{target}" (give an id like github:acme/api#12:body:1, '
            "or the URL of its comment)"
        )
    click.echo(text, nl=False)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--period",
    "period_label",
    metavar="YYYY-Www",
    help="A week of the sample (default: its last full week).",
)
@click.option("--owner", default=None, help="Only this owner's promises.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@click.pass_obj
@_errors
def demo(
    app: App, fmt: str, period_label: str | None, owner: str | None, output: Path | None
) -> None:
    """The whole report on a bundled sample team: offline, no token."""
    from followthrough import demo as demo_module

    text = demo_module.run_demo(
        fmt=fmt, period_label=period_label, owner=owner, now_text=app.now_text
    )
    _emit(text, output)


def main() -> None:
    cli(prog_name="followthrough")
