package io.kerec.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Generates the package map of {@code docs/architecture.md} from the sources under
 * {@code verticles/src/main/java/io/kerec}: every package, its top-level types and the first sentence of each one's
 * Javadoc (or, for a command, its picocli description). Run from the repository root, needing nothing but a JDK:
 *
 * <pre>java verticles/src/test/java/io/kerec/testing/PackageMap.java</pre>
 *
 * <p>{@code DocumentationTest} uses {@link #packages} to check that the map names every package, and no other.
 */
public final class PackageMap {
  static final Path SOURCES = Path.of("verticles", "src", "main", "java", "io", "kerec");
  private static final Pattern COMMAND = Pattern.compile("@Command\\([^)]*?description\\s*=\\s*\\{?\\s*\"([^\"]*)\"",
      Pattern.DOTALL);

  private PackageMap() {
  }

  public static void main(String[] args) throws IOException {
    Path root = args.length > 0 ? Path.of(args[0]) : Path.of("");
    for (var entry : packages(root.resolve(SOURCES)).entrySet()) {
      List<Path> types = entry.getValue();
      System.out.printf("#### `%s` (%d)%n%n", entry.getKey(), types.size());
      for (Path type : types) {
        String name = type.getFileName().toString().replace(".java", "");
        String summary = summary(Files.readString(type), name);
        System.out.println("- `" + name + "`" + (summary.isEmpty() ? "" : ": " + summary));
      }
      System.out.println();
    }
  }

  /** Package name → its top-level source files (package-info.java left out), sorted. */
  public static TreeMap<String, List<Path>> packages(Path sources) throws IOException {
    TreeMap<String, List<Path>> packages = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".java") && !name.equals("package-info.java")) {
          String pkg = "io.kerec" + (file.getParent().equals(sources) ? ""
              : "." + sources.relativize(file.getParent()).toString().replace('/', '.'));
          packages.computeIfAbsent(pkg, k -> new ArrayList<>()).add(file);
        }
      }
    }
    return packages;
  }

  /** The first sentence of the type's Javadoc, or its picocli description, in Markdown. */
  static String summary(String source, String name) {
    Matcher javadoc = Pattern.compile("/\\*\\*((?:(?!\\*/).)*?)\\*/\\s*(?:@\\w[\\w.]*(?:\\((?:[^()]|\\([^()]*\\))*\\))?\\s*)*"
        + "(?:(?:public|final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+"
        + Pattern.quote(name) + "\\b", Pattern.DOTALL).matcher(source);
    String text;
    if (javadoc.find()) {
      text = javadoc.group(1).replaceAll("(?m)^\\s*\\*\\s?", "");
      int tags = text.indexOf("\n@");
      text = tags >= 0 ? text.substring(0, tags) : text;
    } else {
      Matcher command = COMMAND.matcher(source);
      text = command.find() ? command.group(1) : "";
    }
    text = inlineTags(text).replaceAll("<[^>]+>", "").replace('\u0001', '<').replace('\u0002', '>')
        .replaceAll("\\s+", " ").trim();
    Matcher end = Pattern.compile("\\.(\\s|$)").matcher(text);
    return end.find() ? text.substring(0, end.start() + 1) : text;
  }

  /** {@code {@code x}} and {@code {@link a.B#c}} to Markdown code, braces inside them included. */
  private static String inlineTags(String text) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("{@", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      out.append(text, i, start);
      int depth = 0;
      int j = start;
      for (; j < text.length(); j++) {
        char c = text.charAt(j);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          break;
        }
      }
      String tag = text.substring(start + 2, Math.min(j, text.length()));
      int space = tag.indexOf(' ');
      String kind = space < 0 ? tag : tag.substring(0, space);
      String body = space < 0 ? "" : tag.substring(space + 1).trim();
      if (kind.startsWith("link")) {
        String[] parts = body.split("\\s+", 2);
        String target = parts[0].replaceAll("^.*\\.(?=[A-Z])", "").replace('#', '.').replaceAll("^\\.", "");
        body = parts.length > 1 ? parts[1] : target;
      }
      // angle brackets in code survive the removal of HTML tags
      out.append('`').append(body.replace('<', '\u0001').replace('>', '\u0002')).append('`');
      i = j + 1;
    }
    return out.toString();
  }
}
