package dev.tocsin.core.internal.rules;

import dev.tocsin.core.ExpressionException;
import dev.tocsin.core.Labels;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;
import dev.tocsin.core.TemplateException;
import dev.tocsin.core.internal.expr.PromDuration;
import dev.tocsin.core.rules.AlertingRule;
import dev.tocsin.core.rules.RecordingRule;
import dev.tocsin.core.rules.RuleFileException;
import dev.tocsin.core.rules.RuleGroup;
import dev.tocsin.core.rules.RuleGroups;
import dev.tocsin.core.rules.SkippedRule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a rule file's YAML into {@link RuleGroups}, checking it as Prometheus's {@code rulefmt} does. */
public final class RuleFileParser {

    private static final Set<String> FILE_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "labels", "limit", "rules");
    private static final Set<String> RULE_KEYS = Set.of("alert", "record", "expr", "for", "keep_firing_for",
            "labels", "annotations");

    private final String file;
    private final boolean skipUnsupported;
    private String group = "";
    private String rule = "";

    private RuleFileParser(String file, boolean skipUnsupported) {
        this.file = file;
        this.skipUnsupported = skipUnsupported;
    }

    /**
     * Parses a rule file.
     *
     * @throws RuleFileException on any problem
     */
    public static RuleGroups parse(String file, String yaml, boolean skipUnsupported) {
        return new RuleFileParser(file, skipUnsupported).run(yaml);
    }

    private RuleFileException error(int line, int column, String detail) {
        return new RuleFileException(file, line, column, group, rule, detail);
    }

    private RuleFileException error(YamlNode at, String detail) {
        return error(at.line(), at.column(), detail);
    }

    private RuleGroups run(String yaml) {
        YamlNode root;
        try {
            root = YamlTree.parse(yaml);
        } catch (YamlTree.SyntaxError e) {
            throw error(e.line(), e.column(), e.getMessage());
        }
        List<RuleGroup> groups = new ArrayList<>();
        List<SkippedRule> skipped = new ArrayList<>();
        if (root.isNull()) {
            return new RuleGroups(file, groups, skipped);
        }
        expectMap(root, "the file");
        checkKeys(root, FILE_KEYS, "rulefmt.RuleGroups");
        YamlNode gs = root.map().get("groups");
        if (gs == null || gs.isNull()) {
            return new RuleGroups(file, groups, skipped);
        }
        if (gs.kind() != YamlNode.Kind.LIST) {
            throw error(gs, "'groups' must be a sequence, found " + gs.describe());
        }
        Set<String> names = new HashSet<>();
        for (YamlNode g : gs.list()) {
            group = "";
            rule = "";
            expectMap(g, "a group");
            checkKeys(g, GROUP_KEYS, "rulefmt.RuleGroup");
            String name = scalar(g, "name", "");
            if (name.isEmpty()) {
                throw error(g, "Groupname must not be empty");
            }
            group = name;
            if (!names.add(name)) {
                throw error(g.map().get("name"), "groupname: \"" + name + "\" is repeated in the same file");
            }
            Duration interval = duration(g, "interval");
            Map<String, String> groupLabels = stringMap(g, "labels", "label");
            int limit = 0;
            String lim = scalar(g, "limit", "0");
            try {
                limit = Integer.parseInt(lim);
            } catch (NumberFormatException e) {
                throw error(g.map().get("limit"), "'limit' must be an integer, found '" + YamlNode.excerpt(lim) + "'");
            }
            if (limit < 0) {
                limit = 0; // no limit, as in Prometheus (which applies a limit only when it is positive)
            }
            List<AlertingRule> alerting = new ArrayList<>();
            List<RecordingRule> recording = new ArrayList<>();
            List<dev.tocsin.core.rules.GroupRule> ordered = new ArrayList<>();
            YamlNode rs = g.map().get("rules");
            if (rs != null && !rs.isNull()) {
                if (rs.kind() != YamlNode.Kind.LIST) {
                    throw error(rs, "'rules' must be a sequence, found " + rs.describe());
                }
                for (YamlNode r : rs.list()) {
                    rule = "";
                    readRule(r, groupLabels, alerting, recording, ordered, skipped);
                }
            }
            rule = "";
            groups.add(new RuleGroup(name, interval, groupLabels, limit, alerting, recording, ordered));
        }
        return new RuleGroups(file, groups, skipped);
    }

    private void readRule(YamlNode r, Map<String, String> groupLabels, List<AlertingRule> alerting,
                          List<RecordingRule> recording, List<dev.tocsin.core.rules.GroupRule> ordered,
                          List<SkippedRule> skipped) {
        expectMap(r, "a rule");
        String alert = scalar(r, "alert", "");
        String record = scalar(r, "record", "");
        rule = alert.isEmpty() ? record : alert;
        checkKeys(r, RULE_KEYS, "rulefmt.RuleNode");
        if (!alert.isEmpty() && !record.isEmpty()) {
            throw error(r, "only one of 'record' and 'alert' must be set");
        }
        if (alert.isEmpty() && record.isEmpty()) {
            throw error(r, "one of 'record' or 'alert' must be set");
        }
        String expr = scalar(r, "expr", "");
        if (expr.isEmpty()) {
            throw error(r, "field 'expr' must be set in rule");
        }
        Map<String, String> labels = new LinkedHashMap<>(groupLabels);
        labels.putAll(stringMap(r, "labels", "label"));
        Map<String, String> annotations = stringMap(r, "annotations", "annotation");
        YamlNode exprNode = r.map().get("expr");
        int ruleLine = r.line();
        if (!record.isEmpty()) {
            for (String k : List.of("annotations", "for", "keep_firing_for")) {
                if (r.map().containsKey(k)) {
                    int[] p = r.keyPosition(k);
                    throw error(p[0], p[1], "invalid field '" + k + "' in recording rule");
                }
            }
            if (!Sample.isValidMetricName(record)) {
                throw error(r.map().get("record"), "invalid recording rule name: " + record);
            }
            try {
                dev.tocsin.core.internal.expr.Expression.parse(expr);
            } catch (ExpressionException e) {
                if (skipUnsupported && unsupported(e)) {
                    skipped.add(new SkippedRule(group, record, ruleLine, "expression " + position(e)
                            + e.detail()));
                    return;
                }
                throw error(exprNode, "could not parse expression: " + e.getMessage());
            }
            RecordingRule rr = new RecordingRule(record, expr, labels, ruleLine);
            recording.add(rr);
            ordered.add(rr);
            return;
        }
        Duration forDuration = duration(r, "for");
        Duration keep = duration(r, "keep_firing_for");
        Rule.Builder b = Rule.alert(alert).expr(expr).forDuration(forDuration).keepFiringFor(keep)
                .labels(labels).annotations(annotations);
        try {
            AlertingRule ar = new AlertingRule(b.build(), ruleLine);
            alerting.add(ar);
            ordered.add(ar);
        } catch (ExpressionException e) {
            if (skipUnsupported && unsupported(e)) {
                skipped.add(new SkippedRule(group, alert, ruleLine, "expression " + position(e) + e.detail()));
                return;
            }
            // the file's error names the rule already: the expression's own position, as promtool words it
            throw error(exprNode, "could not parse expression: "
                    + new ExpressionException(e.line(), e.column(), e.detail()).getMessage());
        } catch (TemplateException e) {
            throw templateError(r, e);
        } catch (IllegalArgumentException e) {
            throw error(r, String.valueOf(e.getMessage()));
        }
    }

    private RuleFileException templateError(YamlNode r, TemplateException e) {
        // RuleTemplates names the key as 'label "k"' or 'annotation "k"' inside the exception's input
        String in = e.input();
        for (String kind : List.of("annotation", "label")) {
            YamlNode m = r.map().get(kind + "s");
            if (m == null) {
                continue;
            }
            for (Map.Entry<String, YamlNode> en : m.map().entrySet()) {
                if (in.contains(kind + " \"" + en.getKey() + "\"")) {
                    return error(en.getValue(), "template of " + kind + " '" + en.getKey() + "' "
                            + position(e) + e.detail());
                }
            }
        }
        return error(r, e.getMessage());
    }

    private static String position(dev.tocsin.core.TocsinParseException e) {
        if (e.line() > 0) {
            return "(at its line " + e.line() + (e.column() > 0 ? ", column " + e.column() : "") + "): ";
        }
        return e.column() > 0 ? "(at its column " + e.column() + "): " : ": ";
    }

    private static boolean unsupported(ExpressionException e) {
        return e.isUnsupported();
    }

    private void expectMap(YamlNode n, String what) {
        if (n.kind() != YamlNode.Kind.MAP) {
            throw error(n, what + " must be a mapping, found " + n.describe());
        }
    }

    private void checkKeys(YamlNode n, Set<String> allowed, String type) {
        for (String k : n.map().keySet()) {
            if (!allowed.contains(k)) {
                int[] p = n.keyPosition(k);
                throw error(p[0], p[1], "field " + k + " not found in type " + type);
            }
        }
    }

    private String scalar(YamlNode m, String key, String dflt) {
        YamlNode v = m.map().get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.kind() != YamlNode.Kind.SCALAR) {
            throw error(v, "'" + key + "' must be a scalar, found " + v.describe());
        }
        return v.text();
    }

    private Duration duration(YamlNode m, String key) {
        String s = scalar(m, key, "0");
        try {
            return PromDuration.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(m.map().get(key), "'" + key + "': " + e.getMessage());
        }
    }

    private Map<String, String> stringMap(YamlNode m, String key, String what) {
        YamlNode v = m.map().get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.kind() != YamlNode.Kind.MAP) {
            throw error(v, "'" + key + "' must be a mapping, found " + v.describe());
        }
        for (Map.Entry<String, YamlNode> e : v.map().entrySet()) {
            int[] p = v.keyPosition(e.getKey());
            if (!Labels.isValidName(e.getKey()) || ("label".equals(what) && Labels.METRIC_NAME.equals(e.getKey()))) {
                throw error(p[0], p[1], "invalid " + what + " name: " + e.getKey());
            }
            YamlNode val = e.getValue();
            if (val.kind() == YamlNode.Kind.NULL) {
                out.put(e.getKey(), "");
            } else if (val.kind() == YamlNode.Kind.SCALAR) {
                out.put(e.getKey(), val.text());
            } else {
                throw error(val, what + " '" + e.getKey() + "' must be a string, found " + val.describe());
            }
        }
        return out;
    }
}
