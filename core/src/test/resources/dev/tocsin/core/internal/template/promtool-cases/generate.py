#!/usr/bin/env python3
"""Regenerates expected.json: what the real Prometheus (promtool) expands each template case to.

Usage: python3 generate.py [path/to/promtool]   (default /usr/bin/promtool)

Every case becomes one alerting rule `C<n>` whose only annotation `t` is the template; its expression
`m_<n> * 0 + (<value>)` yields one sample with exactly the case's labels and value. A rule test that
expects no alert makes promtool print the alert it got, with the expanded annotation, which is parsed
back. Cases marked parse=True are run one at a time and record promtool's parse error instead
(or their output, when Go only fails at execution time).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from cases import CASES

PROMTOOL = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/promtool"
HERE = os.path.dirname(os.path.abspath(__file__))


def yaml_str(s):
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(s)


def selector(n, labels):
    inner = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in sorted(labels.items()))
    return "m_%d{%s}" % (n, inner)


def run(cases):
    """cases: list of (n, template, labels, value). Returns (rc, stdout)."""
    with tempfile.TemporaryDirectory() as d:
        rules = ["groups:", "- name: g", "  rules:"]
        series = []
        tests = []
        for n, tmpl, labels, value in cases:
            rules += ["  - alert: C%d" % n,
                      "    expr: %s" % yaml_str("m_%d * 0 + (%s)" % (n, value)),
                      "    annotations:",
                      "      t: %s" % yaml_str(tmpl)]
            series += ["  - series: %s" % yaml_str(selector(n, labels)), "    values: '1'"]
            tests += ["  - eval_time: 0m", "    alertname: C%d" % n, "    exp_alerts: []"]
        with open(os.path.join(d, "rules.yml"), "w") as f:
            f.write("\n".join(rules) + "\n")
        with open(os.path.join(d, "test.yml"), "w") as f:
            f.write("\n".join(["rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:",
                               "- interval: 1m", "  input_series:"] + series
                              + ["  alert_rule_test:"] + tests) + "\n")
        p = subprocess.run([PROMTOOL, "test", "rules", "test.yml"], cwd=d, capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


GO_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}


def go_unquote(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e in GO_ESC:
            out.append(GO_ESC[e])
            i += 2
        elif e == "x":
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
        elif e == "u":
            out.append(chr(int(s[i + 2:i + 6], 16)))
            i += 6
        elif e == "U":
            out.append(chr(int(s[i + 2:i + 10], 16)))
            i += 10
        else:
            raise ValueError("unknown escape \\" + e)
    return "".join(out)


ALERT = re.compile(r'alertname: C(\d+), time: .*?Annotations:\{t="((?:[^"\\]|\\.)*)"\}', re.S)


def main():
    numbered = [(n, c) for n, c in enumerate(CASES)]
    results = {}
    good = [(n, c["t"], c.get("labels", {}), c.get("value", "0")) for n, c in numbered if not c.get("parse")]
    rc, out = run(good)
    for m in ALERT.finditer(out):
        results[int(m.group(1))] = {"output": go_unquote(m.group(2))}
    for n, c in numbered:
        if c.get("parse"):
            rc, out = run([(n, c["t"], c.get("labels", {}), c.get("value", "0"))])
            m = re.search(r'annotation "t": (.*)', out)
            if m:
                results[n] = {"parseError": m.group(1).strip()}
            else:  # Go only finds some of these at execution time
                for m in ALERT.finditer(out):
                    results[int(m.group(1))] = {"output": go_unquote(m.group(2))}
    missing = [n for n, _ in numbered if n not in results]
    if missing:
        sys.exit("no result for cases %s; promtool said:\n%s" % (missing, out))
    table = []
    for n, c in numbered:
        row = {"name": "__alert_C%d" % n, "template": c["t"], "labels": c.get("labels", {}),
               "value": c.get("value", "0")}
        row.update(results[n])
        table.append(row)
    version = subprocess.run([PROMTOOL, "--version"], capture_output=True, text=True)
    doc = {"generatedBy": "generate.py", "promtool": (version.stdout + version.stderr).splitlines()[0],
           "cases": table}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print("wrote %d cases" % len(table))


if __name__ == "__main__":
    main()
