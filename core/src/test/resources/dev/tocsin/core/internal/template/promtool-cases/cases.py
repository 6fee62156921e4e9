"""Template cases fed to promtool by generate.py.

Each case: t (template text), labels (the series labels), value (a plain number literal, NaN, +Inf or -Inf,
so that Java can parse it too), parse (True when promtool is expected to reject the template at load time).
`query` is deliberately absent: Tocsin has no query engine (see docs/templates.md).
"""

HA = {"backend": "app", "instance": "lb1:8404", "job": "haproxy"}
SRV = {"proxy": "web", "server": "s1", "instance": "10.0.0.5:8405", "job": "haproxy"}
SEED_DESC = "HAProxy backend is down\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }}"
SEED_SUMMARY = "HAProxy backend down (instance {{ $labels.instance }})"

CASES = [
    # the seed rule's annotations
    {"t": SEED_DESC, "labels": HA, "value": "0"},
    {"t": SEED_SUMMARY, "labels": HA, "value": "0"},
    {"t": SEED_DESC, "labels": {"backend": "api", "instance": "127.0.0.1:9101", "job": "haproxy"}, "value": "0"},
    {"t": "plain text, no actions", "labels": HA},
    {"t": "", "labels": HA},
    # $value formatting (%v of float64)
    *[{"t": "{{ $value }}", "labels": HA, "value": v} for v in
      ["0", "1", "0.5", "-2", "1000000", "123456", "1234567", "1.5e-07", "0.0001", "0.00001", "NaN", "+Inf", "-Inf",
       "3.141592653589793", "1e21", "1e20", "100000000000000000000000", "0.30000000000000004", "0.3333333333333333", "9007199254740992", "-0.000123",
       "5e-324", "1.7976931348623157e308", "42.5"]],
    {"t": "{{ .Value }} {{ $value }}", "labels": HA, "value": "12.75"},
    # labels
    {"t": "{{ $labels }}", "labels": SRV},
    {"t": "{{ .Labels }}", "labels": {}},
    {"t": "{{ .Labels.instance }}/{{ $labels.backend }}/[{{ $labels.missing }}]", "labels": HA},
    {"t": "{{ $labels.instance }} {{ $externalLabels }} [{{ .ExternalURL }}]", "labels": HA},
    {"t": "{{ index $labels \"job\" }}|{{ index .Labels \"nope\" }}", "labels": HA},
    {"t": "{{ . }}", "labels": HA, "value": "2"},
    {"t": "{{ len $labels }} {{ len \"héllo\" }} {{ len $labels.instance }}", "labels": HA},
    # trim markers, comments
    {"t": "a  {{- \"b\" -}}  \n c", "labels": HA},
    {"t": "x {{/* a comment */}} y {{- /* trimmed */ -}} z", "labels": HA},
    {"t": "line1\n{{- $labels.job }}\n  {{- \"\" }}end", "labels": HA},
    # variables
    {"t": "{{ $x := 1 }}{{ $x }}{{ $x = \"two\" }}{{ $x }}", "labels": HA},
    {"t": "{{ $b := $labels.backend }}{{ if $b }}b={{ $b }}{{ end }}", "labels": HA},
    {"t": "{{ $x := \"outer\" }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }}", "labels": HA},
    {"t": "{{ $x := \"outer\" }}{{ if true }}{{ $x = \"changed\" }}{{ end }}{{ $x }}", "labels": HA},
    # literals
    {"t": "{{ \"a\\tb\\n\" }}|{{ `raw\\n` }}|{{ 1.5 }}|{{ 1e6 }}|{{ 3 }}|{{ -7 }}|{{ 0x1F }}|{{ 'a' }}|{{ true }}|{{ false }}",
     "labels": HA},
    {"t": "{{ 1_000 }}|{{ 0o17 }}|{{ 0b101 }}|{{ .5 }}|{{ 1e-9 }}|{{ 2.0 }}", "labels": HA},
    # pipelines and parentheses
    {"t": "{{ $labels.job | toUpper }}|{{ \"Hello\" | printf \"%s-%s\" \"x\" }}|{{ (toUpper \"a\") }}", "labels": HA},
    {"t": "{{ $value | humanize | printf \"[%s]\" }}", "labels": HA, "value": "1234567"},
    {"t": "{{ printf \"%s/%s\" (toUpper $labels.job) (toLower \"ABC\") }}", "labels": HA},
    # if / else
    {"t": "{{ if eq $labels.job \"haproxy\" }}yes{{ else }}no{{ end }}", "labels": HA},
    {"t": "{{ if gt $value 10.0 }}big{{ else if gt $value 1.0 }}medium{{ else }}small{{ end }}", "labels": HA,
     "value": "5"},
    {"t": "{{ if gt $value 10.0 }}big{{ else if gt $value 1.0 }}medium{{ else }}small{{ end }}", "labels": HA,
     "value": "0.5"},
    {"t": "{{ if $labels.nope }}set{{ else }}unset{{ end }}|{{ if $value }}nonzero{{ end }}", "labels": HA,
     "value": "0"},
    {"t": "{{ if and $labels.job $labels.backend }}both{{ end }}|{{ or $labels.nope \"default\" }}|{{ and 1 0 2 }}|{{ or 0 \"\" }}|{{ not 0 }}|{{ not \"x\" }}",
     "labels": HA},
    # with
    {"t": "{{ with $labels.instance }}inst={{ . }}{{ else }}none{{ end }}|{{ with $labels.zzz }}x{{ else }}none{{ end }}",
     "labels": HA},
    # range
    {"t": "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", "labels": SRV},
    {"t": "{{ range $labels }}[{{ . }}]{{ end }}", "labels": SRV},
    {"t": "{{ range $i, $v := $labels }}{{ if eq $i \"job\" }}{{ break }}{{ end }}{{ $v }},{{ end }}", "labels": SRV},
    {"t": "{{ range $k, $v := $labels }}{{ if eq $k \"instance\" }}{{ continue }}{{ end }}{{ $k }} {{ end }}",
     "labels": SRV},
    {"t": "{{ range .ExternalLabels }}x{{ else }}no external labels{{ end }}", "labels": HA},
    {"t": "{{ range $i, $c := \"ab\" }}{{ $i }}{{ $c }}{{ end }}", "labels": HA},
    # define / template
    {"t": "{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" $labels.job }}{{ template \"x\" }}", "labels": HA},
    {"t": "{{ block \"b\" $labels.backend }}<{{ . }}>{{ end }}", "labels": HA},
    # comparisons
    {"t": "{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne $labels.job \"x\" }} {{ lt 1 2 }} {{ le 2.5 2.5 }} {{ gt \"b\" \"a\" }} {{ ge 1 2 }} {{ eq true true }}",
     "labels": HA},
    {"t": "{{ eq $value 0.0 }} {{ lt $value 1.0 }}", "labels": HA, "value": "0"},
    # print family
    {"t": "{{ print 1 2 \"a\" \"b\" 3 }}|{{ print $value $value }}|{{ println \"x\" 1 }}|{{ print }}", "labels": HA,
     "value": "2.5"},
    {"t": "{{ print nil }}|{{ printf \"%v\" nil }}|{{ print true 1.5 }}", "labels": HA},
    # printf verbs
    {"t": "{{ printf \"%.2f\" $value }}|{{ printf \"%f\" $value }}|{{ printf \"%g\" $value }}|{{ printf \"%e\" $value }}|{{ printf \"%v\" $value }}|{{ printf \"%8.3f|%-8.1f|%+.1f|%08.2f\" $value $value $value $value }}",
     "labels": HA, "value": "3.14159"},
    {"t": "{{ printf \"%d %5d %-5d| %05d %x %X %o %b %c %q %U\" 42 42 42 -42 255 255 8 5 65 65 65 }}", "labels": HA},
    {"t": "{{ printf \"%s|%10s|%-10s|%.2s|%q|%x|%X|%v\" \"hi\" \"hi\" \"hi\" \"hello\" \"a\\\"b\" \"hi\" \"hi\" \"hi\" }}",
     "labels": HA},
    {"t": "{{ printf \"%t %v %s\" true false true }}", "labels": HA},
    {"t": "{{ printf \"%d\" $labels }}|{{ printf \"%s\" $value }}|{{ printf \"%d\" \"x\" }}|{{ printf \"%d %d\" 1 }}|{{ printf \"%d\" 1 2 }}|{{ printf \"%!\" }}|{{ printf \"%z\" 1 }}|{{ printf \"100%%\" }}",
     "labels": HA, "value": "1.5"},
    {"t": "{{ printf \"%v|%s|%q\" $labels $labels $labels }}", "labels": {"a": "x y", "b": "q\"z"}},
    {"t": "{{ printf \"%.3g|%.10g|%g|%g|%G|%.0f|%.1e|%E\" $value $value 1e21 1e-5 1e-5 2.5 12345.678 1.0 }}", "labels": HA,
     "value": "1234.5678"},
    {"t": "{{ printf \"%f %e %g %.2f\" $value $value $value $value }}", "labels": HA, "value": "NaN"},
    {"t": "{{ printf \"%f %+.1f %8.2f|%-8.2f|\" $value $value $value $value }}", "labels": HA, "value": "+Inf"},
    {"t": "{{ printf \"%6.2f%%\" $value }}", "labels": HA, "value": "0.8512"},
    {"t": "{{ printf \"%[2]s %[1]s\" \"a\" \"b\" }}|{{ printf \"%*d\" 5 42 }}|{{ printf \"%.*f\" 2 3.14159 }}",
     "labels": HA},
    {"t": "{{ printf \"%x %X % x %#x\" \"hi\" 3.5 \"abc\" 255 }}", "labels": HA},
    {"t": "{{ printf \"%5t|%v|%d\" true 'x' 'x' }}", "labels": HA},
    # humanize family
    *[{"t": "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ humanizePercentage $value }}",
       "labels": HA, "value": v} for v in
      ["0", "1", "0.5", "999", "1000", "1234567", "-1234567", "0.001234", "1e-30", "1e30", "1024", "1048576",
       "61", "3661", "90061", "-90061", "0.0123", "NaN", "+Inf", "-Inf", "2.5", "59.999"]],
    {"t": "{{ humanizeTimestamp $value }}", "labels": HA, "value": "1435065584.128"},
    {"t": "{{ humanizeTimestamp $value }}|{{ humanizeTimestamp 0 }}", "labels": HA, "value": "NaN"},
    {"t": "{{ humanizeTimestamp $value }}", "labels": HA, "value": "1.5e9"},
    {"t": "{{ humanize \"1234.5\" }}|{{ humanize1024 \"2048\" }}|{{ humanizeDuration \"90\" }}|{{ humanizePercentage \"0.25\" }}|{{ humanize 42 }}|{{ humanizeTimestamp \"0\" }}",
     "labels": HA},
    {"t": "{{ humanize \"abc\" }}", "labels": HA},
    {"t": "{{ humanize $labels }}", "labels": HA},
    {"t": "{{ toTime $value }}", "labels": HA, "value": "1435065584.128"},
    # string functions
    {"t": "{{ toUpper \"abc\" }}|{{ toLower \"ABC\" }}|{{ title \"hello world-foo bar_baz\" }}|{{ stripPort \"lb1:8404\" }}|{{ stripPort \"[::1]:80\" }}|{{ stripPort \"plain\" }}|{{ stripDomain \"a.b.example.com:80\" }}|{{ stripDomain \"10.0.0.1:80\" }}|{{ stripDomain \"host\" }}",
     "labels": HA},
    {"t": "{{ reReplaceAll \":[0-9]+$\" \"\" $labels.instance }}|{{ reReplaceAll \"(a)(b)\" \"${2}$1x\" \"abab\" }}|{{ reReplaceAll \"a\" \"$0$0\" \"banana\" }}|{{ reReplaceAll \"(?P<n>a)\" \"[$n]\" \"aa\" }}",
     "labels": HA},
    {"t": "{{ match \"^lb[0-9]\" $labels.instance }}|{{ match \"x\" \"abc\" }}|{{ if match \"^app$\" $labels.backend }}m{{ end }}",
     "labels": HA},
    {"t": "{{ safeHtml \"<b>\" }}|{{ \"<a href='x'>&</a>\" | html }}|{{ js \"a'b\\\"c<\" }}|{{ urlquery \"a b&c=d/é\" }}",
     "labels": HA},
    {"t": "{{ $labels.instance | stripPort | toUpper }}", "labels": HA},
    {"t": "{{ index \"abc\" 1 }}|{{ slice \"abcdef\" 1 3 }}|{{ slice \"abc\" 1 }}", "labels": HA},
    # expand-time errors
    {"t": "{{ index $labels 5 }}", "labels": HA},
    {"t": "x{{ toUpper $value }}", "labels": HA},
    {"t": "{{ toUpper 5 }}", "labels": HA},
    {"t": "{{ eq $value \"1\" }}", "labels": HA},
    {"t": "{{ lt $labels $labels }}", "labels": HA},
    {"t": "{{ index \"abc\" 10 }}", "labels": HA},
    {"t": "{{ $value.foo }}", "labels": HA},
    {"t": "{{ .Nope }}", "labels": HA},
    {"t": "{{ range $value }}x{{ end }}", "labels": HA},
    {"t": "{{ reReplaceAll \"(\" \"\" \"x\" }}", "labels": HA},
    {"t": "{{ match \"(\" \"x\" }}", "labels": HA},
    {"t": "a\nb {{ $labels.job }}\n  {{ len 3 }}", "labels": HA},
    {"t": "{{ \"a\" \"b\" }}", "labels": HA},
    {"t": "{{ printf }}", "labels": HA},
    {"t": "{{ eq 1 }}", "labels": HA},
    {"t": "{{ eq 1 1.0 }}", "labels": HA},
    {"t": "{{ template \"nope\" }}", "labels": HA},
    {"t": "{{ first 1 }}", "labels": HA},
    # parse errors
    {"t": "{{ $labels.job ", "labels": HA, "parse": True},
    {"t": "{{ nosuchfunc 1 }}", "labels": HA, "parse": True},
    {"t": "{{ end }}", "labels": HA, "parse": True},
    {"t": "{{ if true }}x", "labels": HA, "parse": True},
    {"t": "{{ $undefined }}", "labels": HA, "parse": True},
    {"t": "line one\n{{ else }}", "labels": HA, "parse": True},
    {"t": "{{ \"unterminated }}", "labels": HA, "parse": True},
    {"t": "{{ 3x }}", "labels": HA, "parse": True},
    {"t": "{{ /* c */ }}", "labels": HA, "parse": True},
    {"t": "{{ }}", "labels": HA, "parse": True},
    {"t": "{{ nil }}", "labels": HA, "parse": True},
    {"t": "{{ 1 | 2 }}", "labels": HA, "parse": True},
    {"t": "{{ break }}", "labels": HA, "parse": True},
    {"t": "{{ (1 }}", "labels": HA, "parse": True},
    {"t": "{{ # }}", "labels": HA, "parse": True},
    {"t": "a\nb\n{{ range }}{{ end }}", "labels": HA, "parse": True},
]
