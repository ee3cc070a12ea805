package dev.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/engine.md, read from the sources: every mention of another livesync package
 * (imports, fully-qualified names in code, class names in strings, dotted or as resource paths) must
 * point to a lower layer.
 */
class LayeringTest {
  /** Lowest first; a package may use only packages of a lower rank. Keep in step with docs/engine.md. */
  static final String ROOT = "dev.livesync";
  static final Map<String, Integer> RANK = Map.ofEntries(
      Map.entry(ROOT, -1),
      Map.entry("fs", 0),
      Map.entry("settings", 1),
      Map.entry("transport", 2), Map.entry("events", 2), Map.entry("server", 2),
      Map.entry("sync", 3),
      Map.entry("config", 4),
      Map.entry("ops.status", 5), Map.entry("bench", 5),
      Map.entry("ops.doctor", 6), Map.entry("ops.verify", 6), Map.entry("ops.service", 6), Map.entry("ops.demo", 6),
      Map.entry("monitor", 7),
      Map.entry("cli", 8));

  private static final Path MAIN = Path.of("src/main/java/dev/livesync");
  private static final Pattern MENTION = Pattern.compile("dev[./]livesync[./]([a-z][a-z0-9]*(?:[./][a-z][a-z0-9]*)*)[./](?:[A-Z]|\\*)");
  private static final Map<String, Set<String>> USES = new TreeMap<>();
  private static final Map<String, List<String>> WHERE = new TreeMap<>();

  @BeforeAll
  static void read() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        if (pkg.isEmpty()) pkg = ROOT; // the exception type and exit codes: below all, so it may use none
        USES.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = MENTION.matcher(Files.readString(f));
        while (m.find()) {
          String other = m.group(1).replace('/', '.');
          if (other.equals(pkg)) continue;
          USES.get(pkg).add(other);
          WHERE.computeIfAbsent(pkg + " -> " + other, k -> new ArrayList<>()).add(f.getFileName().toString());
        }
      }
    }
  }

  @Test
  void everyPackageHasALayer() {
    assertThat(RANK.keySet()).as("add new packages to RANK here and to the layer list in docs/engine.md")
        .containsAll(USES.keySet());
  }

  @Test
  void noPackageUsesOneAboveOrBesideIt() {
    List<String> upward = new ArrayList<>();
    USES.forEach((pkg, used) -> {
      for (String other : used) {
        Integer from = RANK.get(pkg);
        Integer to = RANK.get(other);
        if (from != null && to != null && to >= from) {
          upward.add(pkg + " -> " + other + " in " + new TreeSet<>(WHERE.get(pkg + " -> " + other)));
        }
      }
    });
    assertThat(upward).as("uses of a package on the same or a higher layer").isEmpty();
  }

  @Test
  void theRuleSeesAMentionInAString() {
    Matcher m = MENTION.matcher("cmd.add(\"dev.livesync.cli.Main\");");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("cli");
    Matcher path = MENTION.matcher("getResourceAsStream(\"/dev/livesync/monitor/StatusPage.class\")");
    assertThat(path.find()).isTrue();
    assertThat(path.group(1)).isEqualTo("monitor");
    Matcher wildcard = MENTION.matcher("import dev.livesync.ops.*;");
    assertThat(wildcard.find()).isTrue();
    assertThat(wildcard.group(1)).isEqualTo("ops");
    Matcher sub = MENTION.matcher("import dev.livesync.ops.status.StatusView;");
    assertThat(sub.find()).isTrue();
    assertThat(sub.group(1)).isEqualTo("ops.status");
  }

  @Test
  void theRuleDoesNotTakeThePackageNameAloneForAClass() {
    assertThat(MENTION.matcher("a.contains(\"dev.livesync\")").find()).isFalse();
  }
}
