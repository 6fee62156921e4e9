#!/usr/bin/env python3
"""Regenerates the Jazzer seed corpus ../TemplateFuzzTestInputs/parseAndExpand/ from every annotation and label
template of the reference rule files given as arguments, plus every template of cases.py.

Usage (from this directory): python3 make_fuzz_corpus.py *.yml
(the .yml files here are byte-identical copies of the reference rule packs)
"""
import hashlib
import os
import sys

import yaml

from cases import CASES

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "TemplateFuzzTestInputs", "parseAndExpand")


def main():
    os.makedirs(OUT, exist_ok=True)
    texts = []
    for path in sys.argv[1:]:
        with open(path) as f:
            doc = yaml.safe_load(f)
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                for section in ("annotations", "labels"):
                    texts.extend((rule.get(section) or {}).values())
    texts.extend(c["t"] for c in CASES)
    for t in texts:
        data = str(t).encode("utf-8")
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds (%d distinct)" % (len(texts), len(os.listdir(OUT))))


if __name__ == "__main__":
    main()
