"""Throughput of ``followthrough.grammar.parse_commands`` on realistic comment bodies.

Generates N comment bodies deterministically (``random.Random(seed)``): mostly
ordinary prose of 1-6 lines with links, paths and mentions, some Markdown code
fences, quotes and HTML-comment templates, and about 2% with command lines
(some of them inside code or quotes, where they must not count). Only the
``parse_commands`` calls are timed, on one core. Target: >= 200,000 comments/s.

    python bench/bench_grammar.py            # 1,000,000 bodies
    python bench/bench_grammar.py --n 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from followthrough.grammar import parse_commands

_VOCABULARY = (
    "the a this that we I it is was be will should could review change fix test "
    "deploy release merge branch build pipeline flaky issue ticket sprint team "
    "meeting notes retro customer api endpoint latency cache database migration "
    "schema config timeout error log metric dashboard alert on-call incident "
    "thanks great looks good LGTM nit maybe later tomorrow Friday week because "
    "and or but so for with in by to of on at from after before about again"
)
_WORDS = tuple(_VOCABULARY.split())
_LINKS = (
    "https://github.com/acme/api/pull/{n}",
    "https://github.com/acme/web/issues/{n}#issuecomment-{m}",
    "https://acme.atlassian.net/browse/OPS-{n}",
    "src/api/handlers/{w}.py",
    "/var/log/{w}.log",
    "and/or",
    "n/a",
    "@{w}",
    "#{n}",
    "`{w}()`",
)
_CODE = (
    "def {w}(x):",
    "    return x + {n}",
    "curl -s https://api.example.com/v1/{w}",
    "$ make {w}",
    "/promise {w} by Friday",  # an example inside code: must not count
    "SELECT * FROM {w} WHERE id = {n};",
)
_TEMPLATES = (
    "<!-- Describe your change -->",
    "<!-- Please link the issue: Fixes #{n} -->",
    "<!--\nChecklist:\n- [ ] tests\n-->",
)
_COMMANDS = (
    "/promise send the {w} notes by Friday noon",
    "/promise fix the {w} in the parser",
    "/promise review {w} within 48 hours",
    "/Promise by {day}",
    "/done",
    "/done {k}",
    "/revise {k} Monday because the {w} vendor is late",
    "/revise 15 December: waiting on {w}",
    "/drop because priorities changed",
    "/kudos @{w} for patient debugging of the {w} cache",
    "/kudos @{w} @{w} for pairing",
)
_DAYS = ("Friday", "Monday 3pm", "EOD", "tomorrow", "next week", "2026-12-01")


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        w=rng.choice(_WORDS),
        n=rng.randrange(1, 5000),
        m=rng.randrange(10**8, 10**9),
        k=rng.randrange(1, 4),
        day=rng.choice(_DAYS),
    )


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randrange(4, 18))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), _fill(rng, rng.choice(_LINKS)))
    return " ".join(words).capitalize() + rng.choice(".....!?:")


def _prose_line(rng: random.Random) -> str:
    line = " ".join(_sentence(rng) for _ in range(rng.randrange(1, 4)))
    roll = rng.random()
    if roll < 0.05:
        return "> " + line
    if roll < 0.10:
        return "- " + line
    return line


def _body(rng: random.Random) -> str:
    lines = [_prose_line(rng) for _ in range(rng.randrange(1, 7))]
    roll = rng.random()
    if roll < 0.08:
        code = [_fill(rng, rng.choice(_CODE)) for _ in range(rng.randrange(1, 6))]
        fence = rng.choice(("```", "```python", "~~~"))
        lines[rng.randrange(len(lines) + 1) :] = [fence, *code, fence[:3]]
    elif roll < 0.11:
        lines.insert(0, _fill(rng, rng.choice(_TEMPLATES)))
    if rng.random() < 0.02:
        lines.insert(rng.randrange(len(lines) + 1), _fill(rng, rng.choice(_COMMANDS)))
    if rng.random() < 0.01:
        lines = [line + "\r" for line in lines]  # written on Windows
    return "\n".join(lines)


def generate_bodies(n: int, *, seed: int = 2026) -> list[str]:
    """``n`` comment bodies, the same ones for the same seed."""
    rng = random.Random(seed)
    return [_body(rng) for _ in range(n)]


def _timed(parse: Callable[[str], list[object]], bodies: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds for parsing ``bodies``, and the commands found."""
    found = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        found += len(parse(body))
    return time.perf_counter() - wall, time.process_time() - cpu, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of bodies")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--chunk", type=int, default=100_000, help="bodies held at once")
    args = parser.parse_args()

    rng_seeds = random.Random(args.seed)
    elapsed, cpu, found, chars, done = 0.0, 0.0, 0, 0, 0
    while done < args.n:
        size = min(args.chunk, args.n - done)
        bodies = generate_bodies(size, seed=rng_seeds.randrange(2**32))
        seconds, cpu_seconds, commands = _timed(parse_commands, bodies)
        elapsed += seconds
        cpu += cpu_seconds
        found += commands
        chars += sum(map(len, bodies))
        done += size
    print(f"bodies:          {done:,} (mean {chars / done:.0f} chars)")
    print(f"commands found:  {found:,}")
    print(f"time:            {elapsed:.2f} s")
    print(f"throughput:      {done / elapsed:,.0f} comments/s")
    # On a shared machine the wall clock also counts time spent waiting for a core.
    print(f"per CPU second:  {done / cpu:,.0f} comments/s")


if __name__ == "__main__":
    main()
