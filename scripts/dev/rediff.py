#!/usr/bin/env python3
"""Randomized differential testing of Tocsin's regular expressions (RE2 syntax on java.util.regex) against promtool.

Each generated file: input series x{s="..."} with random short label values (ASCII letters and digits, punctuation,
a space, a newline, accented and CJK characters) and promql_expr_tests with deliberately wrong expectations, so both
tools print what they got: for each random RE2 pattern (classes, POSIX and Unicode classes, escapes, anchors, flags,
greedy and lazy repetition, groups and alternation), the matcher x{s=~"P"} (Prometheus anchors it) and
label_replace(x, "o", "<$1|$2>", "s", "P") (capture groups). Each expression's whole answer is compared; errors only
by whether both fail (the wording differs by design).

Usage: rediff.py [--seed N] [--minutes M] [--out DIR]
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promdiff import run_cases, alert_blocks, run_tool, save_case, yq, PROMTOOL, TOCSIN  # noqa: E402

ALPHABET = ['a', 'a', 'b', 'b', 'c', 'A', 'B', '0', '1', '9', '-', '.', '_', ' ', '\n', 'é', 'É', '日', 'k', 'K',
            'ſ', 'Σ', 'σ', 'ς', '\t', '/', ':']
LIT = ['a', 'b', 'c', 'A', 'B', '0', '1', '-', '_', ' ', 'é', '日', 'k', 'σ', ':', '/']


class Pat:
    """Random RE2 patterns."""

    def __init__(self, r):
        self.r = r

    def cls(self):
        r = self.r
        items = []
        for _ in range(r.randint(1, 3)):
            k = r.random()
            if k < 0.35:
                items.append(r.choice(['a', 'b', 'A', '0', '-', '.', 'é', '日', ' ', '_', 'σ']))
            elif k < 0.55:
                items.append(r.choice(['a-c', 'A-Z', '0-9', 'a-z', 'à-ÿ']))
            elif k < 0.75:
                items.append(r.choice(['[:alpha:]', '[:digit:]', '[:space:]', '[:^alpha:]', '[:word:]',
                                       '[:punct:]', '[:upper:]', '[:lower:]', '[:alnum:]']))
            else:
                items.append(r.choice(['\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '\\pL', '\\p{Greek}', '\\PL',
                                       '\\p{Han}', '\\-', '\\]', '\\\\', '\\x41', '\\n', '\\t', '\\.']))
        neg = '^' if r.random() < 0.25 else ''
        if r.random() < 0.08:
            items.insert(0, ']')  # a literal ] first
        return '[' + neg + ''.join(items) + ']'

    def atom(self, d):
        r = self.r
        k = r.random()
        if k < 0.35 or d > 3:
            return r.choice(LIT)
        if k < 0.45:
            return '.'
        if k < 0.6:
            return self.cls()
        if k < 0.72:
            return r.choice(['\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '\\pL', '\\p{Greek}', '\\PL', '\\pN',
                             '\\p{Lu}', '\\p{^Greek}', '\\.', '\\-', '\\\\', '\\x{65e5}', '\\x61', '\\141', '\\n',
                             '\\t', '\\Qa.b\\E', '\\b', '\\B', '\\A', '\\z', '\\v', '\\f'])
        if k < 0.78:
            return r.choice(['^', '$'])
        inner = self.alt(d + 1)
        g = r.choice(['(', '(', '(?:', '(?P<n>', '(?i:', '(?s:', '(?i)', '(?m:'])
        if g == '(?i)':
            return '(?i)' + inner
        return g + inner + ')'

    def rep(self, d):
        r = self.r
        a = self.atom(d)
        if a in ('^', '$') or a.startswith('(?i)'):
            return a
        k = r.random()
        if k < 0.55:
            return a
        q = r.choice(['*', '+', '?', '{2}', '{1,}', '{0,2}', '{1,3}', '{,2}', '{2,1}', '{0}'])
        if r.random() < 0.12:  # large counts: RE2's limit of 1000 copies through nested repetitions
            q = r.choice(['{11}', '{100}', '{500}', '{1000}', '{0,600}', '{3,}', '{2,501}', '{1,1000}'])
        if r.random() < 0.25:
            q += '?'  # lazy
        return a + q

    def concat(self, d):
        return ''.join(self.rep(d) for _ in range(self.r.randint(1, 3)))

    def alt(self, d=0):
        parts = [self.concat(d) for _ in range(self.r.choice([1, 1, 1, 2, 3]))]
        return '|'.join(parts)


def value(r):
    return ''.join(r.choice(ALPHABET) for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4])))


def promql_string(s):
    """A PromQL double-quoted string literal of s."""
    out = []
    for ch in s:
        if ch == '\\':
            out.append('\\\\')
        elif ch == '"':
            out.append('\\"')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\t':
            out.append('\\t')
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def pattern_literal(p, r):
    # a raw string keeps the pattern as written; a double-quoted one needs its backslashes doubled
    if '`' not in p and r.random() < 0.6:
        return '`' + p + '`'
    return promql_string(p)


def template_case(r, vals):
    """A rule file whose alerts expand reReplaceAll and match with random patterns, and its test file."""
    rl = ['groups:', '  - name: g', '    rules:']
    names = []
    for k in range(r.randint(3, 8)):
        p = Pat(r).alt()
        if '`' in p:
            continue
        name = 'R%d' % k
        names.append(name)
        rl.append('      - alert: %s' % name)
        rl.append('        expr: x')
        rl.append('        annotations:')
        rl.append('          r: %s' % json.dumps('{{ reReplaceAll `%s` "<$1|${n}>" $labels.s }}' % p))
        rl.append('          m: %s' % json.dumps('{{ match `%s` $labels.s }}' % p))
    tl = ['rule_files: [rules.yml]', 'evaluation_interval: 1m', 'tests:', '  - interval: 1m', '    input_series:']
    for i, v in enumerate(vals):
        tl.append('      - series: %s' % yq('x{i="%d", s=%s}' % (i, promql_string(v))))
        tl.append("        values: '1'")
    tl.append('    alert_rule_test:')
    for n in names:
        tl.append('      - eval_time: 0m')
        tl.append('        alertname: %s' % n)
        tl.append('        exp_alerts: [{exp_labels: {never: "x"}}]')
    return '\n'.join(rl) + '\n', '\n'.join(tl) + '\n'


def gen_file(r, n_patterns):
    vals = sorted(set(value(r) for _ in range(r.randint(12, 30))))
    vals = [v for v in vals if v != '']  # an empty value is no label
    lines = ['evaluation_interval: 1m', 'tests:', '  - interval: 1m', '    input_series:']
    for i, v in enumerate(vals):
        lines.append('      - series: %s' % yq('x{i="%d", s=%s}' % (i, promql_string(v))))
        lines.append("        values: '1'")
    lines.append('      - series: \'x{i="none"}\'')
    lines.append("        values: '1'")
    lines.append('    promql_expr_test:')
    exprs = []
    for _ in range(n_patterns):
        p = Pat(r).alt()
        lit = pattern_literal(p, r)
        exprs.append('x{s=~%s}' % lit)
        if r.random() < 0.5:
            exprs.append('x{s!~%s}' % lit)
        if r.random() < 0.6:
            exprs.append('label_replace(x, "o", "<$1|$2|${n}>", "s", %s)' % lit)
    for e in exprs:
        lines.append('      - expr: %s' % yq(e))
        lines.append('        eval_time: 0m')
        lines.append('        exp_samples: [{labels: \'no_such{x="y"}\', value: 12345}]')
    return '\n'.join(lines) + '\n', exprs, vals


ENTRY = re.compile(r'^    expr: "((?:[^"\\]|\\.)*)", time: (\S+?),(?: err: (.*))?$')


def blocks(out):
    """The report's block per expression: expression text -> normalized block."""
    res = {}
    cur = None
    buf = []
    for line in out.splitlines():
        m = ENTRY.match(line)
        if m:
            if cur is not None:
                res[cur] = '\n'.join(buf)
            cur = m.group(1)
            buf = ['ERR' if m.group(3) is not None else '']
            continue
        if cur is not None and line.strip():
            buf.append(line.strip())
    if cur is not None:
        res[cur] = '\n'.join(buf)
    return res


def one_case(r, n, args, stats):
    """One random case: both tools run on it, differences saved under args.out."""
    text, exprs, vals = gen_file(r, args.per_file)
    path = os.path.join(args.out, 'cur.test.yml')
    open(path, 'w').write(text)
    pc, pout, perr, _ = run_tool(PROMTOOL, path)
    tc, tout, terr, _ = run_tool(TOCSIN, path)
    pb, tb = blocks(pout + perr), blocks(tout + terr)
    stats['files'] += 1
    bad = []
    for key in set(pb) | set(tb):
        a, b = pb.get(key), tb.get(key)
        stats['exprs'] += 1
        if a == b:
            stats['same'] += 1
            if a is not None and a.startswith('ERR'):
                stats['both_err'] += 1
        else:
            stats['diff'] += 1
            bad.append((key, a, b))
    rtext, ttext = template_case(r, vals)
    open(os.path.join(args.out, 'rules.yml'), 'w').write(rtext)
    tpath = os.path.join(args.out, 'templates.test.yml')
    open(tpath, 'w').write(ttext)
    _, pout2, perr2, _ = run_tool(PROMTOOL, tpath)
    _, tout2, terr2, _ = run_tool(TOCSIN, tpath)
    pa, ta = alert_blocks(pout2 + perr2), alert_blocks(tout2 + terr2)
    for key in set(pa) | set(ta):
        stats['alerts'] += 1
        if pa.get(key) != ta.get(key):
            stats['diff'] += 1
            bad.append(('alert ' + key, pa.get(key), ta.get(key)))
    if len(pb) == 0 or len(tb) == 0:
        bad.append(('(whole file)', (pc, pout[-2000:], perr[-2000:]), (tc, tout[-2000:], terr[-2000:])))
    if bad:
        diffs = ''.join('== %s\n-- promtool:\n%s\n-- tocsin:\n%s\n' % (key, a, b) for key, a, b in bad)
        case = save_case(args.out, args.seed, n, {'test.yml': text, 'rules.yml': rtext,
                                                  'templates.test.yml': ttext, 'diffs.txt': diffs})
        print('DIFF %s: %d expressions' % (case, len(bad)), flush=True)


def main():
    run_cases('/tmp/rediff', {'files': 0, 'exprs': 0, 'alerts': 0, 'same': 0, 'diff': 0, 'both_err': 0}, one_case, lambda ap: ap.add_argument('--per-file', type=int, default=25))


if __name__ == '__main__':
    main()
