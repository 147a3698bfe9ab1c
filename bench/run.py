#!/usr/bin/env python3
"""piflow benchmark: issue 19's targets, measured in one run, each said to hold or not.

    python3 bench/run.py [--sizes 10000,100000,1000000] [--big] [--repeat 5] [--min-seconds 5] [--fides]

Builds piflow and the floor in release mode, generates inputs with bench/gen.py and
bench/shapes.py (cached in target/bench/), and times (wall, best of --repeat, runs of the commands
compared taken in turn, and more of them while they have taken less than --min-seconds in all, up
to 100: on a shared machine a busy spell lasts seconds, so a fast size gets enough runs to see past
it), with peak RSS:
  floor     serde_json parsing the same files into IgnoredAny (examples/parse_floor.rs): reading
            and validating them, the least any checker must do;
  check     piflow check --format json, on gen.py's company map in two layouts — one item per
            line (`pretty`) and each part on one line as json.dump writes it (`minified`) — and on
            an unmaintained map (`--mess 0.6`: findings on most flows);
  report    piflow report (all formats), pretty layout;
  scan      piflow scan of a tree with four 40k-package lockfiles (package-lock.json,
            pnpm-lock.yaml, Package.resolved, Podfile.lock) and a 100 MB HAR, minified with `\/`
            escapes.
--big adds 10M flows (about 1.3 GB; pretty layout) for the 10M-against-1M target. With --fides
(and `fides` on PATH), it also times `fides --local evaluate` on the same inventory exported with
`piflow convert --to fides`, at the sizes up to 100k.

At the end it lists the targets (at the largest size run, 1M by default) with the measured value
and whether it holds, and exits 1 if one does not. Run it on a quiet machine: other processes
distort the times.
"""
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target")


def run(cmd, cwd=None):
    """Wall seconds and peak RSS (MB, 10^6 bytes, the unit of the input sizes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed with {code}:\n{err}")
    # ru_maxrss is in KiB on Linux.
    return wall, usage.ru_maxrss * 1024 / 1e6


def best(cmd, repeat, cwd=None):
    results = [run(cmd, cwd) for _ in range(repeat)]
    return min(r[0] for r in results), max(r[1] for r in results)


def best_interleaved(cmds, repeat, min_seconds=0.0):
    """best() of each command, their runs taken in turn, so a busy spell of the machine weighs on
    all of them alike instead of on whichever happened to run then; at least `repeat` rounds, and
    more (up to 100) until `min_seconds` have passed."""
    results = [[] for _ in cmds]
    start = time.perf_counter()
    rounds = 0
    while rounds < repeat or (time.perf_counter() - start < min_seconds and rounds < 100):
        rounds += 1
        for i, cmd in enumerate(cmds):
            results[i].append(run(cmd))
    return [(min(r[0] for r in rs), max(r[1] for r in rs)) for rs in results]


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(l.split(":", 1)[1].strip() for l in fh if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"


def generate(n, layout):
    """The company map of `n` flows in one layout (`pretty`, `minified`, `mess`), cached."""
    inv = os.path.join(TARGET, "bench", f"inv-{n}" if layout == "pretty" else f"inv-{n}-{layout}")
    if not os.path.isdir(inv):
        if layout == "minified":
            os.makedirs(inv)
            shapes.minified(n, inv)
        else:
            extra = ["--mess", "0.6"] if layout == "mess" else []
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), str(n), inv] + extra, check=True)
    return inv


def size_mb(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) / 1e6


def scan_tree():
    """Four 40k-package lockfiles and a 100 MB minified, escaped HAR (about 230k entries), cached."""
    tree = os.path.join(TARGET, "bench", "scan-tree")
    if not os.path.isdir(tree):
        os.makedirs(tree)
        for shape in ("npm", "pnpm", "swiftpm", "cocoapods"):
            sub = os.path.join(tree, shape)
            os.makedirs(sub)
            shapes.SHAPES[shape](40_000, sub)
        shapes.har(230_000, tree)
    return tree


def main():
    args = sys.argv[1:]
    sizes = [int(s) for s in (args[args.index("--sizes") + 1] if "--sizes" in args else "10000,100000,1000000").split(",")]
    if "--big" in args and 10_000_000 not in sizes:
        sizes.append(10_000_000)
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 5
    min_seconds = float(args[args.index("--min-seconds") + 1]) if "--min-seconds" in args else 5.0
    fides = "--fides" in args and shutil.which("fides")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "piflow", "--example", "parse_floor"],
                   cwd=ROOT, check=True)
    piflow = os.path.join(TARGET, "release", "piflow")
    floor = os.path.join(TARGET, "release", "examples", "parse_floor")
    check = lambda inv: [piflow, "check", inv, "--format", "json", "--as-of", "2026-11-23"]  # noqa: E731
    print(f"machine: {machine()}")
    print(f"{'flows':>9} {'layout':>8} {'MB':>7} | {'floor s':>8} {'check s':>8} {'×floor':>7} {'RSS MB':>7}"
          f" {'×input':>7} | {'report s':>8} {'×floor':>7} {'RSS MB':>7} {'×input':>7}"
          + (" | fides s   ×check" if fides else ""))
    measured = {}
    for n in sizes:
        # 10M flows: the pretty layout only (the 10M target), one run of each (each takes seconds).
        layouts = ["pretty"] if n >= 10_000_000 else ["pretty", "minified", "mess"]
        for layout in layouts:
            inv = generate(n, layout)
            mb = size_mb(inv)
            rounds, least = (1, 0.0) if n >= 10_000_000 else (repeat, min_seconds)
            (floor_s, _), (check_s, check_rss) = best_interleaved([[floor, inv], check(inv)], rounds, least)
            line = (f"{n:>9} {layout:>8} {mb:>7.1f} | {floor_s:>8.3f} {check_s:>8.3f} {check_s / floor_s:>7.2f}"
                    f" {check_rss:>7.0f} {check_rss / mb:>7.2f} |")
            row = {"mb": mb, "floor": floor_s, "check": check_s, "check_rss": check_rss}
            if layout == "pretty":
                with tempfile.TemporaryDirectory() as out:
                    report_s, report_rss = best([piflow, "report", inv, "--out", out, "--as-of", "2026-11-23"], 1)
                row.update(report=report_s, report_rss=report_rss)
                line += f" {report_s:>8.3f} {report_s / floor_s:>7.2f} {report_rss:>7.0f} {report_rss / mb:>7.2f}"
            else:
                line += f" {'':>8} {'':>7} {'':>7} {'':>7}"
            if fides and layout == "pretty" and n <= 100_000:
                with tempfile.TemporaryDirectory() as out:
                    manifest = os.path.join(out, "fides.yml")
                    # convert's notes (what Fides cannot carry) would break the table's lines.
                    subprocess.run([piflow, "convert", inv, manifest, "--to", "fides"], check=True,
                                   stderr=subprocess.DEVNULL)
                    fides_s, _ = best(["fides", "--local", "evaluate", manifest], 1, cwd=out)
                row["fides"] = fides_s
                line += f" | {fides_s:>7.2f} {fides_s / check_s:>7.0f}"
            measured[(n, layout)] = row
            print(line, flush=True)

    tree = scan_tree()
    scan_s, scan_rss = best([piflow, "scan", tree, "--har", os.path.join(tree, "capture.har")], 3)
    print(f"scan: lockfiles of 40k packages ×4 and a {os.path.getsize(os.path.join(tree, 'capture.har')) / 1e6:.0f} MB"
          f" HAR (minified, escaped): {scan_s:.2f} s, peak {scan_rss:.0f} MB", flush=True)

    # The targets of issue 19, at the largest size below 10M that was run.
    n = max(k for k, _ in measured if k < 10_000_000)
    pretty, mini, mess = measured[(n, "pretty")], measured[(n, "minified")], measured[(n, "mess")]
    targets = [
        (f"check {n} flows, pretty: ≤ 3× floor", pretty["check"] / pretty["floor"], 3.0),
        (f"check {n} flows, minified: ≤ 3× floor", mini["check"] / mini["floor"], 3.0),
        (f"check {n} flows, pretty: peak RSS ≤ 3× input", pretty["check_rss"] / pretty["mb"], 3.0),
        (f"check {n} flows, minified: peak RSS ≤ 3× input", mini["check_rss"] / mini["mb"], 3.0),
        (f"check {n} flows, unmaintained map: ≤ 10× floor", mess["check"] / mess["floor"], 10.0),
        (f"report {n} flows: ≤ 5× check", pretty["report"] / pretty["check"], 5.0),
        (f"report {n} flows: peak RSS ≤ 5× input", pretty["report_rss"] / pretty["mb"], 5.0),
        ("scan, 40k-package lockfiles and a 100 MB HAR: ≤ 2 s", scan_s, 2.0),
    ]
    if (10_000_000, "pretty") in measured:
        big = measured[(10_000_000, "pretty")]
        one = measured.get((1_000_000, "pretty"))
        if one:
            targets.append(("check 10M flows: ≤ 11× the 1M time", big["check"] / one["check"], 11.0))
        targets.append(("check 10M flows: peak RSS ≤ 3× input", big["check_rss"] / big["mb"], 3.0))
    if "fides" in measured.get((100_000, "pretty"), {}):
        row = measured[(100_000, "pretty")]
        # ≥ 1000× faster: check's time at most a thousandth of fides'.
        targets.append(("check ≥ 1000× faster than fides at 100k (check/fides × 1000)",
                        row["check"] / row["fides"] * 1000, 1.0))
    print("\ntargets:")
    failed = 0
    for name, value, limit in targets:
        ok = value <= limit
        failed += not ok
        print(f"  {'holds' if ok else 'FAILS':<5}  {value:7.2f}  (limit {limit:g})  {name}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
