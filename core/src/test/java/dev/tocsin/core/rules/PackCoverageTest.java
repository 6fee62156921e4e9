package dev.tocsin.core.rules;

import dev.tocsin.core.Rule;
import dev.tocsin.core.internal.rules.YamlNode;
import dev.tocsin.core.internal.rules.YamlTree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the promtool parity suite complete: every alerting rule of both HAProxy rule packs must be expected firing
 * (a non-empty {@code exp_alerts}) and expected not firing (an empty one) by some file under {@code promtool/pass/}
 * that loads the pack, and every alert name such a file tests must exist in the rule files it loads (a misspelt name
 * would pass with an empty {@code exp_alerts} without testing anything).
 */
class PackCoverageTest {

    private record Coverage(Set<String> firing, Set<String> notFiring, List<String> unknown) {
    }

    private static List<Path> ruleFiles(Path testFile, YamlNode root) throws IOException {
        List<Path> out = new ArrayList<>();
        YamlNode rf = root.map().get("rule_files");
        if (rf == null) {
            return out;
        }
        for (YamlNode n : rf.list()) {
            Path p = testFile.getParent().resolve(n.text()).normalize();
            if (!p.getFileName().toString().contains("*")) {
                out.add(p);
                continue;
            }
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
            try (Stream<Path> s = Files.list(p.getParent())) {
                s.filter(f -> m.matches(f.getFileName())).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static Set<String> alertNames(Path ruleFile) {
        Set<String> names = new TreeSet<>();
        for (Rule r : RuleFiles.load(ruleFile).rules()) {
            names.add(r.name());
        }
        return names;
    }

    private static Coverage coverage(Path pack) throws Exception {
        Set<String> firing = new TreeSet<>();
        Set<String> notFiring = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (Path file : RuleTestsTest.files("pass").toList()) {
            YamlNode root = YamlTree.parse(Files.readString(file));
            List<Path> loaded = ruleFiles(file, root);
            if (!loaded.contains(pack.normalize())) {
                continue;
            }
            Set<String> known = new TreeSet<>();
            for (Path p : loaded) {
                known.addAll(alertNames(p));
            }
            YamlNode tests = root.map().get("tests");
            for (YamlNode group : tests == null ? List.<YamlNode>of() : tests.list()) {
                YamlNode alertTests = group.map().get("alert_rule_test");
                for (YamlNode t : alertTests == null ? List.<YamlNode>of() : alertTests.list()) {
                    Map<String, YamlNode> m = t.map();
                    String name = m.get("alertname").text();
                    YamlNode exp = m.get("exp_alerts");
                    if (!known.contains(name)) {
                        unknown.add(file.getFileName() + ": " + name);
                    }
                    if (exp == null || exp.list().isEmpty()) {
                        notFiring.add(name);
                    } else {
                        firing.add(name);
                    }
                }
            }
        }
        return new Coverage(firing, notFiring, unknown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy-exporter-v1.yml", "embedded-exporter-v2.yml"})
    void everyRuleOfThePackIsTestedFiringAndNotFiring(String packName) throws Exception {
        Path pack = RuleFilesTest.resource("packs/" + packName);
        Set<String> rules = alertNames(pack);
        assertThat(rules).as("alerting rules of %s", packName).isNotEmpty();
        Coverage c = coverage(pack);
        Set<String> neverFiring = new TreeSet<>(rules);
        neverFiring.removeAll(c.firing());
        Set<String> neverQuiet = new TreeSet<>(rules);
        neverQuiet.removeAll(c.notFiring());
        assertThat(neverFiring).as("rules of %s that no promtool/pass/ file expects firing", packName).isEmpty();
        assertThat(neverQuiet).as("rules of %s that no promtool/pass/ file expects not firing", packName).isEmpty();
        assertThat(c.unknown()).as("alert names tested but not defined by the loaded rule files").isEmpty();
    }
}
