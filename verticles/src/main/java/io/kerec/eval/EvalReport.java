package io.kerec.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The results of one protocol run: per method, the {@link MethodMetrics} at each cutoff k; written as
 * {@value #JSON}, {@value #MARKDOWN} and two PNG charts ({@value #HR_CHART}, {@value #COLD_CHART}).
 *
 * <h2>{@value #JSON}</h2>
 * <pre>{@code
 * {"protocol":"period","train":"...","test":"...","users":1308,"cold_users":769,"ks":[10,20],
 *  "methods":{"cooccurrence":{"cold_hr@10":0.0,"cold_recall@10":0.0,"cold_users":769,"coverage@10":0.37,
 *                             "hr@10":0.42,"ndcg@10":0.09,"recall@10":0.087,"seconds":1.2,"users":1308,
 *                             "warm_hr@10":0.42,"warm_recall@10":0.089,"warm_users":1301, ...same for k=20},
 *             "kerec":{...}}}
 * }</pre>
 * The top-level keys come in the order shown; {@code methods} and each method's metrics are sorted by key.
 * Every method has the same keys: {@code hr@k, recall@k, ndcg@k, coverage@k, cold_hr@k, cold_recall@k,
 * warm_hr@k, warm_recall@k} for each k, and {@code users, cold_users, warm_users, seconds} (taken from the
 * smallest k; {@code null} where a method has no result for a k). Rates are rounded to 6 decimals, seconds
 * to 3. {@code users} and {@code cold_users} at the top are the run's case counts.
 *
 * <h2>{@value #MARKDOWN}</h2>
 * A header (protocol, train and test descriptions, users, cold users) and one table per k: method, HR,
 * Recall, NDCG, coverage, cold HR, cold Recall, seconds, with 4 decimals.
 *
 * <h2>Charts</h2>
 * {@value #HR_CHART}: grouped bars of HR@k and NDCG@k by method; {@value #COLD_CHART}: warm HR@k (cases with
 * a target that sold in training, warm targets only) against cold HR@k by method. They render headless.
 *
 * <p>Methods are listed by name everywhere, so the output depends only on the results, not on the order
 * they were added in. Not thread-safe.
 */
public final class EvalReport {
  /** File names written by {@link #write(Path)}. */
  public static final String JSON = "report.json";
  public static final String MARKDOWN = "report.md";
  public static final String HR_CHART = "hr.png";
  public static final String COLD_CHART = "cold.png";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final EvalProtocol protocol;
  private final String train;
  private final String test;
  private final int users;
  private final int coldUsers;
  private final List<Integer> ks;
  private final Map<String, Map<Integer, MethodMetrics>> methods = new TreeMap<>();
  private final Map<String, Object> engine = new java.util.LinkedHashMap<>();

  /**
   * @param protocol  the protocol the cases were built with
   * @param train     what the methods were trained on, e.g. {@code transactions.csv.gz < 2011-09-01T00:00:00Z}
   * @param test      what they were tested on
   * @param users     number of cases (users for period, invoices for basket)
   * @param coldUsers cases with at least one cold target
   * @param ks        the cutoffs to report, at least one; reported in ascending order
   */
  public EvalReport(EvalProtocol protocol, String train, String test, int users, int coldUsers, List<Integer> ks) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.train = Objects.requireNonNull(train, "train");
    this.test = Objects.requireNonNull(test, "test");
    this.users = users;
    this.coldUsers = coldUsers;
    TreeSet<Integer> sorted = new TreeSet<>(ks);
    if (sorted.isEmpty() || sorted.first() < 1) {
      throw new IllegalArgumentException("cutoffs must be at least 1 and not empty: " + ks);
    }
    this.ks = List.copyOf(sorted);
  }

  /** A report whose user counts are those of {@code cases}. */
  public static EvalReport of(EvalProtocol protocol, String train, String test, List<EvalCase> cases,
      List<Integer> ks) {
    int cold = 0;
    for (EvalCase c : cases) {
      if (c.hasColdTarget()) {
        cold++;
      }
    }
    return new EvalReport(protocol, train, test, cases.size(), cold, ks);
  }

  /**
   * Adds (or replaces) the result of one method at one k.
   *
   * @throws IllegalArgumentException when {@code m.k()} is not one of the report's cutoffs
   */
  public EvalReport add(MethodMetrics m) {
    if (!ks.contains(m.k())) {
      throw new IllegalArgumentException("k=" + m.k() + " of " + m.method() + " is not among the cutoffs " + ks);
    }
    methods.computeIfAbsent(m.method(), x -> new TreeMap<>()).put(m.k(), m);
    return this;
  }

  /** Adds each result. */
  public EvalReport addAll(Collection<MethodMetrics> ms) {
    ms.forEach(this::add);
    return this;
  }

  public EvalProtocol protocol() {
    return protocol;
  }

  public int users() {
    return users;
  }

  public int coldUsers() {
    return coldUsers;
  }

  /** The cutoffs, ascending. */
  public List<Integer> ks() {
    return ks;
  }

  /** Facts about the engine's run (verdicts, training samples, model, timings), reported under "engine". */
  public EvalReport engineFacts(Map<String, Object> facts) {
    engine.putAll(facts);
    return this;
  }

  /** Method names, sorted. */
  public List<String> methods() {
    return List.copyOf(methods.keySet());
  }

  /** The result of a method at k, if added. */
  public Optional<MethodMetrics> get(String method, int k) {
    return Optional.ofNullable(methods.getOrDefault(method, Map.of()).get(k));
  }

  /** The JSON document of {@value #JSON}. */
  public ObjectNode toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("protocol", protocol.id());
    root.put("train", train);
    root.put("test", test);
    root.put("users", users);
    root.put("cold_users", coldUsers);
    ArrayNode kn = root.putArray("ks");
    ks.forEach(kn::add);
    ObjectNode ms = root.putObject("methods");
    for (Map.Entry<String, Map<Integer, MethodMetrics>> e : methods.entrySet()) {
      Map<String, Object> values = new TreeMap<>();
      MethodMetrics first = null;
      for (int k : ks) {
        MethodMetrics m = e.getValue().get(k);
        if (first == null) {
          first = m;
        }
        values.put("hr@" + k, m == null ? null : round(m.hr(), 6));
        values.put("recall@" + k, m == null ? null : round(m.recall(), 6));
        values.put("ndcg@" + k, m == null ? null : round(m.ndcg(), 6));
        values.put("coverage@" + k, m == null ? null : round(m.coverage(), 6));
        values.put("cold_hr@" + k, m == null ? null : round(m.coldHr(), 6));
        values.put("cold_recall@" + k, m == null ? null : round(m.coldRecall(), 6));
        values.put("warm_hr@" + k, m == null ? null : round(m.warmHr(), 6));
        values.put("warm_recall@" + k, m == null ? null : round(m.warmRecall(), 6));
      }
      if (first == null) { // results only at larger ks
        first = e.getValue().values().iterator().next();
      }
      values.put("users", first.users());
      values.put("cold_users", first.coldUsers());
      values.put("warm_users", first.warmUsers());
      values.put("seconds", round(first.seconds(), 3));
      ms.set(e.getKey(), MAPPER.valueToTree(values));
    }
    if (!engine.isEmpty()) {
      root.set("engine", MAPPER.valueToTree(engine));
    }
    return root;
  }

  /** {@code v} rounded half-up to {@code decimals} places, as a double (so 0 is written {@code 0.0}). */
  private static double round(double v, int decimals) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("not a finite number: " + v);
    }
    return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }

  /** The text of {@value #JSON} (indented, ends with a newline). */
  public String json() {
    try {
      return MAPPER.writeValueAsString(toJson()) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of {@value #MARKDOWN}. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Offline evaluation: ").append(protocol.id()).append(" protocol\n\n");
    sb.append("- train: ").append(train).append('\n');
    sb.append("- test: ").append(test).append('\n');
    sb.append("- ").append(protocol == EvalProtocol.PERIOD ? "users" : "cases (invoices)").append(": ")
        .append(users).append('\n');
    sb.append("- cold ").append(protocol == EvalProtocol.PERIOD ? "users" : "cases")
        .append(" (at least one target never sold in training): ").append(coldUsers).append('\n');
    for (int k : ks) {
      sb.append("\n## k = ").append(k).append("\n\n");
      sb.append("| method | HR@").append(k).append(" | Recall@").append(k).append(" | NDCG@").append(k)
          .append(" | coverage@").append(k).append(" | cold HR@").append(k).append(" | cold Recall@").append(k)
          .append(" | seconds |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<String, Map<Integer, MethodMetrics>> e : methods.entrySet()) {
        MethodMetrics m = e.getValue().get(k);
        sb.append("| ").append(e.getKey().replace("|", "\\|"));
        if (m == null) {
          sb.append(" | - | - | - | - | - | - | - |\n");
          continue;
        }
        for (double v : new double[] {m.hr(), m.recall(), m.ndcg(), m.coverage(), m.coldHr(), m.coldRecall(),
            m.seconds()}) {
          sb.append(" | ").append(String.format(Locale.ROOT, "%.4f", v));
        }
        sb.append(" |\n");
      }
    }
    if (!engine.isEmpty()) {
      sb.append("\n## Engine run\n\n");
      engine.forEach((key, value) -> sb.append("- ").append(key).append(": ").append(value).append('\n'));
    }
    return sb.toString();
  }

  /**
   * Writes {@value #JSON}, {@value #MARKDOWN}, {@value #HR_CHART} and {@value #COLD_CHART} into {@code dir}
   * (created if missing), replacing files of those names.
   *
   * @return the paths written, in that order
   */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    out.add(Files.writeString(dir.resolve(JSON), json(), StandardCharsets.UTF_8));
    out.add(Files.writeString(dir.resolve(MARKDOWN), markdown(), StandardCharsets.UTF_8));
    out.addAll(EvalCharts.write(this, methods, dir.resolve(HR_CHART), dir.resolve(COLD_CHART)));
    return out;
  }
}
