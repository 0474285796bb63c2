#!/usr/bin/env python3
"""Draws the yardstick's directed entity pairs and labels them by the rule of yardstick-rule.md.

Input: a TSV of entities by popularity (rank, entity, bills) and a TSV of the evidence-v1 verdicts of the pair
strategy's pairs (source, target, source rank, target rank, co-bills, C|N|-), both made from the training bills
(before 2011-09-01) of the shared Online Retail file. The draw is seeded; labels come from kinds.json only.
usage: make-yardstick.py ENTITIES.tsv PAIRS-V1.tsv > yardstick.csv
"""
import json, random, sys, os

here = os.path.dirname(os.path.abspath(__file__))
table = json.load(open(os.path.join(here, 'kinds.json')))
kind_of = {}
for kind, members in table['kinds'].items():
    for m in [kind] + members:
        kind_of.setdefault(m, kind)
uses = {u: {kind_of.get(m, m) for m in ms} for u, ms in table['uses'].items()}

def kind(e):
    return kind_of.get(e, e)

def label(a, b):
    ka, kb = kind(a), kind(b)
    if ka == kb:
        return 'substitute', 'same kind: ' + ka
    shared = sorted(u for u, ks in uses.items() if ka in ks and kb in ks)
    if shared:
        return 'complementary', 'used together: ' + shared[0]
    return 'unrelated', 'no shared use'

ents = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
rank = {e[1]: int(e[0]) for e in ents}
names = [e[1] for e in ents]
def seg(e):
    r = rank[e]
    return 'head' if r < 100 else 'torso' if r < 250 else 'tail'
linked = set(); co = {}
for l in open(sys.argv[2]):
    s, t, _, _, both, v = l.rstrip('\n').split('\t')
    co[(s, t)] = int(both)
    if v == 'C':
        linked.add((s, t))
rnd = random.Random(18)
chosen = []
seen = set()
def take(pool, n):
    pool = sorted(pool)
    rnd.shuffle(pool)
    got = 0
    for p in pool:
        if got >= n:
            break
        if p in seen or p[0] == p[1]:
            continue
        seen.add(p); chosen.append(p); got += 1
segs = ['head', 'torso', 'tail']
allpairs = [(a, b) for a in names for b in names if a != b]
by_seg = {}
for p in allpairs:
    by_seg.setdefault((seg(p[0]), seg(p[1])), []).append(p)
for sp, pool in sorted(by_seg.items()):
    lk = [p for p in pool if p in linked]
    nl = [p for p in pool if p not in linked]
    comp = [p for p in pool if label(*p)[0] == 'complementary']
    subs = [p for p in pool if label(*p)[0] == 'substitute']
    take(lk, 40); take(nl, 25); take(comp, 20); take(subs, 6)
print('source,target,label,source_segment,target_segment,evidence_v1_linked,rule')
for a, b in chosen:
    lab, why = label(a, b)
    print(f'{a},{b},{lab},{seg(a)},{seg(b)},{"yes" if (a, b) in linked else "no"},{why}')
