#!/usr/bin/env python3
"""Randomized differential testing of Tocsin's alerting rules against promtool test rules.

Each generated case: random input series (promdiff's generators), a rule file with random alerting rules (random
conditions, for, keep_firing_for, labels (some templated) and templated annotations, sometimes a recording rule they
read; one or two groups, sometimes with a limit, an interval and a group_eval_order), alert_rule_tests at many eval
times with deliberately wrong exp_alerts, and sometimes promql_expr_tests of ALERTS, ALERTS_FOR_STATE and the recorded
series with deliberately wrong exp_samples, so both tools print what they got. The two
outputs are compared verbatim (after the file name).

Usage: alertdiff.py [--seed N] [--minutes M] [--out DIR]
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promdiff  # noqa: E402
from promdiff import run_cases, Gen, gen_series, series_text, yq, fmt_dur, run_tool, save_case, PROMTOOL, TOCSIN  # noqa: E402


def cond(g0, r):
    """A condition for an alerting rule."""
    class G:
        def selector_text(self, name):
            return g0.selector_text(name if name != 'nosuch' else 'a')[0] if name != 'nosuch' else 'nosuch'

        def vector(self, d):
            return g0.vector(d)
    g = G()
    k = r.random()
    if k < 0.25:
        return '%s %s %s' % (g.selector_text('a'), r.choice(['>', '<', '>=', '==', '!=']), r.choice(['0', '1', '2', '5']))
    if k < 0.4:
        return 'rate(%s[%s]) > %s' % (g.selector_text('c_total'), r.choice(['2m', '3m', '5m']), r.choice(['0', '0.01', '0.05']))
    if k < 0.5:
        return 'increase(%s[%s]) %s %s' % (g.selector_text('c_total'), r.choice(['2m', '5m']), r.choice(['>', '<=']),
                                           r.choice(['0', '1', '3']))
    if k < 0.58:
        return 'absent(%s)' % g.selector_text(r.choice(['a', 'b', 'nosuch']))
    if k < 0.66:
        return '%s by (%s) (%s) > %s' % (r.choice(['sum', 'max', 'count']), r.choice(['job', 'instance', 'job, instance']),
                                         g.selector_text('a'), r.choice(['0', '1', '3']))
    if k < 0.72:
        return 'changes(%s[%s]) > 0' % (g.selector_text(r.choice(['a', 'b'])), r.choice(['2m', '3m']))
    if k < 0.78:
        return 'rec:a > %s' % r.choice(['0', '1', '2'])
    if k < 0.84:
        return '%s unless %s' % (g.selector_text('a'), g.selector_text('b'))
    if k < 0.9:
        return 'absent_over_time(%s[%s])' % (g.selector_text('a'), r.choice(['1m', '2m', '5m']))
    try:
        return '(%s) > 0' % g.vector(2).render()
    except Exception:  # the generator may not fit
        return 'a > 0'


def annotation(r):
    return r.choice([
        'v={{ $value }}',
        '{{ $labels.job }} {{ $labels.instance }}',
        '{{ humanize $value }}',
        '{{ printf "%.2f" $value }}',
        'static',
        '{{ $labels }}',
        '{{ if gt $value 1.0 }}big{{ else }}small{{ end }}',
        '{{ $externalLabels.region }} {{ $externalURL }}',
        '{{ with query "a" }}{{ . | len }}{{ end }}',
        '{{ range query "sum by (job) (a)" | sortByLabel "job" }}{{ .Labels.job }}:{{ .Value }} {{ end }}',
        '{{ with query "rate(c_total[2m])" }}{{ len . }}{{ end }}',
        '{{ with query "count(ALERTS)" }}{{ . | first | value }}{{ end }}',
    ])


def gen_case(r):
    series = gen_series(r)
    g = Gen(r, series)
    rules = []
    if r.random() < 0.3:
        rules.append({'record': 'rec:a', 'expr': r.choice(['sum by (job) (a)', 'a * 2', 'max(a)'])})
    names = []
    for i in range(r.randint(2, 5)):
        name = 'A%d' % i
        names.append(name)
        rule = {'alert': name, 'expr': cond(g, r)}
        if r.random() < 0.7:
            rule['for'] = r.choice(['0s', '1m', '2m', '3m', '5m', '90s', '30s', '45s'])
        if r.random() < 0.35:
            rule['keep_firing_for'] = r.choice(['1m', '2m', '3m', '30s', '45s', '90s'])
        if r.random() < 0.5:
            rule['labels'] = {'severity': r.choice(['page', 'warn']),
                              **({'job': 'override'} if r.random() < 0.1 else {})}
            if r.random() < 0.2:
                # a templated label: the alert's identity follows its value
                rule['labels']['level'] = r.choice(['{{ if gt $value 1.0 }}high{{ else }}low{{ end }}',
                                                    '{{ $labels.job }}-x', '{{ $value }}'])
        if r.random() < 0.7:
            rule['annotations'] = {'summary': annotation(r)}
        rules.append(rule)
    times = sorted(set(r.choice(range(0, 17)) * 60 + r.choice([0, 0, 0, 30, 15, 45]) for _ in range(r.randint(3, 7))))
    # several groups (a recording rule's readers before or after it), a group limit, a group interval (promtool
    # ignores it in tests, as Tocsin's test runner does), sometimes an explicit group_eval_order
    groups = [{'name': 'g', 'rules': rules}]
    if len(rules) > 2 and r.random() < 0.4:
        cut = r.randint(1, len(rules) - 1)
        groups = [{'name': 'g', 'rules': rules[:cut]}, {'name': 'h', 'rules': rules[cut:]}]
        if r.random() < 0.5:
            groups.reverse()
    for grp in groups:
        if r.random() < 0.15:
            grp['limit'] = r.choice([1, 2, 3])
        if r.random() < 0.15:
            grp['interval'] = r.choice(['2m', '30s', '5m'])
    order = None
    if len(groups) > 1:
        # without group_eval_order promtool evaluates the groups in Go map order (docs/rule-files.md): always give one
        order = [grp['name'] for grp in groups]
        if r.random() < 0.5:
            order.reverse()
    queries = []
    if r.random() < 0.5:
        for _ in range(r.randint(1, 3)):
            queries.append((r.choice(['ALERTS', 'ALERTS_FOR_STATE', 'ALERTS{alertstate="pending"}', 'rec:a',
                                      'count(ALERTS) by (alertname)', 'ALERTS_FOR_STATE offset 1m']),
                            r.choice(range(0, 17)) * 60 + r.choice([0, 30])))
    return series, groups, names, times, order, queries


def render(series, groups, names, times, order, queries, r):
    q = lambda s: json.dumps(s)  # JSON strings are YAML strings
    rl = ['groups:']
    for grp in groups:
        rl.append('  - name: %s' % grp['name'])
        for key in ('interval', 'limit'):
            if key in grp:
                rl.append('    %s: %s' % (key, grp[key]))
        rl.append('    rules:')
        for rule in grp['rules']:
            first = True
            for key in ('record', 'alert', 'expr', 'for', 'keep_firing_for'):
                if key in rule:
                    rl.append('      %s %s: %s' % ('-' if first else ' ', key, q(rule[key])))
                    first = False
            for key in ('labels', 'annotations'):
                if key in rule:
                    rl.append('        %s:' % key)
                    for k, v in rule[key].items():
                        rl.append('          %s: %s' % (k, q(v)))
    ev = r.choice(['1m', '1m', '30s', '15s', '2m'])
    iv = r.choice(['1m', '1m', '30s', ev])
    tl = ['rule_files: [rules.yml]', 'evaluation_interval: %s' % ev]
    if order:
        tl.append('group_eval_order: [%s]' % ', '.join(order))
    tl += ['tests:', '  - interval: %s' % iv]
    if r.random() < 0.3:
        tl.append('    external_labels: {region: eu}')
        tl.append('    external_url: "http://am.example:9093"')
    tl.append('    input_series:')
    for name, lab, vals in series:
        tl.append('      - series: %s' % yq(series_text(name, lab)))
        tl.append('        values: %s' % yq(vals))
    tl.append('    alert_rule_test:')
    for t in times:
        for n in names:
            tl.append('      - eval_time: %s' % fmt_dur(t))
            tl.append('        alertname: %s' % n)
            tl.append('        exp_alerts:')
            tl.append('          - exp_labels: {never: "x"}')
    if queries:
        tl.append('    promql_expr_test:')
        for expr, t in queries:
            tl.append('      - expr: %s' % q(expr))
            tl.append('        eval_time: %s' % fmt_dur(t))
            tl.append('        exp_samples: [{labels: "never", value: -1}]')
    return '\n'.join(rl) + '\n', '\n'.join(tl) + '\n'


KNOWN = [
    # promtool names the first two series of a many-to-many match in its (random) series order
    (re.compile(r'(on the (?:right|left) hand-side of the operation): \[.*?\];', re.M), r'\1: [...];'),
    # ... and so the match group it names first
    (re.compile(r'(found duplicate series for the match group) \{.*?\} (on the)', re.M), r'\1 {...} \2'),
]


def normalize(out):
    lines = [l.strip() for l in out.splitlines() if not l.startswith('Unit Testing:')]
    out = '\n'.join(l for l in lines if l)
    for rx, rep in KNOWN:
        out = rx.sub(rep, out)
    if re.search(r'invalid (destination|source) label name in label_(replace|join)|invalid regular expression in '
                 r'label_replace|invalid label name', out):
        # Tocsin refuses such a rule when loading it, Prometheus fails it at every evaluation (docs/expressions.md)
        return 'STATIC-ARGUMENT-ERROR'
    if 'could not parse expression' in out or 'parse error' in out:
        return 'PARSE-ERROR'  # both reject; wording differs by design
    return '\n'.join(l for l in out.splitlines() if l)


def one_case(r, n, args, stats):
    """One random case: both tools run on it, differences saved under args.out."""
    series, groups, names, times, order, queries = gen_case(r)
    rtext, ttext = render(series, groups, names, times, order, queries, r)
    d = os.path.join(args.out, 'work')
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'rules.yml'), 'w').write(rtext)
    tpath = os.path.join(d, 'test.yml')
    open(tpath, 'w').write(ttext)
    pc, pout, perr, _ = run_tool(PROMTOOL, tpath)
    tc, tout, terr, _ = run_tool(TOCSIN, tpath)
    stats['cases'] += 1
    stats['alert_tests'] += len(times) * len(names)
    a, b = normalize(pout + perr), normalize(tout + terr)
    if a == b and pc == tc:
        stats['same'] += 1
    else:
        stats['diff'] += 1
        case = save_case(args.out, args.seed, n, {'rules.yml': rtext, 'test.yml': ttext,
                                                  'promtool.out': 'exit %s\n%s' % (pc, a),
                                                  'tocsin.out': 'exit %s\n%s' % (tc, b)})
        print('DIFF case %s (exit %s vs %s)' % (case, pc, tc), flush=True)


def main():
    run_cases('/tmp/alertdiff', {'cases': 0, 'same': 0, 'diff': 0, 'alert_tests': 0}, one_case)


if __name__ == '__main__':
    main()
