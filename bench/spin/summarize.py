#!/usr/bin/env python3
"""Summarises a differential run (results.jsonl written by diff.sh) as the
Markdown tables of bench/RESULTS-spin.md.

usage: bench/spin/summarize.py RESULTS.jsonl [MORE.jsonl ...]
A run in a later file replaces the run of the same protocol and scenario in
an earlier one (to merge a rerun of some protocols).
"""
import json
import statistics
import sys
from collections import Counter


def kind(v):
    return v["verdict"]


def main(paths):
    runs = {}
    for path in paths:
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                runs[(r["source"], r["protocol"], r["scenario"])] = r
    rows = list(runs.values())
    examples = [r for r in rows if r["source"].startswith("examples/")]
    randoms = [r for r in rows if not r["source"].startswith("examples/")]

    print("### Examples (N = 4, F = 1; F = 0 without faults)\n")
    print("| protocol | scenario | distgen | states | s | Spin | states | pan s | gcc | distgen/Spin time |")
    print("|---|---|---|---:|---:|---|---:|---:|---|---:|")
    for r in examples:
        d, s = r["distgen"], r["spin"]
        dk = kind(d) + (f" ({d['property']})" if kind(d) == "violated" else "")
        sk = kind(s) + (f" ({s['assertion']})" if kind(s) == "violated" else "")
        if kind(s) == "unknown":
            sk += f": {s['reason']}"
        ratio = (
            f"{r['distgen_seconds'] / s['pan_seconds']:.4f}"
            if kind(s) != "unknown" and s["pan_seconds"] > 0
            else "-"
        )
        print(
            f"| {r['protocol']} | {r['scenario']} | {dk} | {r['distgen_states']} "
            f"| {r['distgen_seconds']:.3f} | {sk} | {s['states']} | {s['pan_seconds']:.2f} "
            f"| {s['opt']} | {ratio} |"
        )

    print("\n### Random protocols\n")
    protocols = {r["protocol"] for r in randoms}
    print(f"{len(protocols)} protocols, {len(randoms)} runs.\n")
    print("| scenario | runs | both verified | both violated | differ | undecided | same property when both violated |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    by = {}
    for r in randoms:
        by.setdefault(r["scenario"], []).append(r)
    for scenario, rs in list(by.items()) + [("all", randoms)]:
        c = Counter()
        for r in rs:
            d, s = kind(r["distgen"]), kind(r["spin"])
            if r["agree"] is None:
                c["undecided"] += 1
            elif not r["agree"]:
                c["differ"] += 1
            elif d == "verified":
                c["verified"] += 1
            else:
                c["violated"] += 1
                prop = r["distgen"]["property"]
                assertion = r["spin"]["assertion"]
                spin_prop = "agreement" if assertion == "totality" else assertion
                c["same"] += prop == spin_prop
        print(
            f"| {scenario} | {len(rs)} | {c['verified']} | {c['violated']} | {c['differ']} "
            f"| {c['undecided']} | {c['same']} of {c['violated']} |"
        )

    if not randoms:
        return
    print("\n| | distgen | Spin (pan) |")
    print("|---|---:|---:|")
    d_total = sum(r["distgen_seconds"] for r in randoms)
    s_total = sum(r["spin"]["pan_seconds"] for r in randoms)
    c_total = sum(r["spin"]["compile_seconds"] for r in randoms)
    print(f"| total seconds | {d_total:.2f} | {s_total:.1f} (+ {c_total:.1f} spin -a and gcc) |")
    print(
        f"| median states per run | {statistics.median(r['distgen_states'] for r in randoms):.0f} "
        f"| {statistics.median(r['spin']['states'] for r in randoms):.0f} |"
    )
    print(
        f"| largest states per run | {max(r['distgen_states'] for r in randoms)} "
        f"| {max(r['spin']['states'] for r in randoms)} |"
    )
    ratios = [
        r["distgen_seconds"] / r["spin"]["pan_seconds"]
        for r in randoms
        if r["spin"]["pan_seconds"] > 0 and r["distgen_seconds"] > 0
    ]
    if ratios:
        print(
            f"\ndistgen/Spin time per run: median {statistics.median(ratios):.4f}, "
            f"geometric mean {statistics.geometric_mean(ratios):.4f}, "
            f"max {max(ratios):.4f} (runs where both times are above zero: {len(ratios)})."
        )
    differ = [r for r in rows if r["agree"] is False]
    if differ:
        print("\n### Differences\n")
        for r in differ:
            print(f"- {r['protocol']} ({r['source']}), {r['scenario']}:")
            print(f"  distgen: {json.dumps(r['distgen'])}")
            print(f"  Spin: {json.dumps(r['spin'])}")
    undecided = [r for r in rows if r["agree"] is None]
    if undecided:
        print("\n### Undecided runs\n")
        for r in undecided:
            why = []
            if kind(r["distgen"]) == "unknown":
                why.append(f"distgen: {r['distgen']['reason']}")
            if kind(r["spin"]) == "unknown":
                why.append(f"Spin: {r['spin']['reason'].splitlines()[0]} after {r['spin']['states']} states")
            print(f"- {r['protocol']}, {r['scenario']}: {'; '.join(why)}")


if __name__ == "__main__":
    main(sys.argv[1:])
