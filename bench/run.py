#!/usr/bin/env python3
"""piflow benchmark: `check` and `report` against the parse floor, at 10k, 100k and 1M flows.

    python3 bench/run.py [--sizes 10000,100000,1000000] [--repeat 5] [--min-seconds 5] [--fides]

Builds piflow and the floor in release mode, generates inventories with bench/gen.py (cached in
target/bench/), then for each size prints wall time (best of --repeat, floor and check runs taken
in turn, and more of them while they have taken less than --min-seconds in all, up to 100: on a
shared machine a busy spell lasts seconds, so a fast size gets enough runs to see past it) and
peak RSS of:
  floor   serde_json parsing the same files into IgnoredAny (examples/parse_floor.rs): reading and
          validating them, the least any checker must do;
  check   piflow check --format json;
  report  piflow report (all formats).
and the ratios to the floor. With --fides (and `fides` on PATH), it also times
`fides --local evaluate` on the same inventory exported with `piflow convert --to fides`, at the
sizes up to 100k (the manifest holds the policy `fides evaluate` needs, and piflow's round-trip
metadata, which Fides parses but ignores). Run it on a quiet machine: other processes distort the times.
"""
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

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


def main():
    args = sys.argv[1:]
    sizes = [int(s) for s in (args[args.index("--sizes") + 1] if "--sizes" in args else "10000,100000,1000000").split(",")]
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 5
    min_seconds = float(args[args.index("--min-seconds") + 1]) if "--min-seconds" in args else 5.0
    fides = "--fides" in args and shutil.which("fides")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "piflow", "--example", "parse_floor"],
                   cwd=ROOT, check=True)
    piflow = os.path.join(TARGET, "release", "piflow")
    floor = os.path.join(TARGET, "release", "examples", "parse_floor")
    print(f"machine: {machine()}")
    print(f"{'flows':>9} {'MB':>6} | {'floor s':>8} {'check s':>8} {'×floor':>7} {'RSS MB':>7} {'×input':>7} |"
          f" {'report s':>8} {'×floor':>7} {'RSS MB':>7}" + (" | fides s   ×check" if fides else ""))
    for n in sizes:
        inv = os.path.join(TARGET, "bench", f"inv-{n}")
        if not os.path.isdir(inv):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), str(n), inv], check=True)
        size_mb = sum(os.path.getsize(os.path.join(inv, f)) for f in os.listdir(inv)) / 1e6
        (floor_s, _), (check_s, check_rss) = best_interleaved(
            [[floor, inv], [piflow, "check", inv, "--format", "json", "--as-of", "2026-11-23"]], repeat, min_seconds)
        with tempfile.TemporaryDirectory() as out:
            report_s, report_rss = best([piflow, "report", inv, "--out", out, "--as-of", "2026-11-23"], 1)
        line = (f"{n:>9} {size_mb:>6.1f} | {floor_s:>8.3f} {check_s:>8.3f} {check_s / floor_s:>7.2f} {check_rss:>7.0f}"
                f" {check_rss / size_mb:>7.2f} | {report_s:>8.3f} {report_s / floor_s:>7.2f} {report_rss:>7.0f}")
        if fides and n <= 100_000:
            with tempfile.TemporaryDirectory() as out:
                manifest = os.path.join(out, "fides.yml")
                # convert's notes (what Fides cannot carry) would break the table's lines.
                subprocess.run([piflow, "convert", inv, manifest, "--to", "fides"], check=True,
                               stderr=subprocess.DEVNULL)
                fides_s, _ = best(["fides", "--local", "evaluate", manifest], 1, cwd=out)
            line += f" | {fides_s:>7.2f} {fides_s / check_s:>7.0f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
