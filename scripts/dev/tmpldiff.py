#!/usr/bin/env python3
"""Randomized differential testing of Tocsin's alert templates against promtool.

Each generated case: input series v{i="..."} with random values (tiny, huge, negative, fractional, NaN, infinities,
powers of two and of ten, durations in seconds, timestamps), and alerting rules `expr: v` whose annotations are random
templates: $value and $labels, the humanize family, printf with random verbs, flags, widths and precisions, pipelines,
comparisons, string functions. An alert_rule_test with a deliberately wrong expectation makes both tools print every
firing alert with its expanded annotations; the two reports are compared alert by alert (template errors only by
whether both fail: the wording differs by design).

Usage: tmpldiff.py [--seed N] [--minutes M] [--out DIR]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promdiff import run_cases, alert_blocks, run_tool, save_case, yq, PROMTOOL, TOCSIN  # noqa: E402

VALUES = ['0', '1', '-1', '0.1', '0.5', '1.5', '2.25', '-42.42', '1e-05', '1.234e-07', '123456789', '1e+21', '1e+300',
          '-1e+300', '5e-324', '1024', '1536', '1048576', '3600.5', '86399', '90061.25', '0.000999', '1700000000',
          '1700000000.123', '-3600', '100', '99.999', '0.02', 'NaN', 'Inf', '-Inf', '12345.6789', '7', '60', '0.001',
          '2.5e-10', '1e+09', '4294967296', '-0.5', '33.333333333333336']

VERBS = ['%v', '%f', '%.2f', '%e', '%g', '%5.1f', '%d', '%s', '%x', '%q', '%10.3e', '%-8v|', '%+v', '%08.3f', '%G',
         '%E', '%T', '%.3g', '%.0f', '%5.2f%%', '%t', '%o', '%b', '%X', '%c', '%U', '%.10g', '%.1e', '% f', '%#v',
         '%v%v', '%[1]v', '%!', '%9.4g', '%-10.2f|', '%.f', '%3d', '%x-%x']

STRINGS = ['"a b"', '"A_b-c"', '"ÄÖü"', '"hello world"', '"x:80"', '"[::1]:9090"', '"<b>&\'"', '"1h30m"', '"5m"',
           '"-1.5h"', '"abc"', '""', '"Ünïcödé wörld"', '"ǅemal"', '"host"']


def template(r):
    k = r.random()
    v = r.choice(['$value', '$value', '$value', '.Value', r.choice(VALUES[:28])])
    if v.startswith('-') or v[0].isdigit():
        v = v if '.' in v or 'e' in v else v + '.0'  # a float constant, as $value is
    if k < 0.12:
        return '{{ %s }}' % v
    if k < 0.35:
        f = r.choice(['humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp'])
        return r.choice(['{{ %s %s }}' % (f, v), '{{ %s | %s }}' % (v, f)])
    if k < 0.6:
        verb = r.choice(VERBS)
        arg = r.choice([v, v, '$labels.i', r.choice(STRINGS), '(humanize %s)' % v, '3', '-7', 'true', '"x"'])
        return r.choice(['{{ printf "%s" %s }}' % (verb, arg), '{{ %s | printf "%s" }}' % (arg, verb)])
    if k < 0.7:
        op = r.choice(['lt', 'le', 'gt', 'ge', 'eq', 'ne'])
        return '{{ if %s %s %s }}yes{{ else }}no{{ end }}' % (op, v, r.choice(['1.0', '0.0', '100.0', '-1.0']))
    if k < 0.85:
        f = r.choice(['toUpper', 'toLower', 'title', 'stripPort', 'html', 'js', 'urlquery', 'safeHtml',
                      'parseDuration', 'len'])
        return '{{ %s %s }}' % (f, r.choice(STRINGS + ['$labels.i']))
    if k < 0.92:
        return r.choice(['{{ $labels }}', '{{ $labels.i }}', '{{ index $labels "i" }}', '{{ len $labels }}',
                         '{{ range $k, $x := $labels }}{{ $k }}={{ $x }};{{ end }}',
                         '{{ with $value }}{{ . }}{{ end }}', '{{ $value | humanize | printf "%q" }}',
                         '{{ printf "%.2f" $value | len }}', '{{ and 1 0 }}', '{{ or "" "b" }}', '{{ not true }}',
                         '{{ print 1 2 "a" "b" 3.5 }}', '{{ println "a" 1 }}', '{{ printf "%v %v" 1 }}',
                         '{{ graphLink "sum(rate(x[5m])) > 1" }}', '{{ tableLink "up{a=\\"b c\\"}" }}',
                         '{{ $externalURL }}', '{{ toTime %s }}' % v, '{{ %s | toTime }}' % v,
                         '{{ printf "%%v" (toTime %s) }}' % v, '{{ printf "%%v" $labels }}',
                         '{{ printf "%%+v" . }}', '{{ .Labels }}', '{{ .ExternalLabels }}'])
    return '{{ reReplaceAll "(\\\\d+)" "<$1>" (printf "%%v" %s) }}' % v


def gen_case(r):
    vals = r.sample(VALUES, r.randint(4, 10))
    series = [('v{i="%d"}' % k, val) for k, val in enumerate(vals)]
    rules = []
    for a in range(r.randint(2, 6)):
        rules.append(('T%d' % a, {'s%d' % j: template(r) for j in range(r.randint(1, 3))}))
    return series, rules


def render(series, rules):
    rl = ['groups:', '  - name: g', '    rules:']
    for name, ann in rules:
        rl += ['      - alert: %s' % name, '        expr: v', '        annotations:']
        for k, t in ann.items():
            rl.append('          %s: %s' % (k, json.dumps(t)))
    # (the functions externalURL and pathPrefix are left out: promtool's fail on a nil URL, docs/templates.md)
    tl = ['rule_files: [rules.yml]', 'evaluation_interval: 1m', 'tests:', '  - interval: 1m',
          '    external_url: "http://prom.example:9090/sub/path"', '    input_series:']
    for s, val in series:
        tl += ['      - series: %s' % yq(s), "        values: '%s'" % val]
    tl.append('    alert_rule_test:')
    for name, _ in rules:
        tl += ['      - eval_time: 0m', '        alertname: %s' % name,
               '        exp_alerts: [{exp_labels: {never: "x"}}]']
    return '\n'.join(rl) + '\n', '\n'.join(tl) + '\n'


def one_case(r, n, args, stats):
    """One random case: both tools run on it, differences saved under args.out."""
    series, rules = gen_case(r)
    rtext, ttext = render(series, rules)
    open(os.path.join(args.out, 'rules.yml'), 'w').write(rtext)
    path = os.path.join(args.out, 'test.yml')
    open(path, 'w').write(ttext)
    _, pout, perr, _ = run_tool(PROMTOOL, path)
    _, tout, terr, _ = run_tool(TOCSIN, path)
    pb, tb = alert_blocks(pout + perr), alert_blocks(tout + terr)
    stats['cases'] += 1
    bad = []
    for key in sorted(set(pb) | set(tb)):
        stats['alerts'] += 1
        if pb.get(key) == tb.get(key):
            stats['same'] += 1
        else:
            stats['diff'] += 1
            bad.append((key, pb.get(key), tb.get(key)))
    if not pb and not tb:
        bad.append(('(whole file)', pout[-1500:] + perr[-1500:], tout[-1500:] + terr[-1500:]))
    if bad:
        diffs = ''.join('== %s\n-- promtool:\n%s\n-- tocsin:\n%s\n' % d for d in bad)
        case = save_case(args.out, args.seed, n, {'rules.yml': rtext, 'test.yml': ttext, 'diffs.txt': diffs})
        print('DIFF %s: %d alerts' % (case, len(bad)), flush=True)


def main():
    run_cases('/tmp/tmpldiff', {'cases': 0, 'alerts': 0, 'same': 0, 'diff': 0}, one_case)


if __name__ == '__main__':
    main()
