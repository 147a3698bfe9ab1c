#!/usr/bin/env python3
"""Scaling table: each shape of bench/shapes.py at doubling sizes, with the growth per step.

    python3 bench/scale.py [--shapes groups,ring,...] [--steps 3] [--repeat 3] [--big]

For each shape, generates inputs of N, 2N, 4N, ... (cached in target/bench/shapes/), times the
command that shape is about (best of --repeat) and prints the time, the input's size and the
ratio to the step before. Doubling the input should at most double the time: a step that grows
more than 2.5 times (timing noise on a shared machine is large below a second), when it takes
over 0.2 s, is super-linear, and the script says so and exits 1. --big starts each shape at 4×
its usual size. Opt-in: nothing in `cargo test` runs it.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target")
PIFLOW = os.path.join(TARGET, "release", "piflow")

# shape: (first size, command given the input directory)
SHAPES = {
    "groups": (1000, lambda d: ["check", d, "--format", "json", "--as-of", "2026-11-23"]),
    "minified": (100_000, lambda d: ["check", d, "--format", "json", "--as-of", "2026-11-23"]),
    "ring": (2000, lambda d: ["trace", "phone", d, "--as-of", "2026-11-23"]),
    "clique": (100, lambda d: ["trace", "phone", d, "--as-of", "2026-11-23"]),
    "har": (20_000, lambda d: ["scan", "--har", os.path.join(d, "capture.har")]),
    "npm": (40_000, lambda d: ["scan", d]),
    "pnpm": (40_000, lambda d: ["scan", d]),
    "swiftpm": (40_000, lambda d: ["scan", d]),
    "cocoapods": (40_000, lambda d: ["scan", d]),
    "yaml": (100_000, lambda d: ["scan", d]),
}
LIMIT = 2.5
NOISE_FLOOR = 0.2


def size_of(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    # check exits 1 with findings; a refused file (the YAML shape) exits 2 by design.
    if proc.returncode not in (0, 1, 2) or proc.returncode < 0:
        sys.exit(f"{' '.join(cmd)} failed with {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return wall


def main():
    args = sys.argv[1:]
    shapes = args[args.index("--shapes") + 1].split(",") if "--shapes" in args else list(SHAPES)
    steps = int(args[args.index("--steps") + 1]) if "--steps" in args else 3
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 3
    big = 4 if "--big" in args else 1
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "piflow"], cwd=ROOT, check=True)
    print(f"{'shape':<10} {'N':>9} {'MB':>7} {'seconds':>8} {'×prev':>6}")
    bad = []
    for shape in shapes:
        first, command = SHAPES[shape]
        prev = None
        for step in range(steps):
            n = first * big * 2**step
            inp = os.path.join(TARGET, "bench", "shapes", f"{shape}-{n}")
            if not os.path.isdir(inp):
                subprocess.run([sys.executable, os.path.join(ROOT, "bench", "shapes.py"), shape, str(n), inp], check=True)
            seconds = min(timed([PIFLOW] + command(inp)) for _ in range(repeat))
            ratio = seconds / prev if prev else None
            flag = ""
            if ratio and ratio > LIMIT and seconds > NOISE_FLOOR:
                flag = "  SUPER-LINEAR"
                bad.append(f"{shape} {n}")
            print(f"{shape:<10} {n:>9} {size_of(inp) / 1e6:>7.1f} {seconds:>8.3f} "
                  f"{(f'{ratio:.2f}' if ratio else '-'):>6}{flag}", flush=True)
            prev = seconds
    if bad:
        sys.exit(f"super-linear steps: {', '.join(bad)}")


if __name__ == "__main__":
    main()
