#!/usr/bin/env python3
"""Generate a realistic piflow inventory of a given size, for benchmarks.

    python3 bench/gen.py FLOWS OUTDIR [--seed N] [--mess FRACTION]

Writes JSON parts (organization.json, fields.json, systems.json, parties.json, purposes.json,
flows-NN.json with at most 100,000 flows each) shaped like a large company: subject groups in CN,
the EEA and elsewhere with volumes; a real mix of field categories (about a fifth sensitive);
front-end systems that collect, back-end systems fed internally, processors and controllers in
many countries, SDKs, consents, cross-border mechanisms (some expired) and waivers. Deterministic
for a given seed. Flow ids are declared, one flow per line, as teams write them.
"""
import json
import os
import random
import sys

CATEGORIES = [
    ("contact.phone", 8), ("contact.email", 8), ("identity.name", 8), ("account.id", 8),
    ("device.id", 6), ("device.ip", 6), ("device.oaid", 3), ("device.model", 3),
    ("behaviour.usage", 6), ("behaviour.purchase", 4), ("location.coarse", 3), ("contact.address", 4),
    ("identity.national-id", 3), ("financial.bank-account", 2), ("financial.transactions", 2),
    ("location.precise", 2), ("biometric.face", 1), ("health.medical", 1), ("behaviour.browsing", 2),
    ("account.credentials", 2), ("communication.content", 1), ("other", 2),
]
COUNTRIES = ["CN"] * 10 + ["HK", "SG", "US", "DE", "FR", "JP", "GB", "IE", "NL", "IN", "BR", "KR"]
BASES = ["consent"] * 3 + ["contract"] * 3 + ["legal-obligation", {"PIPL": "contract", "GDPR": "legitimate-interests"}]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n_flows, out = int(args[0].replace("_", "")), args[1]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)

    scale = max(1, n_flows // 10_000)
    n_fields = min(2_000, 60 + 20 * scale)
    n_front = min(400, 10 + 4 * scale)
    n_back = min(1_600, 20 + 12 * scale)
    n_parties = min(3_000, 20 + 25 * scale)
    n_purposes = min(400, 20 + 3 * scale)

    subjects = []
    for i in range(12):
        cc = ["CN", "CN", "CN", "CN", "CN", "DE", "FR", "US", "SG", ["CN", "HK"], "JP", "CN"][i]
        subjects.append({"id": f"subj-{i}", "name": f"Subject group {i}", "country": cc,
                         "volume": rnd.choice([5_000, 80_000, 400_000, 2_000_000]), "children": i == 11})
    cats = [c for c, w in CATEGORIES for _ in range(w)]
    fields = [{"id": f"f-{i}", "name": f"Field {i}", "category": rnd.choice(cats),
               **({"retention": "P3Y"} if rnd.random() < 0.8 else {})} for i in range(n_fields)]
    systems = [{"id": f"front-{i}", "name": f"Front end {i}", "country": rnd.choice(["CN"] * 6 + ["SG", "DE"]),
                "kind": rnd.choice(["web", "app", "mini-program"])} for i in range(n_front)]
    systems += [{"id": f"back-{i}", "name": f"Service {i}", "country": rnd.choice(["CN"] * 8 + ["SG", "DE", "US"]),
                 "kind": rnd.choice(["service", "database", "saas"])} for i in range(n_back)]
    parties = []
    for i in range(n_parties):
        role = rnd.choice(["processor"] * 5 + ["controller"] * 3 + ["authority", "public"])
        p = {"id": f"party-{i}", "name": f"Party {i}", "country": "CN" if role == "authority" else rnd.choice(COUNTRIES),
             "role": role}
        if role == "processor" and rnd.random() < 0.9:
            p["contract"] = f"DPA-{i}"
        if rnd.random() < 0.8:
            p["contact"] = f"privacy@party-{i}.example"
        if p["country"] == "US" and rnd.random() < 0.5:
            p["certifications"] = ["EU-US-DPF"]
        parties.append(p)
    processors = [p["id"] for p in parties if p["role"] == "processor"]
    for p in parties:
        if p["role"] == "processor":
            others = [x for x in processors if x != p["id"]]
            p["subprocessors"] = rnd.sample(others, min(3, len(others)))
    consents = [{"id": f"c-{i}", "name": f"Consent {i}", "kind": rnd.choice(["general", "separate", "explicit"]),
                 "for": rnd.sample(["processing", "sensitive", "provide", "cross-border"], 2)} for i in range(40)]
    purposes = []
    for i in range(n_purposes):
        p = {"id": f"purpose-{i}", "name": f"Purpose {i}", "basis": rnd.choice(BASES),
             "consents": rnd.sample([c["id"] for c in consents], 2)}
        if rnd.random() < 0.6:
            p["assessment"] = f"PIA-{i}"
        if rnd.random() < 0.3:
            p["retention"] = "P2Y"
        purposes.append(p)
    mechanisms = [{"id": f"m-{i}", "kind": rnd.choice(["cn-standard-contract", "cn-security-assessment", "eu-scc"]),
                   "to": [rnd.choice(COUNTRIES[10:])],
                   **({"valid_until": rnd.choice(["2025-06-30", "2029-12-31"])} if rnd.random() < 0.5 else {})}
                  for i in range(60)]

    field_ids = [f["id"] for f in fields]
    fronts = [s["id"] for s in systems if s["id"].startswith("front-")]
    backs = [s["id"] for s in systems if s["id"].startswith("back-")]
    party_ids = [p["id"] for p in parties]
    # A coherent map: each front end collects its own set of fields, each back end is fed by one
    # front end with a subset of them, and parties receive subsets of what a back end holds, so
    # provenance is real and only the deliberate mistakes (`--mess`, default 1%) produce findings.
    pool = {f: rnd.sample(field_ids, min(30, len(field_ids))) for f in fronts}
    upstream = {b: rnd.choice(fronts) for b in backs}
    pool.update({b: rnd.sample(pool[upstream[b]], 15) for b in backs})
    mess = float(args[args.index("--mess") + 1]) if "--mess" in args else 0.01
    for p in parties:
        if rnd.random() >= mess:
            if p["role"] == "processor":
                p.setdefault("contract", f"DPA-{p['id']}")
            p.setdefault("contact", f"privacy@{p['id']}.example")
    for pu in purposes:
        pu["consents"] = ["c-all"]
        pu["special_condition"] = "a"
        if rnd.random() >= mess:
            pu["assessment"] = pu.get("assessment", f"PIA-{pu['id']}")
    consents[:0] = [{"id": "c-all", "name": "Sign-up dialog", "kind": "explicit",
                     "for": ["processing", "sensitive", "provide", "disclose", "cross-border", "children"]}]
    consents[1].update({"kind": "guardian", "for": ["children"]})
    for pu in purposes:
        pu["consents"].append(consents[1]["id"])
    foreign = sorted({p["country"] for p in parties} | {s["country"] for s in systems} - {"CN"})
    mechanisms += [{"id": f"sa-{cc}", "kind": "cn-security-assessment", "to": [cc], "valid_until": "2028-03-31"}
                   for cc in foreign] + [{"id": f"scc-{cc}", "kind": "eu-scc", "to": [cc]} for cc in foreign]
    sdks = [{"id": f"sdk-{i}", "name": f"SDK {i}", "vendor": rnd.choice(processors), "in": [front],
             "fields": rnd.sample(pool[front], 3), "purpose": rnd.choice(purposes)["id"]}
            for i, front in enumerate(rnd.sample(fronts, min(40, len(fronts))))]
    received = {}
    # Each system serves a few purposes, as in a real company: a purpose touches the fields of
    # the systems that serve it, not every field everywhere.
    purpose_ids = [p["id"] for p in purposes]
    serves = {n: rnd.sample(purpose_ids, min(3, len(purpose_ids))) for n in fronts + backs}

    def flow(i):
        r = rnd.random()
        if r < 0.35:
            src, dst = rnd.choice(subjects)["id"], rnd.choice(fronts)
            fs = rnd.sample(pool[dst], rnd.choice([1, 2, 3, 4]))
        elif r < 0.70:
            dst = rnd.choice(backs)
            src = upstream[dst]
            fs = rnd.sample(pool[dst], rnd.choice([1, 2, 3, 4]))
        elif r < 0.97 or not received:
            src, dst = rnd.choice(backs), rnd.choice(party_ids)
            fs = rnd.sample(pool[src], rnd.choice([1, 2, 3]))
            if parties[int(dst.split("-")[1])]["role"] == "processor":
                received.setdefault(dst, set()).update(fs)
        else:
            src = rnd.choice(sorted(received))
            subs = parties[int(src.split("-")[1])].get("subprocessors") or [rnd.choice(party_ids)]
            dst = rnd.choice(subs)
            fs = rnd.sample(sorted(received[src]), 1)
        if rnd.random() < mess:
            fs = fs[:-1] + [rnd.choice(field_ids)]
        owner = src if src in serves else dst if dst in serves else None
        purpose = rnd.choice(serves[owner]) if owner else rnd.choice(purpose_ids)
        f = {"id": f"flow-{i}", "from": src, "to": dst, "fields": fs, "purpose": purpose}
        if rnd.random() < 0.2:
            f["volume"] = rnd.choice([100, 20_000, 300_000])
        return f

    # Collection first, so every front end really holds its whole pool.
    cover = [{"id": f"collect-{front}-{k}", "from": rnd.choice(subjects)["id"], "to": front,
              "fields": pool[front][k:k + 5], "purpose": serves[front][0]}
             for front in fronts for k in range(0, len(pool[front]), 5)]
    cover += [{"id": f"feed-{b}-{k}", "from": upstream[b], "to": b, "fields": pool[b][k:k + 5],
               "purpose": serves[b][0]} for b in backs for k in range(0, len(pool[b]), 5)]

    def write(name, obj):
        with open(os.path.join(out, name), "w", encoding="utf-8") as fh:
            fh.write("{\n  \"piflow\": 1")
            for key, value in obj.items():
                if isinstance(value, list):
                    fh.write(f",\n  \"{key}\": [\n")
                    fh.write(",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value))
                    fh.write("\n  ]")
                else:
                    fh.write(f",\n  \"{key}\": {json.dumps(value, ensure_ascii=False)}")
            fh.write("\n}\n")

    write("organization.json", {
        "organization": {"id": "bigco", "name": "BigCo Group", "country": "CN", "contact": "dpo@bigco.example",
                         "officer": "Chief Privacy Officer"},
        "subjects": subjects})
    write("fields.json", {"fields": fields})
    write("systems.json", {"systems": systems})
    write("parties.json", {"parties": parties})
    write("purposes.json", {"purposes": purposes, "consents": consents, "mechanisms": mechanisms, "sdks": sdks,
                            "waivers": [{"rule": "pipl-21-contract", "target": "flow-3", "reason": "DPA in review",
                                         "until": "2027-01-31"}]})
    chunk = 100_000
    n_random = max(0, n_flows - len(cover))
    for part in range(0, max(n_random, 1), chunk):
        flows = [flow(i) for i in range(part, min(n_random, part + chunk))]
        if part == 0:
            flows = cover + flows
        write(f"flows-{part // chunk:02d}.json", {"flows": flows})


if __name__ == "__main__":
    main()
