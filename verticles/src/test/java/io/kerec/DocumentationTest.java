package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.testing.PackageMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and {@code docs/} against the repository: the test commands are the ones CI and the build define,
 * every relative link and anchor resolves, and the package map names exactly the packages there are.
 */
class DocumentationTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  private static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve(".ci/run"))) {
        return dir;
      }
    }
    throw new AssertionError("no README.md with .ci/run above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> documents(Path root) throws IOException {
    List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  @Test
  void theReadmesTestCommandsAreWhatCiRunsAndWhatThePomDefines() throws IOException {
    Path root = root();
    String readme = Files.readString(root.resolve("README.md"));
    List<String> ci = Files.readAllLines(root.resolve(".ci/run")).stream().map(String::strip)
        .filter(l -> l.startsWith("mvn -B")).toList();
    assertThat(ci).as(".ci/run's Maven commands").containsExactly("mvn -B verify");
    assertThat(readme).contains("mvn -B verify").contains("mvn -B test -P unit");
    assertThat(Files.readString(root.resolve("verticles/pom.xml"))).contains("<id>unit</id>");
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    Path root = root();
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path doc : documents(root)) {
      String text = withoutCode(Files.readString(doc));
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue;
        }
        links++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(root.relativize(doc) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(root.relativize(doc) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(links).as("relative links checked").isGreaterThan(20);
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void thePackageMapNamesEveryPackageAndNoOther() throws IOException {
    Path root = root();
    Set<String> packages = PackageMap.packages(root.resolve("verticles/src/main/java/io/kerec")).keySet();
    Set<String> mapped = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^#### `(io\\.kerec[\\w.]*)`").matcher(
        Files.readString(root.resolve("docs/architecture.md")));
    while (m.find()) {
      mapped.add(m.group(1));
    }
    assertThat(mapped).as("docs/architecture.md's package map (regenerate it with java "
        + "verticles/src/test/java/io/kerec/testing/PackageMap.java)").containsExactlyInAnyOrderElementsOf(packages);
  }

  /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to hyphens. */
  private static Set<String> anchors(Path doc) throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : withoutCode(Files.readString(doc)).split("\n")) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        anchors.add(h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  /** The text with fenced code blocks blanked out, so that neither their links nor their # lines count. */
  private static String withoutCode(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        out.append('\n');
      } else {
        out.append(fenced ? "" : line).append('\n');
      }
    }
    return out.toString();
  }
}
