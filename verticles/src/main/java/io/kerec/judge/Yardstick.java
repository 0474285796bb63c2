package io.kerec.judge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A labeled yardstick of directed entity pairs (complementary / substitute / unrelated, labeled by a written rule)
 * and how a judge fares on it: precision and recall of its complementary verdicts, and the share of substitute and
 * of unrelated pairs it links anyway (the two leaks). A pair the judge abstains on counts as not linked.
 *
 * <p>File format: CSV with a header naming at least {@code source}, {@code target} and {@code label}; other
 * columns are kept as they are and ignored here. Entity names contain no commas.
 */
public final class Yardstick {
  /** What the rule says a pair is. */
  public enum Label {
    COMPLEMENTARY, SUBSTITUTE, UNRELATED;

    static Label parse(String text, int line) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + line + ": label must be complementary, substitute or"
            + " unrelated: " + text);
      }
    }
  }

  /** One labeled directed pair. */
  public record Row(EntityPair pair, Label label) {
  }

  /**
   * A judge's figures on the yardstick.
   *
   * @param pairs labeled pairs
   * @param byLabel pairs per label
   * @param linkedByLabel pairs the judge called complementary, per label
   * @param abstained pairs the judge gave no verdict
   * @param linkedByProvider complementary verdicts per provider
   * @param precision linked complementary / linked (0 when nothing is linked)
   * @param recall linked complementary / complementary
   * @param substituteLeak linked substitutes / substitutes
   * @param unrelatedLeak linked unrelated / unrelated
   */
  public record Score(int pairs, Map<String, Integer> byLabel, Map<String, Integer> linkedByLabel, int abstained,
                      Map<String, Integer> linkedByProvider, double precision, double recall,
                      double substituteLeak, double unrelatedLeak) {

    /** @return the figures as a Markdown table */
    public String markdown(String judge) {
      return String.format(Locale.ROOT, """
          | judge | pairs | linked | precision | recall | substitute leak | unrelated leak | abstained |
          |---|---:|---:|---:|---:|---:|---:|---:|
          | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %d |
          """, judge, pairs, linkedByLabel.values().stream().mapToInt(Integer::intValue).sum(), precision, recall,
          substituteLeak, unrelatedLeak, abstained);
    }
  }

  private final List<Row> rows;

  private Yardstick(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /**
   * @param csv the labels file
   * @return its rows
   * @throws IOException when unreadable
   * @throws IllegalArgumentException when a line is malformed (the message names it)
   */
  public static Yardstick read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("empty labels file " + csv);
    }
    List<String> header = List.of(lines.get(0).trim().split(","));
    int s = header.indexOf("source");
    int t = header.indexOf("target");
    int l = header.indexOf("label");
    if (s < 0 || t < 0 || l < 0) {
      throw new IllegalArgumentException("line 1: the header must name source, target and label: " + header);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length < header.size()) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + cells.length + " cells, the header has "
            + header.size());
      }
      rows.add(new Row(new EntityPair(cells[s].trim(), cells[t].trim()), Label.parse(cells[l], i + 1)));
    }
    return new Yardstick(rows);
  }

  /** @return the labeled pairs, in file order */
  public List<Row> rows() {
    return rows;
  }

  /**
   * Scores a judge.
   *
   * @param judge the judge's verdict on a pair, empty when it abstains
   * @return its figures
   */
  public Score score(Function<EntityPair, Optional<Verdict>> judge) {
    Map<String, Integer> byLabel = new LinkedHashMap<>();
    Map<String, Integer> linked = new LinkedHashMap<>();
    for (Label label : Label.values()) {
      byLabel.put(name(label), 0);
      linked.put(name(label), 0);
    }
    Map<String, Integer> byProvider = new TreeMap<>();
    int abstained = 0;
    for (Row row : rows) {
      byLabel.merge(name(row.label()), 1, Integer::sum);
      Optional<Verdict> v = judge.apply(row.pair());
      if (v.isEmpty()) {
        abstained++;
      } else if (v.get().complementary()) {
        linked.merge(name(row.label()), 1, Integer::sum);
        byProvider.merge(v.get().provider(), 1, Integer::sum);
      }
    }
    int allLinked = linked.values().stream().mapToInt(Integer::intValue).sum();
    return new Score(rows.size(), byLabel, linked, abstained, byProvider,
        ratio(linked.get("complementary"), allLinked), ratio(linked.get("complementary"), byLabel.get("complementary")),
        ratio(linked.get("substitute"), byLabel.get("substitute")),
        ratio(linked.get("unrelated"), byLabel.get("unrelated")));
  }

  private static String name(Label label) {
    return label.name().toLowerCase(Locale.ROOT);
  }

  private static double ratio(int a, int b) {
    return b == 0 ? 0.0 : (double) a / b;
  }
}
