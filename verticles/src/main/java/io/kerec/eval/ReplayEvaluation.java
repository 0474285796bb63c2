package io.kerec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.bus.Attribution;
import io.kerec.bus.Because;
import io.kerec.bus.Event;
import io.kerec.bus.EventType;
import io.kerec.bus.Recommendation;
import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Purchase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code kerec eval --protocol replay}: the offline analogue of the paper's online A/B test. The test period is
 * replayed day by day through a real engine: each day, every user who buys that day is shown a top-k; shown
 * items that the user buys that day are hits. In the {@code feedback} arm the shown items go back through the
 * real event path as exposures, and the hits as clicks, each with the {@code because} of its recommendation; in
 * the {@code no-feedback} arm nothing goes back. Then the day's purchases are fed, and both arms judge and
 * retrain every {@code retrainDays} days, so the only difference between them is the feedback.
 */
public final class ReplayEvaluation {
  /** The arm that sends exposures and clicks back. */
  public static final String FEEDBACK = "feedback";
  /** The arm that sends nothing back. */
  public static final String NO_FEEDBACK = "no-feedback";

  private final List<Arm> armList;
  private final int k;
  private final int retrainDays;

  /**
   * One arm of the replay: its name, whether it sends exposures and clicks back, and its engine's configuration for
   * a data directory.
   */
  public record Arm(String name, boolean feedback, Function<Path, KerecConfig> config) {
  }

  /** One day of one arm. */
  public record Day(LocalDate date, int users, int hits, int exposures, int attributed) {
    double hitRate() {
      return users == 0 ? 0 : (double) hits / users;
    }
  }

  /**
   * @param config engine configuration for a data directory (timers off)
   * @param k recommendations shown per user and day
   * @param retrainDays judge and retrain every this many days
   */
  public ReplayEvaluation(Function<Path, KerecConfig> config, int k, int retrainDays) {
    this(config, k, retrainDays, List.of(FEEDBACK, NO_FEEDBACK));
  }

  /**
   * @param arms which arms to replay, in order: {@link #FEEDBACK}, {@link #NO_FEEDBACK} or both
   */
  public ReplayEvaluation(Function<Path, KerecConfig> config, int k, int retrainDays, List<String> arms) {
    this(feedbackArms(config, arms), k, retrainDays);
  }

  /**
   * @param arms the arms to replay, in order, each in its own engine
   */
  public ReplayEvaluation(List<Arm> arms, int k, int retrainDays) {
    if (arms.isEmpty()) {
      throw new IllegalArgumentException("no arm to replay");
    }
    this.armList = List.copyOf(arms);
    this.k = k;
    this.retrainDays = retrainDays;
  }

  /** The arms this replay runs, in order. */
  public List<Arm> arms() {
    return armList;
  }

  private static List<Arm> feedbackArms(Function<Path, KerecConfig> config, List<String> arms) {
    if (arms.isEmpty() || !List.of(FEEDBACK, NO_FEEDBACK).containsAll(arms)) {
      throw new IllegalArgumentException("arms must be feedback and/or no-feedback: " + arms);
    }
    return new java.util.LinkedHashSet<>(arms).stream().map(a -> new Arm(a, a.equals(FEEDBACK), config)).toList();
  }

  /**
   * The arms of an A/B experiment of the configuration, side by side: in each, every user is in that arm (its
   * overrides apply to all of them), and feedback goes back as it would live.
   *
   * @throws IllegalArgumentException when the configuration runs no experiment of that name
   */
  public static List<Arm> experimentArms(Function<Path, KerecConfig> config, String experiment) {
    KerecConfig probe = config.apply(Path.of("."));
    io.kerec.config.ExperimentOptions e = probe.experiments().stream().filter(x -> x.name().equals(experiment))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("the configuration runs no experiment named '"
            + experiment + "'"));
    return e.arms().stream().map(arm -> new Arm(arm.name(), true, dir -> {
      KerecConfig c = config.apply(dir);
      return c.withExperiments(List.of(e.only(arm.name())));
    })).toList();
  }

  /**
   * Replays the test period in both arms and writes {@code replay.json}, {@code replay.md} and {@code replay.png}.
   *
   * @param split train and test purchases
   * @param catalog the catalogue known up front
   * @param work folder for the two throw-away engines
   * @param out report folder
   * @return the written files
   */
  public List<Path> run(Dataset.Split split, List<CatalogItem> catalog, Path work, Path out) throws IOException {
    Map<String, List<Day>> arms = new LinkedHashMap<>();
    Map<String, Object> facts = new LinkedHashMap<>();
    for (Arm arm : armList) {
      long started = System.nanoTime();
      arms.put(arm.name(), replay(split, catalog, work.resolve(arm.name()), arm, facts));
      facts.put(arm.name() + "_seconds", (System.nanoTime() - started) / 1e9);
    }
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("protocol", "replay");
    json.put("k", k);
    json.put("retrainDays", retrainDays);
    Map<String, Object> summary = new LinkedHashMap<>();
    arms.forEach((arm, days) -> summary.put(arm, summary(days)));
    json.put("summary", summary);
    json.put("facts", facts);
    Map<String, Object> perDay = new LinkedHashMap<>();
    arms.forEach((arm, days) -> perDay.put(arm, days.stream().map(d -> Map.of("date", d.date().toString(),
        "users", d.users(), "hits", d.hits(), "hitRate", d.hitRate(), "exposures", d.exposures(),
        "attributed", d.attributed())).toList()));
    json.put("days", perDay);
    Path jsonFile = out.resolve("replay.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), json);
    written.add(jsonFile);
    Path md = out.resolve("replay.md");
    Files.writeString(md, markdown(arms, summary));
    written.add(md);
    Path png = out.resolve("replay.png");
    chart(arms, png);
    written.add(png);
    return written;
  }

  private List<Day> replay(Dataset.Split split, List<CatalogItem> catalog, Path dir, Arm replayed,
                           Map<String, Object> facts) {
    boolean feedback = replayed.feedback();
    String arm = replayed.name();
    TreeMap<LocalDate, List<Purchase>> byDay = new TreeMap<>();
    for (Purchase p : split.test().purchases()) {
      byDay.computeIfAbsent(LocalDate.ofInstant(p.ts(), ZoneOffset.UTC), d -> new ArrayList<>()).add(p);
    }
    List<Day> days = new ArrayList<>();
    try (EngineUnderTest engine = EngineUnderTest.start(replayed.config().apply(dir))) {
      engine.loadCatalog(catalog, EvalCases.listedAt(split, catalog));
      engine.feed(split.train().purchases(), n -> { });
      engine.judge();
      engine.train();
      int day = 0;
      for (Map.Entry<LocalDate, List<Purchase>> e : byDay.entrySet()) {
        Map<String, Set<String>> bought = new TreeMap<>();
        for (Purchase p : e.getValue()) {
          bought.computeIfAbsent(p.userId(), u -> new HashSet<>()).add(p.itemId());
        }
        Instant shownAt = e.getKey().atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Event> events = new ArrayList<>();
        int hits = 0;
        int exposures = 0;
        int attributed = 0;
        for (Map.Entry<String, Set<String>> user : bought.entrySet()) {
          List<Recommendation> recs = engine.recommendations(user.getKey(), k);
          boolean hit = false;
          for (Recommendation r : recs) {
            boolean clicked = user.getValue().contains(r.itemId());
            hit |= clicked;
            exposures++;
            Attribution because = attribution(r.because());
            attributed += because == null ? 0 : 1;
            if (feedback) {
              String id = "replay/" + e.getKey() + "/" + user.getKey() + "/" + r.itemId();
              events.add(new Event(id + "/exposure", EventType.EXPOSURE, user.getKey(), r.itemId(), shownAt, null,
                  because));
              if (clicked) {
                events.add(new Event(id + "/click", EventType.CLICK, user.getKey(), r.itemId(),
                    shownAt.plusSeconds(1), null, because));
              }
            }
          }
          hits += hit ? 1 : 0;
        }
        if (!events.isEmpty()) {
          engine.send(events);
          engine.flushFeedback();
        }
        engine.feed(e.getValue(), n -> { });
        days.add(new Day(e.getKey(), bought.size(), hits, exposures, attributed));
        System.err.printf(Locale.ROOT, "replay %s %s: %d users, HR@%d %.3f%n", arm, e.getKey(), bought.size(), k,
            days.get(days.size() - 1).hitRate());
        if (++day % retrainDays == 0) {
          engine.judge();
          engine.train();
        }
      }
      facts.put(arm + "_graph", engine.details("graph"));
      facts.put(arm + "_model", engine.details("rank").get("lastTraining"));
    }
    return days;
  }

  private static Attribution attribution(Because because) {
    if (because == null || because.triggerEntity() == null || because.entity() == null
        || because.triggerEntity().equals(because.entity())) {
      return null;
    }
    return new Attribution(because.triggerEntity(), because.entity());
  }

  private static Map<String, Object> summary(List<Day> days) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("days", days.size());
    s.put("hitRate", rate(days));
    int half = days.size() / 2;
    s.put("hitRateFirstHalf", rate(days.subList(0, half)));
    s.put("hitRateSecondHalf", rate(days.subList(half, days.size())));
    int lastWeeks = Math.min(days.size(), 12);
    s.put("hitRateLast12Days", rate(days.subList(days.size() - lastWeeks, days.size())));
    return s;
  }

  private static double rate(List<Day> days) {
    long users = days.stream().mapToLong(Day::users).sum();
    long hits = days.stream().mapToLong(Day::hits).sum();
    return users == 0 ? 0 : Math.round(10_000.0 * hits / users) / 10_000.0;
  }

  private String markdown(Map<String, List<Day>> arms, Map<String, Object> summary) {
    StringBuilder md = new StringBuilder("# Replay evaluation\n\n");
    md.append(String.format(Locale.ROOT, "Each test day, every buyer of that day is shown a top-%d; a hit is a shown "
        + "item bought that day (the user's HR@%d for the day). An arm with feedback sends the shown items back as "
        + "exposures and the hits as clicks, with their `because`; one without (`no-feedback`) sends nothing. Every "
        + "arm feeds the day's purchases and judges and retrains every %d days.%n%n", k, k, retrainDays));
    md.append("| arm | feedback |\n|---|---|\n");
    armList.forEach(a -> md.append("| ").append(a.name()).append(" | ").append(a.feedback() ? "yes" : "no")
        .append(" |\n"));
    md.append('\n');
    md.append("| arm | days | HR (all) | HR (first half) | HR (second half) | HR (last 12 days) |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    summary.forEach((arm, s) -> {
      Map<?, ?> m = (Map<?, ?>) s;
      md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.4f |%n", arm, m.get("days"),
          (double) m.get("hitRate"), (double) m.get("hitRateFirstHalf"), (double) m.get("hitRateSecondHalf"),
          (double) m.get("hitRateLast12Days")));
    });
    return md.toString();
  }

  private static void chart(Map<String, List<Day>> arms, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(450).title("Replay: cumulative hit rate by day")
        .xAxisTitle("test day").yAxisTitle("cumulative HR").build();
    arms.forEach((arm, days) -> {
      double[] x = new double[days.size()];
      double[] y = new double[days.size()];
      long users = 0;
      long hits = 0;
      for (int i = 0; i < days.size(); i++) {
        users += days.get(i).users();
        hits += days.get(i).hits();
        x[i] = i + 1;
        y[i] = users == 0 ? 0 : (double) hits / users;
      }
      if (x.length > 0) {
        chart.addSeries(arm, x, y);
      }
    });
    try (OutputStream outStream = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, outStream, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
