#!/usr/bin/env python3
"""Randomized differential testing of Tocsin's PromQL against promtool test rules.

Usage: promdiff.py [--seed N] [--files N] [--per-file N] [--minutes M] [--out DIR] [--no-minimize]

Each generated file holds one test group with random input series and --per-file promql_expr_tests,
all with deliberately wrong exp_samples, so that both tools print what they got.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMTOOL = ['promtool', 'test', 'rules']
TOCSIN = ['java', '-jar', os.path.join(ROOT, 'examples', 'target', 'tocsin.jar'), 'test-rules']
TIMEOUT = 60

# ----------------------------------------------------------------------------------------------
# Expression AST: a node has a type ('s' scalar, 'v' instant vector, 'm' range vector, 'str'),
# parts (strings and child indices) and kids. Leaves may carry simpler alternative renderings.
# ----------------------------------------------------------------------------------------------


class Node:
    __slots__ = ('t', 'parts', 'kids', 'alts', 'tag')

    def __init__(self, t, parts, kids=(), alts=(), tag=''):
        self.t = t
        self.parts = parts
        self.kids = list(kids)
        self.alts = list(alts)
        self.tag = tag

    def render(self):
        out = []
        for p in self.parts:
            out.append(self.kids[p].render() if isinstance(p, int) else p)
        return ''.join(out)

    def copy(self):
        return Node(self.t, list(self.parts), [k.copy() for k in self.kids], list(self.alts), self.tag)

    def walk(self, path=()):
        yield path, self
        for i, k in enumerate(self.kids):
            yield from k.walk(path + (i,))


def leaf(t, text, alts=(), tag=''):
    return Node(t, [text], (), alts, tag)


def replace_at(root, path, new):
    if not path:
        return new
    r = root.copy()
    n = r
    for i in path[:-1]:
        n = n.kids[i]
    n.kids[path[-1]] = new
    return r


METRICS = {
    'a': ['job', 'instance'],
    'b': ['job', 'instance', 'code'],
    'c_total': ['job', 'instance', 'code'],
    'h_bucket': ['job', 'le'],
}
LABEL_VALUES = {
    'job': ['api', 'db'],
    'instance': ['i1', 'i2'],
    'code': ['200', '500'],
    'le': ['0.1', '0.5', '1', '+Inf'],
}
ALL_LABELS = ['job', 'instance', 'code', 'le']


class Gen:
    def __init__(self, rng, series):
        self.r = rng
        self.series = series  # list of (name, labels dict)

    def ch(self, seq):
        return self.r.choice(seq)

    def w(self, weighted):
        total = sum(w for w, _ in weighted)
        x = self.r.uniform(0, total)
        for wt, v in weighted:
            x -= wt
            if x <= 0:
                return v
        return weighted[-1][1]

    # ---- leaves
    def number(self):
        return self.w([(6, '1'), (4, '2'), (3, '0'), (2, '0.5'), (2, '3'), (2, '10'), (1, '-1'), (1, '1e3'),
                       (1, 'NaN'), (1, 'Inf'), (1, '-Inf'), (1, '0.25'), (1, '100'), (1, '0x10'), (1, '1.5')])

    def regex_for(self, label):
        vals = LABEL_VALUES[label]
        return self.w([(3, self.ch(vals)), (2, '|'.join(vals[:2])), (2, self.ch(vals)[:1] + '.*'),
                       (1, '.*'), (1, '.+'), (1, ''), (1, '(?i)' + self.ch(vals).upper()), (1, 'x|' + self.ch(vals)),
                       (1, self.ch(vals)[:1] + '.')])

    def matcher(self, label):
        op = self.w([(5, '='), (2, '!='), (3, '=~'), (2, '!~')])
        if op in ('=', '!='):
            v = self.w([(12, self.ch(LABEL_VALUES[label])), (1, ''), (0.5, 'zzz')])
        else:
            v = self.regex_for(label)
        return '%s%s"%s"' % (label, op, v.replace('\\', '\\\\').replace('"', '\\"'))

    def selector_text(self, name=None):
        if name is None:
            name = self.w([(5, 'a'), (3, 'b'), (3, 'c_total'), (2, 'h_bucket')])
        labels = METRICS[name]
        nm = self.r.choice([0, 0, 0, 0, 1, 1, 2])
        pool = labels + ['code'] if (self.r.random() < 0.1 and 'code' not in labels) else list(labels)
        ms = [self.matcher(l) for l in self.r.sample(pool, min(nm, len(pool)))]
        form = self.r.random()
        if form < 0.06:
            # no metric name
            ms = ['job=~"api|db"'] + ms if not ms or self.r.random() < 0.5 else ms
            if all(re.search(r'=""|!~|=~"\.\*"|=~""', m) for m in ms):
                ms = ['job="api"'] + ms
            full = '{' + ', '.join(ms) + '}'
            simple = ['{job="api"}']
        elif form < 0.10:
            ms = ['__name__=~"%s"' % self.ch(['a|b', 'a', 'c_total|a', '[ab]'])] + ms
            full = '{' + ','.join(ms) + '}'
            simple = [name]
        else:
            full = name + ('{' + ','.join(ms) + '}' if ms or self.r.random() < 0.05 else '')
            simple = [name] if ms else []
            for i in range(len(ms)):
                rest = ms[:i] + ms[i + 1:]
                simple.append(name + ('{' + ','.join(rest) + '}' if rest else ''))
        return full, simple, name

    NEG_OFFSET = True
    ODD_K = 1.0

    def offset(self):
        if self.r.random() < 0.12:
            return ' offset ' + self.w([(3, '1m'), (2, '2m'), (1, '30s'), (1, '5m'), (1, '90s'),
                                        (1 if Gen.NEG_OFFSET else 0, '-1m'), (1, '10m'), (1, '6m')])
        if self.r.random() < 0.02:
            return self.ch([' @ start()', ' @ end()'])
        return ''

    def inst_selector(self):
        text, simple, name = self.selector_text()
        off = self.offset()
        alts = [s for s in simple] + ([text] if off else [])
        return leaf('v', text + off, alts, tag='sel')

    def range_dur(self):
        return self.w([(2, '1m'), (2, '2m'), (2, '3m'), (4, '5m'), (1, '90s'), (1, '4m'), (2, '10m'), (1, '2m30s'),
                       (1, '30s'), (1, '15m'), (1, '7m')])

    def range_selector(self, counter=False):
        name = self.w([(6, 'c_total'), (2, 'a'), (1, 'b'), (1, 'h_bucket')]) if counter else None
        text, simple, _ = self.selector_text(name)
        d = self.range_dur()
        off = self.offset()
        full = '%s[%s]%s' % (text, d, off)
        alts = ['%s[%s]' % (s, d) for s in simple] + (['%s[%s]' % (text, d)] if off else [])
        if d != '5m':
            alts.append('%s[5m]' % (simple[0] if simple else text))
        return leaf('m', full, alts, tag='rsel')

    # ---- typed generation
    def gen(self, t, depth):
        if t == 's':
            return self.scalar(depth)
        if t == 'v':
            return self.vector(depth)
        if t == 'm':
            return self.range_selector()
        raise ValueError(t)

    def scalar(self, depth):
        if depth <= 0 or self.r.random() < 0.55:
            return self.w([(8, leaf('s', self.number())), (1, leaf('s', 'time()')), (1, leaf('s', 'pi()'))])
        k = self.w([(4, 'binop'), (3, 'scalar'), (1, 'neg'), (1, 'paren')])
        if k == 'binop':
            op = self.w([(3, '+'), (2, '-'), (2, '*'), (2, '/'), (1, '%'), (1, '^'), (2, 'cmp')])
            if op == 'cmp':
                op = self.ch(['==', '!=', '>', '<', '>=', '<=']) + ' bool'
            return Node('s', ['(', 0, ' %s ' % op, 1, ')'], [self.scalar(depth - 1), self.scalar(depth - 1)])
        if k == 'scalar':
            return Node('s', ['scalar(', 0, ')'], [self.vector(depth - 1)])
        if k == 'neg':
            return Node('s', ['-', 0], [self.scalar(depth - 1)])
        return Node('s', ['(', 0, ')'], [self.scalar(depth - 1)])

    def grouping(self):
        x = self.r.random()
        labs = self.r.sample(ALL_LABELS, self.r.choice([0, 1, 1, 2]))
        if self.r.random() < 0.05:
            labs.append('__name__')
        if x < 0.45:
            return ''
        kw = 'by' if x < 0.8 else 'without'
        return ' %s (%s)' % (kw, ', '.join(labs))

    def vector(self, depth):
        if depth <= 0 or self.r.random() < 0.18:
            return self.inst_selector()
        k = self.w([(6, 'rangefn'), (5, 'agg'), (4, 'binvs'), (4, 'binvv'), (2, 'setop'), (4, 'instfn'),
                    (1, 'neg'), (1, 'vector'), (1, 'absent'), (1, 'labelfn'), (1, 'histq'), (0.5, 'paren')])
        d = depth - 1
        if k == 'rangefn':
            fn = self.w([(4, 'rate'), (2, 'irate'), (3, 'increase'), (2, 'delta'), (1, 'idelta'), (2, 'deriv'),
                         (2, 'changes'), (2, 'resets'), (2, 'avg_over_time'), (2, 'min_over_time'),
                         (2, 'max_over_time'), (2, 'sum_over_time'), (2, 'count_over_time'), (2, 'last_over_time'),
                         (2, 'quantile_over_time'), (1, 'absent_over_time'), (1, 'stddev_over_time'),
                         (1, 'stdvar_over_time'), (1, 'present_over_time'), (1, 'predict_linear'),
                         (0.5, 'holt_winters')])
            counter = fn in ('rate', 'irate', 'increase', 'resets')
            rs = self.range_selector(counter=counter and self.r.random() < 0.7)
            if fn == 'quantile_over_time':
                return Node('v', [fn, '(', 0, ', ', 1, ')'], [self.phi(d), rs], tag=fn)
            if fn == 'predict_linear':
                return Node('v', [fn, '(', 0, ', ', 1, ')'], [rs, self.scalar(d) if self.r.random() < 0.3 else
                                                                leaf('s', self.ch(['60', '300', '0', '-60']))], tag=fn)
            if fn == 'holt_winters':
                return Node('v', [fn, '(', 0, ', ', 1, ', ', 2, ')'],
                            [rs, leaf('s', self.ch(['0.5', '0.1', '0.9'])), leaf('s', self.ch(['0.5', '0.1', '0.9']))],
                            tag=fn)
            if self.r.random() < 0.08 and d > 0:
                sub = Node('m', ['(', 0, ')[%s:%s]' % (self.ch(['5m', '3m', '10m']), self.ch(['1m', '30s', '']))],
                           [self.vector(d - 1)], tag='subquery')
                return Node('v', [fn, '(', 0, ')'], [sub], tag=fn)
            return Node('v', [fn, '(', 0, ')'], [rs], tag=fn)
        if k == 'agg':
            op = self.w([(4, 'sum'), (2, 'avg'), (2, 'min'), (2, 'max'), (3, 'count'), (1, 'stddev'),
                         (1, 'stdvar'), (2, 'topk'), (2, 'bottomk'), (2, 'quantile'), (2, 'count_values'),
                         (1, 'group')])
            g = self.grouping()
            inner = self.vector(d)
            pre = g if (g and self.r.random() < 0.5) else ''
            post = '' if pre else g
            if op in ('topk', 'bottomk'):
                param = leaf('s', self.w([(4, '1'), (3, '2'), (1, '0'), (1, '3'), (1, '-1'), (1, '1.5'),
                                          (0.5 * Gen.ODD_K, 'NaN')]))
                if self.r.random() < 0.15 * Gen.ODD_K:
                    param = self.scalar(d)
                return Node('v', [op + pre + '(', 0, ', ', 1, ')' + post], [param, inner], tag=op)
            if op == 'quantile':
                return Node('v', [op + pre + '(', 0, ', ', 1, ')' + post], [self.phi(d), inner], tag=op)
            if op == 'count_values':
                lbl = self.w([(4, '"value"'), (1, '"job"'), (1, '"le"'), (1, '"__name__"'), (0.3, '"1bad"')])
                return Node('v', [op + pre + '(' + lbl + ', ', 0, ')' + post], [inner], tag=op)
            return Node('v', [op + pre + '(', 0, ')' + post], [inner], tag=op)
        if k == 'binvs':
            op = self.binop(allow_set=False)
            if self.r.random() < 0.5:
                return Node('v', ['(', 0, ' %s ' % op, 1, ')'], [self.vector(d), self.scalar(d)], tag='op' + op)
            return Node('v', ['(', 0, ' %s ' % op, 1, ')'], [self.scalar(d), self.vector(d)], tag='op' + op)
        if k == 'binvv':
            op = self.binop(allow_set=False)
            mod = self.matching(op)
            return Node('v', ['(', 0, ' %s%s ' % (op, mod), 1, ')'], [self.vector(d), self.vector(d)], tag='op' + op)
        if k == 'setop':
            op = self.ch(['and', 'or', 'unless'])
            mod = ''
            if self.r.random() < 0.5:
                mod = ' %s(%s)' % (self.ch(['on', 'ignoring']), ', '.join(self.r.sample(ALL_LABELS,
                                                                                        self.ch([0, 1, 2]))))
            return Node('v', ['(', 0, ' %s%s ' % (op, mod), 1, ')'], [self.vector(d), self.vector(d)], tag=op)
        if k == 'instfn':
            fn = self.w([(2, 'abs'), (2, 'ceil'), (2, 'floor'), (3, 'round'), (2, 'clamp'), (2, 'clamp_min'),
                         (2, 'clamp_max'), (3, 'timestamp'), (1, 'sqrt'), (1, 'sgn'), (1, 'exp'), (1, 'ln'),
                         (1, 'log2'), (1, 'sort'), (1, 'sort_desc'), (1, 'log10'), (0.3, 'sin'), (0.3, 'cos'),
                         (0.3, 'tan'), (0.3, 'asin'), (0.3, 'acos'), (0.3, 'atan'), (0.3, 'sinh'), (0.3, 'cosh'),
                         (0.3, 'tanh'), (0.3, 'asinh'), (0.3, 'acosh'), (0.3, 'atanh'), (0.3, 'deg'), (0.3, 'rad')])
            inner = self.vector(d)
            if fn == 'round' and self.r.random() < 0.6:
                return Node('v', [fn, '(', 0, ', ', 1, ')'],
                            [inner, leaf('s', self.ch(['0.5', '2', '10', '0.3', '-1', '0']))], tag=fn)
            if fn == 'clamp':
                return Node('v', [fn, '(', 0, ', ', 1, ', ', 2, ')'],
                            [inner, leaf('s', self.ch(['0', '1', '-1', '5', 'NaN'])),
                             leaf('s', self.ch(['2', '10', '0', '5', '-Inf']))], tag=fn)
            if fn in ('clamp_min', 'clamp_max'):
                return Node('v', [fn, '(', 0, ', ', 1, ')'],
                            [inner, self.scalar(d) if self.r.random() < 0.3 else leaf('s', self.ch(['0', '1', '3', '-1',
                                                                                                    'NaN']))], tag=fn)
            return Node('v', [fn, '(', 0, ')'], [inner], tag=fn)
        if k == 'neg':
            return Node('v', ['-', 0], [self.vector(d)], tag='neg')
        if k == 'vector':
            return Node('v', ['vector(', 0, ')'], [self.scalar(d)], tag='vector')
        if k == 'absent':
            return Node('v', ['absent(', 0, ')'], [self.vector(d)], tag='absent')
        if k == 'labelfn':
            inner = self.vector(d)
            if self.r.random() < 0.6:
                dst = self.w([(3, 'new'), (2, 'job'), (1, 'instance'), (0.5, '__name__'), (0.3, '1bad')])
                rep = self.ch(['$1', '${1}x', '$x', 'lit', '', '$0', '$1$2', '$name'])
                src = self.ch(['job', 'instance', 'code', '__name__', 'none', 'le'])
                rx = self.ch(['(.*)', '(.)(.*)', 'a(.*)', '(?P<x>.)(.*)', '', 'api|db', 'i(.)', '(.+)', '.*',
                              '(?P<name>[a-z]+)'])
                return Node('v', ['label_replace(', 0, ', "%s", "%s", "%s", "%s")' % (dst, rep, src, rx)], [inner],
                            tag='label_replace')
            dst = self.ch(['new', 'job', '__name__', 'instance'])
            sep = self.ch(['-', '', ',', '::'])
            srcs = ', '.join('"%s"' % s for s in self.r.sample(['job', 'instance', 'code', '__name__', 'none'],
                                                              self.ch([0, 1, 2, 2, 3])))
            return Node('v', ['label_join(', 0, ', "%s", "%s"%s)' % (dst, sep, (', ' + srcs) if srcs else '')],
                        [inner], tag='label_join')
        if k == 'histq':
            if self.r.random() < 0.7:
                inner = Node('v', ['rate(', 0, ')'], [self.range_selector_named('h_bucket')], tag='rate')
                if self.r.random() < 0.5:
                    inner = Node('v', ['sum by (%s) (' % self.ch(['le', 'job, le', 'le, instance']), 0, ')'],
                                 [inner], tag='sum')
            elif self.r.random() < 0.5:
                inner = leaf('v', self.selector_text('h_bucket')[0] + self.offset(), tag='sel')
            else:
                inner = self.vector(d)
            return Node('v', ['histogram_quantile(', 0, ', ', 1, ')'], [self.phi(d), inner], tag='histogram_quantile')
        return Node('v', ['(', 0, ')'], [self.vector(d)])

    def range_selector_named(self, name):
        text, simple, _ = self.selector_text(name)
        d = self.range_dur()
        return leaf('m', '%s[%s]%s' % (text, d, self.offset()), ['%s[5m]' % name], tag='rsel')

    def phi(self, d):
        if self.r.random() < 0.1 and d > 0:
            return self.scalar(d)
        return leaf('s', self.w([(3, '0.5'), (3, '0.9'), (1, '0'), (1, '1'), (1, '0.99'), (1, '-0.5'),
                                 (1, '1.5'), (0.5, 'NaN'), (1, '0.25')]))

    def binop(self, allow_set):
        op = self.w([(3, '+'), (3, '-'), (2, '*'), (3, '/'), (1, '%'), (1, '^'), (5, 'cmp')])
        if op == 'cmp':
            op = self.ch(['==', '!=', '>', '<', '>=', '<='])
            if self.r.random() < 0.4:
                op += ' bool'
        return op

    def matching(self, op):
        x = self.r.random()
        if x < 0.25:
            return ''
        if x < 0.6:
            return ' ' + self.ch(['on(job)', 'on(job, instance)', 'ignoring(code)', 'ignoring(le)', 'on(job) group_left',
                                  'on(job, instance) group_left(code)', 'on(job) group_right', 'on(instance)',
                                  'ignoring(instance, code) group_left', 'on(job) group_left(instance)',
                                  'ignoring(code, le) group_right(code)', 'on()', 'on() group_left'])
        kw = self.ch(['on', 'ignoring'])
        labs = self.r.sample(ALL_LABELS, self.ch([0, 1, 1, 2, 2, 3]))
        m = ' %s(%s)' % (kw, ', '.join(labs))
        if self.r.random() < 0.4:
            g = self.ch(['group_left', 'group_right'])
            gl = self.r.sample(['job', 'instance', 'code', 'le', 'new'], self.ch([0, 0, 1, 1, 2]))
            m += ' %s' % g + ('(%s)' % ', '.join(gl) if gl or self.r.random() < 0.5 else '')
        return m


# ----------------------------------------------------------------------------------------------
# Input series
# ----------------------------------------------------------------------------------------------

def fmt_num(x):
    if isinstance(x, float) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def gen_gauge_values(r, n):
    toks = []
    count = 0
    while count < n:
        k = r.random()
        if k < 0.35:
            a = r.choice([0, 1, 2, 5, 10, -3, 0.5, 100, -1, 1.5])
            b = r.choice([1, 2, 0.5, 3, 10, 0, 0.25])
            m = r.randint(1, 6)
            sign = r.choice(['+', '+', '-'])
            toks.append('%s%s%sx%d' % (fmt_num(a), sign, fmt_num(b), m))
            count += m + 1
        elif k < 0.45:
            a = r.choice([0, 1, 7, -2, 3.5])
            m = r.randint(1, 4)
            toks.append('%sx%d' % (fmt_num(a), m))
            count += m + 1
        elif k < 0.55:
            toks.append('_')
            count += 1
        elif k < 0.6:
            m = r.randint(1, 3)
            toks.append('_x%d' % m)
            count += m
        elif k < 0.64:
            toks.append('stale')
            count += 1
        elif k < 0.67:
            toks.append(r.choice(['NaN', 'Inf', '-Inf']))
            count += 1
        else:
            toks.append(fmt_num(r.choice([0, 1, 2, 3, 4, 5, 8, 10, -1, -5, 0.5, 2.5, 1e3, 1e-3, 42, 7])))
            count += 1
    return ' '.join(toks)


def gen_counter_values(r, n):
    toks = []
    count = 0
    v = r.choice([0, 0, 5, 100])
    while count < n:
        k = r.random()
        if k < 0.45:
            b = r.choice([1, 2, 3, 5, 10, 0.5, 0])
            m = r.randint(1, 6)
            toks.append('%s+%sx%d' % (fmt_num(v), fmt_num(b), m))
            v = v + b * m
            count += m + 1
            v += b
        elif k < 0.6:
            # reset
            v = r.choice([0, 1, 2, v / 2.0 if v else 0])
            toks.append(fmt_num(float(v)))
            count += 1
            v += r.choice([1, 2])
        elif k < 0.68:
            toks.append('_')
            count += 1
        elif k < 0.71:
            toks.append('stale')
            count += 1
        elif k < 0.73:
            toks.append(r.choice(['NaN', 'Inf']))
            count += 1
        else:
            v += r.choice([0, 1, 4, 10])
            toks.append(fmt_num(float(v)))
            count += 1
    return ' '.join(toks)


def gen_hist(r, n, job, inst):
    les = ['0.1', '0.5', '1', '+Inf']
    if r.random() < 0.15:
        les = ['0.1', '1', '1.0', '+Inf']
    if r.random() < 0.1:
        les = les[:-1]  # no +Inf bucket
    cur = [0] * len(les)
    rows = [[] for _ in les]
    broken = r.random() < 0.15
    for i in range(n):
        inc = [r.choice([0, 1, 2, 3, 5]) for _ in les]
        acc = 0
        for j in range(len(les)):
            acc += inc[j]
            cur[j] += acc if j == 0 else inc[j]
        # make cumulative
        cum = []
        s = 0
        for j in range(len(les)):
            s = max(s, cur[j]) if not broken else cur[j]
            cum.append(s)
        if r.random() < 0.05 and i > 0:
            cum = [0] * len(les)
            cur = [0] * len(les)
        for j in range(len(les)):
            rows[j].append(fmt_num(float(cum[j])) if r.random() > 0.04 else '_')
    out = []
    for j, le in enumerate(les):
        lab = {'job': job, 'le': le}
        if inst:
            lab['instance'] = inst
        out.append(('h_bucket', lab, ' '.join(rows[j])))
    return out


def gen_series(r):
    series = []
    n = r.randint(12, 18)

    def pick_combos(labels, k):
        combos = []
        for _ in range(20):
            lab = {l: r.choice(LABEL_VALUES[l]) for l in labels if r.random() < 0.95}
            if lab not in combos:
                combos.append(lab)
            if len(combos) >= k:
                break
        return combos

    for lab in pick_combos(['job', 'instance'], r.randint(1, 4)):
        series.append(('a', lab, gen_gauge_values(r, r.randint(n - 4, n + 2))))
    for lab in pick_combos(['job', 'instance', 'code'], r.randint(0, 3)):
        series.append(('b', lab, gen_gauge_values(r, r.randint(n - 4, n + 2))))
    for lab in pick_combos(['job', 'instance', 'code'], r.randint(1, 3)):
        series.append(('c_total', lab, gen_counter_values(r, r.randint(n - 4, n + 2))))
    jobs = r.sample(['api', 'db'], r.choice([0, 1, 1, 2, 2]))
    for j in jobs:
        series.extend(gen_hist(r, r.randint(n - 4, n + 2), j, r.choice([None, None, 'i1'])))
    if r.random() < 0.05:
        series.append(('a', {'job': 'we"ird', 'instance': 'x\\y'}, '1 2 3 4 5 6 7 8 9 10'))
    return series


def series_text(name, lab):
    if not lab:
        return name
    return name + '{' + ', '.join('%s="%s"' % (k, v.replace('\\', '\\\\').replace('"', '\\"'))
                                  for k, v in lab.items()) + '}'


def yq(s):
    return "'" + s.replace("'", "''") + "'"


def fmt_dur(sec):
    if sec == 0:
        return '0m'
    m, s = divmod(sec, 60)
    out = ''
    if m:
        out += '%dm' % m
    if s:
        out += '%ds' % s
    return out


def render_file(series, tests, interval='1m'):
    """tests: list of (expr string, eval_time seconds)."""
    lines = ['evaluation_interval: 1m', 'tests:', '  - interval: %s' % interval, '    input_series:']
    for name, lab, vals in series:
        lines.append('      - series: %s' % yq(series_text(name, lab)))
        lines.append('        values: %s' % yq(vals))
    if not series:
        lines[-1] = '    input_series: []'
    lines.append('    promql_expr_test:')
    for expr, et in tests:
        lines.append('      - expr: %s' % yq(expr))
        lines.append('        eval_time: %s' % fmt_dur(et))
        lines.append('        exp_samples:')
        lines.append("          - labels: 'no_such{x=\"y\"}'")
        lines.append('            value: 12345')
    return '\n'.join(lines) + '\n'


# ----------------------------------------------------------------------------------------------
# Running and parsing
# ----------------------------------------------------------------------------------------------

ENTRY_RE = re.compile(r'^    expr: "((?:[^"\\]|\\.)*)", time: (\S+?),(?: err: (.*))?$')


JAR_BROKEN = re.compile(r'NoClassDefFoundError|ClassNotFoundException|Invalid or corrupt jarfile|ZipException|'
                        r'Unable to access jarfile|Error: Could not find or load main class')


def alert_blocks(out):
    """A promtool-style report's block per alert test (alertname -> its lines), each annotation whose expansion failed
    reduced to ERR (Go's and Tocsin's error wording differ by design)."""
    res = {}
    cur = None
    for line in out.splitlines():
        m = re.match(r'^    alertname: (\S+), time: ', line)
        if m:
            cur = m.group(1)
            res[cur] = []
            continue
        if cur is not None and line.strip():
            line = re.sub(r'(\w+)="((?:[^"\\]|\\.)*)"',
                          lambda m: m.group(1) + ('=ERR' if 'error expanding template' in m.group(2) else
                                                  '="' + m.group(2) + '"'), line)
            res[cur].append(line.strip())
    return {k: '\n'.join(v) for k, v in res.items()}


def run_cases(default_out, stats, one_case, add_args=None):
    """The differential testers' main loop: --seed, --minutes and --out (plus add_args(parser)), then
    one_case(r, n, args, stats) with a fresh random.Random per case until the time is up, printing stats."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--minutes', type=float, default=10)
    ap.add_argument('--out', default=default_out)
    if add_args:
        add_args(ap)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    deadline = time.time() + args.minutes * 60
    n = 0
    while time.time() < deadline:
        n += 1
        one_case(random.Random(rng.randrange(1 << 30)), n, args, stats)
        if n % 10 == 0:
            print('STATS', json.dumps(stats), flush=True)
    print('FINAL', json.dumps(stats), flush=True)


def save_case(out, seed, n, files):
    """Writes a differing case's files ({name: text}) to out/case_<seed>_<n> and returns that directory."""
    case = os.path.join(out, 'case_%d_%d' % (seed, n))
    os.makedirs(case, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(case, name), 'w') as f:
            f.write(text)
    return case


def run_tool(cmd, path):
    for attempt in range(4):
        res = run_tool1(cmd, path)
        if cmd is TOCSIN and JAR_BROKEN.search(res[1] + res[2]):
            # the jar is being rebuilt by someone else: wait and retry
            print('   (tocsin jar unusable, retrying in 10 s)', flush=True)
            time.sleep(10)
            continue
        return res
    return res


def run_tool1(cmd, path):
    t0 = time.time()
    try:
        p = subprocess.run(cmd + [path], capture_output=True, text=True, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr, time.time() - t0
    except subprocess.TimeoutExpired as e:
        return 'timeout', (e.stdout or b'').decode(errors='replace') if isinstance(e.stdout, bytes) else (e.stdout or ''), \
            '', time.time() - t0


def parse_labels(s, i):
    # s[i] == '{'
    assert s[i] == '{'
    i += 1
    labs = {}
    while True:
        while i < len(s) and s[i] in ' ,':
            i += 1
        if s[i] == '}':
            return labs, i + 1
        m = re.compile(r'[A-Za-z_][A-Za-z0-9_]*').match(s, i)
        name = m.group(0)
        i = m.end()
        assert s[i] == '=' and s[i + 1] == '"', s[i:i + 10]
        i += 2
        val = []
        while s[i] != '"':
            if s[i] == '\\':
                nxt = s[i + 1]
                val.append({'n': '\n', 't': '\t', '\\': '\\', '"': '"'}.get(nxt, '\\' + nxt))
                i += 2
            else:
                val.append(s[i])
                i += 1
        labs[name] = ''.join(val)
        i += 1


def parse_samples(s):
    s = s.strip()
    if s == 'nil' or s == '':
        return []
    out = []
    i = 0
    while i < len(s):
        while i < len(s) and s[i] in ' ,':
            i += 1
        if i >= len(s):
            break
        labs, i = parse_labels(s, i)
        m = re.compile(r'\s*([^\s,]+)').match(s, i)
        v = m.group(1)
        i = m.end()
        out.append((tuple(sorted(labs.items())), float(v)))
    return sorted(out, key=lambda x: (x[0], repr(x[1])))


def parse_output(out):
    """Returns list of entries: dict(expr, time, kind ('got'|'err'), value, raw)."""
    entries = []
    cur = None
    for line in out.split('\n'):
        m = ENTRY_RE.match(line)
        if m:
            cur = {'expr': m.group(1), 'time': m.group(2), 'raw': [line]}
            if m.group(3) is not None:
                cur['kind'] = 'err'
                cur['value'] = m.group(3)
            else:
                cur['kind'] = 'got?'
            entries.append(cur)
            continue
        if cur is None:
            continue
        st = line.strip()
        if st.startswith('got:') and cur['kind'] == 'got?':
            cur['raw'].append(line)
            try:
                cur['value'] = parse_samples(st[4:])
                cur['kind'] = 'got'
            except Exception as e:  # noqa
                cur['kind'] = 'unparsed'
                cur['value'] = st[4:]
        elif st.startswith('exp:'):
            cur['raw'].append(line)
        elif line.startswith('        ') and cur['kind'] == 'err':
            cur['value'] += '\n' + line
        elif line.startswith('  ') and not line.startswith('    ') and st:
            cur = None  # a new block (FAILED: etc.)
    return entries


def feq(x, y, rel=1e-9):
    if math.isnan(x) and math.isnan(y):
        return True
    if x == y:
        return True
    if math.isinf(x) or math.isinf(y) or math.isnan(x) or math.isnan(y):
        return False
    return abs(x - y) <= rel * max(abs(x), abs(y))


def feq_loose(x, y):
    # near-zero absolute tolerance (float noise like 1e-17 vs 0)
    if feq(x, y):
        return True
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return False
    return abs(x - y) <= 1e-9


def compare_entry(p, t):
    """Returns None when equal, else a (category, detail) tuple."""
    if p['kind'] == 'err' and t['kind'] == 'err':
        if 'not supported' in t['value'] or 'experimental' in t['value']:
            return ('unsupported-but-promtool-errs', t['value'])
        return None
    if t['kind'] == 'err' and ('not supported' in t['value'] or 'is experimental' in t['value']):
        return ('unsupported', t['value'])
    if p['kind'] != t['kind']:
        if p['kind'] == 'err':
            return ('promtool-err-only', p['value'])
        if t['kind'] == 'err':
            return ('tocsin-err-only', t['value'])
        return ('format', '%s vs %s' % (p['kind'], t['kind']))
    if p['kind'] != 'got':
        return ('format', 'unparsed output')
    a, b = p['value'], t['value']
    if len(a) != len(b):
        return ('samples', 'count %d vs %d' % (len(a), len(b)))
    da = dict(a)
    db = dict(b)
    if len(da) != len(a) or len(db) != len(b):
        # duplicate label sets; compare sorted
        pass
    if set(da) != set(db):
        return ('labels', 'label sets differ')
    loose = False
    for k in da:
        if not feq(da[k], db[k]):
            if feq_loose(da[k], db[k]):
                loose = True
                continue
            return ('values', 'value for %s: %r vs %r' % (dict(k), da[k], db[k]))
    if loose:
        return ('float-noise', 'near-zero differences only')
    return None


def classify_known(cat, expr, p, t):
    """Maps a difference to a known, documented cause (docs/rule-files.md, docs/expressions.md), or returns cat."""
    if 'offset -' in expr:
        return 'known:negative-offset-future'
    if re.search(r'\b(topk|bottomk)\b', expr):
        # promtool feeds series in random order, so which of equal values topk keeps varies between its runs,
        # and with it everything computed from them (a many-to-many match error, for one)
        if cat in ('labels', 'values') and p and t and p.get('kind') == 'got' and t.get('kind') == 'got':
            a = sorted(repr(v) for _, v in p['value'])
            b = sorted(repr(v) for _, v in t['value'])
            if a == b:
                return 'known:topk-tie-order'
        return 'known:topk-order-dependent?' if cat in ('promtool-err-only', 'tocsin-err-only') else cat
    return cat


def fmt_entry(e):
    if e is None:
        return '<missing>'
    if e['kind'] == 'err':
        return 'err: ' + e['value']
    if e['kind'] == 'got':
        if not e['value']:
            return 'got: nil'
        return 'got: ' + ', '.join('{%s} %r' % (', '.join('%s="%s"' % kv for kv in labs), v)
                                   for labs, v in e['value'])
    return '%s: %s' % (e['kind'], e.get('value'))


class Runner:
    def __init__(self, workdir):
        self.workdir = workdir
        self.n = 0
        self.runs = 0

    def run_pair(self, text, keep=None):
        self.n += 1
        path = keep or os.path.join(self.workdir, 'cur.yml')
        with open(path, 'w') as f:
            f.write(text)
        prc, pout, perr, pt = run_tool(PROMTOOL, path)
        trc, tout, terr, tt = run_tool(TOCSIN, path)
        self.runs += 1
        return {'prc': prc, 'pout': pout + perr, 'trc': trc, 'tout': tout + terr, 'pt': pt, 'tt': tt}


def diff_results(res, tests):
    """Compare a run; returns (file_level_problem or None, list of (idx, category, detail, pentry, tentry))."""
    pe = parse_output(res['pout'])
    te = parse_output(res['tout'])
    problems = []
    file_problem = None
    if res['prc'] != res['trc']:
        file_problem = 'exit code %s vs %s' % (res['prc'], res['trc'])
    if len(pe) != len(tests) or len(te) != len(tests):
        file_problem = (file_problem + '; ' if file_problem else '') + 'entries %d/%d of %d' % (
            len(pe), len(te), len(tests))
        return file_problem, problems
    for i in range(len(tests)):
        c = compare_entry(pe[i], te[i])
        if c:
            problems.append((i, c[0], c[1], pe[i], te[i]))
    return file_problem, problems


def same_diff(res, tests, idx, cat):
    fp, probs = diff_results(res, tests)
    for (i, c, d, p, t) in probs:
        if i == idx:
            if cat in ('unsupported',):
                return c == cat
            return c not in ('float-noise',) and c == cat
    return False


# ----------------------------------------------------------------------------------------------
# Minimisation
# ----------------------------------------------------------------------------------------------

SIMPLE_LEAF = {'s': ['1', '2', '0'], 'v': ['a', 'c_total', 'b', 'h_bucket'],
               'm': ['a[5m]', 'c_total[5m]']}


def expr_candidates(root):
    """Simpler variants of an expression tree (smaller first)."""
    cands = []
    nodes = list(root.walk())
    for path, n in nodes:
        # hoist a descendant of the same type
        for p2, d in n.walk():
            if p2 and d.t == n.t:
                cands.append(replace_at(root, path, d.copy()))
        if n.kids:
            for s in SIMPLE_LEAF.get(n.t, []):
                cands.append(replace_at(root, path, leaf(n.t, s)))
        for a in n.alts:
            cands.append(replace_at(root, path, leaf(n.t, a, [], n.tag)))
    return cands


def tree_size(n):
    return len(n.render())


def minimize(runner, series, tree, et, cat, budget=120, log=None, max_et=None):
    """Greedy reduction of expression tree and input series while the difference (same category) persists.
    When the difference needs a later eval_time in the same test group (promtool loads input samples up to the
    largest eval_time), a padding test 'vector(0)' at max_et is kept."""
    calls = [0]
    pad = []

    def check(ser, tr, et_):
        if calls[0] >= budget:
            return False
        calls[0] += 1
        tests = [(tr.render(), et_)] + pad
        res = runner.run_pair(render_file(ser, tests))
        return same_diff(res, tests, 0, cat)

    if not check(series, tree, et):
        if max_et is None or max_et <= et:
            return None  # not reproducible in isolation
        pad.append(('vector(0)', max_et))
        if not check(series, tree, et):
            return None
    # 1. expression
    changed = True
    while changed and calls[0] < budget:
        changed = False
        for c in sorted(expr_candidates(tree), key=tree_size):
            if tree_size(c) >= tree_size(tree):
                continue
            if check(series, c, et):
                tree = c
                changed = True
                break
    # 2. drop series (by metric first, then one by one)
    expr = tree.render()
    used = [m for m in METRICS if re.search(r'\b%s\b' % m, expr)]
    if '{' in expr and re.search(r'(^|[^a-z_])\{', expr):
        used = list(METRICS)
    ser = [s for s in series if s[0] in used]
    if len(ser) < len(series) and check(ser, tree, et):
        series = ser
    i = 0
    while i < len(series) and calls[0] < budget:
        ser = series[:i] + series[i + 1:]
        if check(ser, tree, et):
            series = ser
        else:
            i += 1
    # 3. simplify values: expand and blank chunks, then truncate after eval time
    for si in range(len(series)):
        if calls[0] >= budget:
            break
        name, lab, vals = series[si]
        toks = expand_values(vals)
        if toks is None:
            continue
        idx = et // 60
        # truncate beyond eval time + 1
        if len(toks) > idx + 1:
            t2 = toks[:idx + 1]
            s2 = series[:si] + [(name, lab, ' '.join(t2))] + series[si + 1:]
            if check(s2, tree, et):
                toks = t2
                series = s2
        size = max(1, len(toks) // 2)
        while size >= 1 and calls[0] < budget:
            j = 0
            while j < len(toks) and calls[0] < budget:
                seg = toks[j:j + size]
                if all(x == '_' for x in seg):
                    j += size
                    continue
                t2 = toks[:j] + ['_'] * len(seg) + toks[j + size:]
                s2 = series[:si] + [(name, lab, ' '.join(t2))] + series[si + 1:]
                if check(s2, tree, et):
                    toks = t2
                    series = s2
                else:
                    j += size
            size //= 2
        # strip leading blanks is not possible (times shift); leave.
    # 4. try earlier eval times
    for et2 in sorted(set([60, 120, 180, 300, et - 60])):
        if 0 <= et2 < et and calls[0] < budget:
            if check(series, tree, et2):
                et = et2
                break
    return series, tree, et, calls[0], pad


def expand_values(vals):
    out = []
    for tok in vals.split():
        m = re.match(r'^(-?[0-9.e+\-]+|NaN|Inf|-Inf|\+Inf)([+-])([0-9.e]+)x(\d+)$', tok)
        if m and m.group(1) not in ('',):
            try:
                a = float(m.group(1))
                b = float(m.group(3)) * (1 if m.group(2) == '+' else -1)
                n = int(m.group(4))
                out.extend(fmt_num(a + b * k) for k in range(n + 1))
                continue
            except ValueError:
                return None
        m = re.match(r'^(_|[^x]+)x(\d+)$', tok)
        if m:
            n = int(m.group(2))
            if m.group(1) == '_':
                out.extend(['_'] * n)
            else:
                out.extend([m.group(1)] * (n + 1))
            continue
        out.append(tok)
    return out


# ----------------------------------------------------------------------------------------------
# Main loop
# ----------------------------------------------------------------------------------------------

def tokens_of(expr):
    return set(re.findall(r'[a-z_]+(?=\s*\()|\b(?:and|or|unless|on|ignoring|group_left|group_right|bool|offset|by|'
                          r'without)\b|[-+*/%^]|[=!<>]=?', expr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--files', type=int, default=100000)
    ap.add_argument('--per-file', type=int, default=20)
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--depth', type=int, default=3)
    ap.add_argument('--interval', default='1m')
    ap.add_argument('--out', default='/tmp/promdiff')
    ap.add_argument('--no-minimize', action='store_true')
    ap.add_argument('--min-budget', type=int, default=100)
    ap.add_argument('--max-minimize', type=int, default=40)
    ap.add_argument('--no-neg-offset', action='store_true')
    ap.add_argument('--odd-k', type=float, default=1.0, help='weight of NaN/scalar() k in topk/bottomk')
    args = ap.parse_args()
    Gen.NEG_OFFSET = not args.no_neg_offset
    Gen.ODD_K = args.odd_k

    os.makedirs(args.out, exist_ok=True)
    runner = Runner(args.out)
    rng = random.Random(args.seed)
    deadline = time.time() + args.minutes * 60
    stats = {'files': 0, 'exprs': 0, 'p_err': 0, 'got': 0, 'diffs': 0, 'file_problems': 0, 'cats': {},
             'tags_ok': {}}
    raw = open(os.path.join(args.out, 'raw_diffs.jsonl'), 'a')
    minimized = open(os.path.join(args.out, 'minimized.txt'), 'a')
    known = []  # list of token sets of minimized diffs
    nmin = 0
    for fi in range(args.files):
        if time.time() > deadline:
            break
        fseed = rng.randrange(1 << 30)
        r = random.Random(fseed)
        series = gen_series(r)
        g = Gen(r, series)
        trees = []
        for _ in range(args.per_file):
            t = g.vector(args.depth) if r.random() < 0.9 else (g.scalar(args.depth) if r.random() < 0.7 else
                                                                 g.range_selector())
            et = r.choice([60 * k for k in range(0, 17)] + [60 * k for k in range(3, 13)] * 2 +
                          [150, 270, 390, 630])
            trees.append((t, et))
        tests = [(t.render(), et) for t, et in trees]
        text = render_file(series, tests, args.interval)
        res = runner.run_pair(text)
        stats['files'] += 1
        stats['exprs'] += len(tests)
        fp, probs = diff_results(res, tests)
        pe = parse_output(res['pout'])
        for e in pe:
            stats['p_err' if e['kind'] == 'err' else 'got'] += 1
        if fp:
            stats['file_problems'] += 1
            path = os.path.join(args.out, 'fileprob_%d_%d.yml' % (args.seed, fi))
            with open(path, 'w') as f:
                f.write(text)
            print('FILE PROBLEM %s: %s (saved %s)' % (fp, fseed, path), flush=True)
            # isolate each expression
            for i, (t, et) in enumerate(trees):
                one = [(t.render(), et)]
                r1 = runner.run_pair(render_file(series, one, args.interval))
                fp1, probs1 = diff_results(r1, one)
                if fp1:
                    p1 = os.path.join(args.out, 'fileprob_%d_%d_%d.yml' % (args.seed, fi, i))
                    with open(p1, 'w') as f:
                        f.write(render_file(series, one, args.interval))
                    print('  isolated file problem: %s: %s\n    promtool rc=%s: %s\n    tocsin rc=%s: %s' % (
                        fp1, one[0][0], r1['prc'], r1['pout'][-600:], r1['trc'], r1['tout'][-600:]), flush=True)
                for (j, c, d, p, tt) in probs1:
                    probs.append((i, c, d, p, tt))
        ok_idx = set(range(len(tests))) - set(p[0] for p in probs)
        ok_idx = set(i for i in ok_idx if i < len(pe) and pe[i]['kind'] == 'got' and pe[i]['value'])
        stats['agree_nonempty'] = stats.get('agree_nonempty', 0) + len(ok_idx)
        for i in ok_idx:
            for path, n in trees[i][0].walk():
                if n.tag:
                    stats['tags_ok'][n.tag] = stats['tags_ok'].get(n.tag, 0) + 1
        for (i, cat, detail, p, t) in probs:
            cat0 = cat
            cat = classify_known(cat, tests[i][0], p, t)
            stats['cats'][cat] = stats['cats'].get(cat, 0) + 1
            stats['diffs'] += 1
            tree, et = trees[i]
            rec = {'seed': args.seed, 'file': fi, 'fseed': fseed, 'idx': i, 'cat': cat, 'detail': detail,
                   'expr': tests[i][0], 'eval_time': et, 'promtool': fmt_entry(p), 'tocsin': fmt_entry(t),
                   'series': series}
            raw.write(json.dumps(rec) + '\n')
            raw.flush()
            print('DIFF [%s] %s @%s: %s\n   promtool: %s\n   tocsin:   %s' % (
                cat, tests[i][0], fmt_dur(et), detail, fmt_entry(p)[:400], fmt_entry(t)[:400]), flush=True)
            if args.no_minimize or cat in ('float-noise', 'unsupported', 'unsupported-but-promtool-errs') or \
                    cat.startswith('known:'):
                continue
            cat = cat0
            toks = tokens_of(tests[i][0])
            if any(k <= toks and kc == cat for k, kc in known):
                print('   (likely duplicate of a minimized diff; not minimizing)', flush=True)
                continue
            if nmin >= args.max_minimize:
                continue
            nmin += 1
            m = minimize(runner, series, tree, et, cat, budget=args.min_budget, max_et=max(x[1] for x in tests))
            if m is None:
                print('   (not reproducible in isolation)', flush=True)
                minimized.write('=== [%s] NOT REPRODUCIBLE ALONE: %s @%s\n' % (cat, tests[i][0], fmt_dur(et)))
                continue
            mser, mtree, met, ncalls, pad = m
            mexpr = mtree.render()
            known.append((tokens_of(mexpr), cat))
            one = [(mexpr, met)] + pad
            ftext = render_file(mser, one, args.interval)
            r1 = runner.run_pair(ftext)
            _, pr1 = diff_results(r1, one)
            pe1 = parse_output(r1['pout'])
            te1 = parse_output(r1['tout'])
            block = '=== [%s] %s @%s (from %s; %d runs)\n%s--- promtool: %s\n--- tocsin:   %s\n\n' % (
                cat, mexpr, fmt_dur(met), tests[i][0], ncalls, ftext,
                fmt_entry(pe1[0] if pe1 else None), fmt_entry(te1[0] if te1 else None))
            minimized.write(block)
            minimized.flush()
            print('MINIMIZED:\n' + block, flush=True)
        if stats['files'] % 10 == 0:
            print('STATS files=%d exprs=%d got=%d p_err=%d diffs=%d cats=%s runs=%d nonempty_agree=%d' % (
                stats['files'], stats['exprs'], stats['got'], stats['p_err'], stats['diffs'], stats['cats'],
                runner.runs, stats.get('agree_nonempty', 0)), flush=True)
    print('FINAL ' + json.dumps(stats, sort_keys=True), flush=True)
    with open(os.path.join(args.out, 'stats_%d.json' % args.seed), 'w') as f:
        json.dump(stats, f, sort_keys=True, indent=1)


if __name__ == '__main__':
    main()
