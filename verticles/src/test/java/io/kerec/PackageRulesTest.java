package io.kerec;

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
import org.junit.jupiter.api.Test;

/**
 * The architecture's rules, read from the sources' imports (and fully qualified names in code): no cycle between
 * the packages under {@code io.kerec} (a package with its sub-packages counts as one), no verticle package using
 * another verticle package (they talk over the bus), and {@code bus} and {@code config} using no feature package.
 */
class PackageRulesTest {
  /** The packages that each hold one verticle (and what only it uses). */
  static final Set<String> VERTICLES = Set.of("api", "graph", "ingest", "judge", "rank");
  /** The shared vocabulary and the settings: they may use nothing of the engine's own. */
  static final Set<String> FOUNDATIONS = Set.of("bus", "config");
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.kerec\\.([a-z]\\w*)");

  @Test
  void theMainSourcesKeepTheRules() throws IOException {
    Map<String, Set<String>> uses = uses(Path.of("src/main/java/io/kerec"));
    System.out.println("package dependencies: " + uses);
    assertThat(uses).containsKeys("api", "bus", "cli", "config", "engine", "graph", "ingest", "judge", "rank", "store");
    assertThat(violations(uses)).as("package rules").isEmpty();
  }

  @Test
  void theCheckFindsACycleAndAVerticleUsingAnother() {
    Map<String, Set<String>> uses = new TreeMap<>(Map.of(
        "store", Set.of("bus", "judge"), "judge", Set.of("store", "bus"), "api", Set.of("ingest"),
        "config", Set.of("graph"), "bus", Set.of()));
    assertThat(violations(uses)).containsExactlyInAnyOrder(
        "cycle: judge -> store -> judge",
        "verticle package api uses verticle package ingest",
        "config uses graph");
  }

  /** Every rule broken, one line each. */
  static List<String> violations(Map<String, Set<String>> uses) {
    List<String> out = new ArrayList<>();
    for (List<String> cycle : cycles(uses)) {
      out.add("cycle: " + String.join(" -> ", cycle));
    }
    uses.forEach((from, targets) -> {
      for (String to : targets) {
        if (VERTICLES.contains(from) && VERTICLES.contains(to)) {
          out.add("verticle package " + from + " uses verticle package " + to);
        }
        if (FOUNDATIONS.contains(from) && !FOUNDATIONS.contains(to)) {
          out.add(from + " uses " + to);
        }
      }
    });
    return out;
  }

  /** One cycle per strongly connected group of packages, as a path that starts and ends at its smallest name. */
  static List<List<String>> cycles(Map<String, Set<String>> uses) {
    List<List<String>> found = new ArrayList<>();
    Set<String> reported = new TreeSet<>();
    for (String start : new TreeSet<>(uses.keySet())) {
      if (reported.contains(start)) {
        continue;
      }
      List<String> path = pathBack(uses, start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
      if (path != null) {
        reported.addAll(path);
        found.add(path);
      }
    }
    return found;
  }

  private static List<String> pathBack(Map<String, Set<String>> uses, String start, String at, List<String> path,
                                       Set<String> seen) {
    for (String next : new TreeSet<>(uses.getOrDefault(at, Set.of()))) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (next.compareTo(start) > 0 && seen.add(next)) {
        path.add(next);
        List<String> cycle = pathBack(uses, start, next, path, seen);
        if (cycle != null) {
          return cycle;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }

  /** Which top-level packages under {@code root} each one references in code (comments and strings left out). */
  static Map<String, Set<String>> uses(Path root) throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = root.relativize(file);
        String from = relative.getNameCount() > 1 ? relative.getName(0).toString() : "(root)";
        Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(code(Files.readString(file)));
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            targets.add(m.group(1));
          }
        }
      }
    }
    return uses;
  }

  /** Java source without comments, string literals and text blocks. */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? source.length() : end + 2;
      } else if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? source.length() : end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        i = end < 0 ? source.length() : end + 3;
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        char quote = source.charAt(i);
        i++;
        while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n') {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else {
        out.append(source.charAt(i++));
      }
    }
    return out.toString();
  }
}
