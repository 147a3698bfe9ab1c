#!/usr/bin/env python3
"""Inputs shaped otherwise than bench/gen.py's company map, for the scaling table (issue 19).

    python3 bench/shapes.py SHAPE N OUT

SHAPE is one of:
  groups     N subject groups, each collecting the same 400 fields into the first of a chain of
             400 systems that passes them all along (provenance with many groups, long chains);
  ring       a ring of N systems, each with one chord to the system N/2 ahead, all carrying
             `phone` (`trace phone` on a graph with a great many paths);
  clique     N systems, each sending `phone` to every other (dense);
  minified   gen.py's map of N flows, each part written on one line as json.dump does;
  har        a HAR capture of N entries, minified, with `\\/`-escaped slashes;
  npm / pnpm / swiftpm / cocoapods
             a lockfile of N packages (package-lock.json, pnpm-lock.yaml, Package.resolved,
             Podfile.lock), in a scan tree;
  yaml       a pnpm-lock.yaml of N nested flow sequences (`[[[...]]]`).
Inventories are directories of JSON parts; the scan shapes are directories to `piflow scan`.
Deterministic: no randomness but gen.py's own seed.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def part(out, name, obj, minified=False):
    with open(os.path.join(out, name), "w", encoding="utf-8") as fh:
        if minified:
            json.dump(obj, fh)
        else:
            fh.write("{\n  \"piflow\": 1")
            for key, value in obj.items():
                if key == "piflow":
                    continue
                if isinstance(value, list):
                    fh.write(f",\n  \"{key}\": [\n")
                    fh.write(",\n".join("    " + json.dumps(v) for v in value))
                    fh.write("\n  ]")
                else:
                    fh.write(f",\n  \"{key}\": {json.dumps(value)}")
            fh.write("\n}\n")


def organization(subjects):
    return {"piflow": 1,
            "organization": {"id": "shapeco", "name": "ShapeCo", "country": "CN", "contact": "dpo@shapeco.example"},
            "subjects": subjects,
            "purposes": [{"id": "service", "name": "Service", "basis": "contract"}]}


def flows_between(pairs, fields):
    return [{"id": f"flow-{i}", "from": a, "to": b, "fields": fields, "purpose": "service"}
            for i, (a, b) in enumerate(pairs)]


def groups(n, out, n_fields=400, chain=400):
    subjects = [{"id": f"subj-{i}", "name": f"Group {i}", "country": "CN", "volume": 1000} for i in range(n)]
    fields = [{"id": f"f-{i}", "name": f"Field {i}", "category": "contact.email"} for i in range(n_fields)]
    systems = [{"id": f"sys-{i}", "name": f"System {i}", "country": "CN", "kind": "service"} for i in range(chain)]
    ids = [f["id"] for f in fields]
    pairs = [(s["id"], "sys-0") for s in subjects] + [(f"sys-{i}", f"sys-{i + 1}") for i in range(chain - 1)]
    part(out, "organization.json", organization(subjects))
    part(out, "fields.json", {"piflow": 1, "fields": fields, "systems": systems})
    part(out, "flows.json", {"piflow": 1, "flows": flows_between(pairs, ids)})


def graph_of(n, out, pairs):
    subjects = [{"id": "users", "name": "Users", "country": "CN", "volume": 1000}]
    systems = [{"id": f"sys-{i}", "name": f"System {i}", "country": "CN", "kind": "service"} for i in range(n)]
    part(out, "organization.json", organization(subjects))
    part(out, "fields.json", {"piflow": 1, "fields": [{"id": "phone", "name": "Phone", "category": "contact.phone"}],
                              "systems": systems})
    part(out, "flows.json", {"piflow": 1, "flows": flows_between([("users", "sys-0")] + pairs, ["phone"])})


def ring(n, out):
    pairs = [(f"sys-{i}", f"sys-{(i + 1) % n}") for i in range(n)]
    pairs += [(f"sys-{i}", f"sys-{(i + n // 2) % n}") for i in range(n)]
    graph_of(n, out, pairs)


def clique(n, out):
    graph_of(n, out, [(f"sys-{i}", f"sys-{j}") for i in range(n) for j in range(n) if i != j])


def minified(n, out):
    pretty = out + ".pretty"
    if not os.path.isdir(pretty):
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n), pretty], check=True)
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(pretty)):
        with open(os.path.join(pretty, name), encoding="utf-8") as fh:
            obj = json.load(fh)
        part(out, name, obj, minified=True)


def har(n, out):
    entries = [{"startedDateTime": "2026-01-01T00:00:00.000Z", "time": 1,
                "request": {"method": "POST", "url": f"https://api{i % 50}.example.com/v1/users/{i}?phone=1",
                            "headers": [{"name": "Content-Type", "value": "application/json"}],
                            "postData": {"mimeType": "application/json",
                                         "text": json.dumps({"phone": "x", "email": "y", "id": i})}},
                "response": {"status": 200, "headers": [], "content": {"size": 0, "mimeType": "application/json"}}}
               for i in range(n)]
    text = json.dumps({"log": {"version": "1.2", "creator": {"name": "shapes", "version": "1"}, "entries": entries}})
    with open(os.path.join(out, "capture.har"), "w") as fh:
        fh.write(text.replace("/", "\\/"))


def npm(n, out):
    packages = {"": {"name": "app", "version": "1.0.0"}}
    for i in range(n):
        packages[f"node_modules/pkg-{i}"] = {"version": f"1.0.{i}", "resolved": f"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.0.{i}.tgz",
                                              "integrity": "sha512-AAAA"}
    packages["node_modules/@sentry/browser"] = {"version": "7.0.0"}
    with open(os.path.join(out, "package-lock.json"), "w") as fh:
        json.dump({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": packages}, fh, indent=2)


def lines(out, name, head, item, n, tail):
    """A text file: `head`, `item(i)` for each of `n` packages, `tail`."""
    with open(os.path.join(out, name), "w") as fh:
        fh.write(head + "".join(item(i) for i in range(n)) + tail)


def pnpm(n, out):
    lines(out, "pnpm-lock.yaml", "lockfileVersion: '9.0'\n\npackages:\n\n",
          lambda i: f"  pkg-{i}@1.0.{i}:\n    resolution: {{integrity: sha512-AAAA}}\n\n", n,
          "  '@sentry/browser@7.0.0':\n    resolution: {integrity: sha512-AAAA}\n")


def swiftpm(n, out):
    pins = [{"identity": f"pkg-{i}", "kind": "remoteSourceControl", "location": f"https://github.com/o/pkg-{i}.git",
             "state": {"revision": "0" * 40, "version": f"1.0.{i}"}} for i in range(n)]
    pins.append({"identity": "firebase-ios-sdk", "kind": "remoteSourceControl",
                 "location": "https://github.com/firebase/firebase-ios-sdk.git", "state": {"version": "10.0.0"}})
    with open(os.path.join(out, "Package.resolved"), "w") as fh:
        json.dump({"pins": pins, "version": 2}, fh, indent=2)


def cocoapods(n, out):
    lines(out, "Podfile.lock", "PODS:\n", lambda i: f"  - Pod{i} (1.0.{i})\n", n,
          "  - FirebaseAnalytics (10.0.0)\n\nDEPENDENCIES:\n  - FirebaseAnalytics\n\nCOCOAPODS: 1.12.0\n")


def yaml(n, out):
    with open(os.path.join(out, "pnpm-lock.yaml"), "w") as fh:
        fh.write("lockfileVersion: '9.0'\npackages: " + "[" * n + "]" * n + "\n")


SHAPES = {"groups": groups, "ring": ring, "clique": clique, "minified": minified, "har": har, "npm": npm,
          "pnpm": pnpm, "swiftpm": swiftpm, "cocoapods": cocoapods, "yaml": yaml}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in SHAPES:
        sys.exit(__doc__)
    shape, n, out = sys.argv[1], int(sys.argv[2].replace("_", "")), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    SHAPES[shape](n, out)


if __name__ == "__main__":
    main()
