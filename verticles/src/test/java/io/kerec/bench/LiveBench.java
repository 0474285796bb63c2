package io.kerec.bench;

import io.kerec.config.PostgresOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kerec bench live}: 1,000 WebSockets on {@code /v1/live}, each subscribed to a distinct user of the loaded
 * bills, opened by {@link LoadGenerator} in its own JVM; then single purchases for those users through
 * {@code POST /v1/events}, each timed from the POST to the user's next recommendations frame. 1,000 untimed with 8 in
 * flight warm the JIT (the load generator itself runs C1 only, so its compiler leaves the cores to the engine's).
 * Then 1,500 started at a fixed 50 a second (open loop, each timed from when it was due: the headline latency at a
 * stated load), then 2,000 with 8 in flight (closed loop: how many the engine can take, and the latency there). Writes
 * {@code bench-live.json}, {@code bench-live.md} and the {@code live} key of {@code bench.json}.
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class LiveBench {
  private static final int SOCKETS = Integer.getInteger("kerec.bench.live.sockets", 1_000);
  private static final int POSTS = Integer.getInteger("kerec.bench.live.posts", 2_000);
  private static final int IN_FLIGHT = 8;
  private static final double RATE = Double.parseDouble(System.getProperty("kerec.bench.live.rate", "50"));
  private static final int PACED_POSTS = Integer.getInteger("kerec.bench.live.pacedPosts", 1_500);
  /**
   * Untimed purchases first, as JMH's warm-up iterations: the engine's JIT compiles the ingest, live-push and
   * WebSocket paths, which took most of a core of the two for the first 20 s after the first purchase.
   */
  private static final int WARM_POSTS = Integer.getInteger("kerec.bench.live.warmPosts", 1_000);
  /**
   * The generator's JIT kept to C1: at 50 purchases a second it needs no optimised code, and C2 compiling its
   * client stack took up to half a core of the two during the timed phase.
   */
  private static final List<String> LIGHT_GENERATOR = List.of("-XX:TieredStopAtLevel=1");

  @TempDir
  Path work;

  @Test
  void measure() throws Exception {
    Path out = BenchReport.out();
    String when = BenchReport.now();
    // the same load with PostgreSQL durable (the default) and relaxed (fsync and synchronous commit off)
    JsonObject strict = run(PostgresOptions.STRICT);
    JsonObject relaxed = run(PostgresOptions.RELAXED);
    Map<String, Object> live = figures(strict);
    live.put("durability", PostgresOptions.STRICT);
    live.put("relaxed", figures(relaxed));
    live.put("measured", when);
    BenchReport.put(out, "live", live);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "# Live benchmark%n%nMeasured %s. %,d "
            + "WebSockets open on `/v1/live`, each subscribed to a distinct user (opened and first frame received in "
            + "%s s). Single purchases posted to `POST /v1/events` for those users, each timed from the POST to the "
            + "user's fresh recommendations frame (validation, the PostgreSQL write, the graph update, recall and "
            + "rank for the user, the frame); none lost. Before them %,d untimed purchases with 8 in flight warmed "
            + "the JIT (%s s). Load generator in its own JVM (C1 only) on loopback, 2 shared cores. The same run "
            + "twice, one engine after the other: PostgreSQL `strict` (fsync and synchronous commit on, the "
            + "default) and `relaxed` (both off).%n%n"
            + "| PostgreSQL | load | purchases timed | purchases/s | frame p50 | frame p99 | frame p99.9 | 202 p50 "
            + "| 202 p99 |%n|---|---|---:|---:|---:|---:|---:|---:|---:|%n",
        when, SOCKETS, strict.getDouble("connect_s"), strict.getInteger("warm_posts"), strict.getDouble("warm_s")));
    for (String durability : List.of(PostgresOptions.STRICT, PostgresOptions.RELAXED)) {
      JsonObject r = durability.equals(PostgresOptions.STRICT) ? strict : relaxed;
      JsonObject paced = r.getJsonObject("paced");
      JsonObject saturated = r.getJsonObject("saturated");
      md.append(String.format(Locale.ROOT, "| %s | %s a second, open loop (timed from when due) | %,d | %,d | **%s** "
              + "| **%s** | %s | %s | %s |%n| %s | %d in flight, closed loop (saturation) | %,d | %,d | %s | %s | %s "
              + "| %s | %s |%n",
          durability, fmt(RATE), paced.getLong("posts"), paced.getLong("posts_per_s"), paced.getDouble("p50_ms"),
          paced.getDouble("p99_ms"), paced.getDouble("p999_ms"), paced.getDouble("ack_p50_ms"),
          paced.getDouble("ack_p99_ms"),
          durability, IN_FLIGHT, saturated.getLong("posts"), saturated.getLong("posts_per_s"),
          saturated.getDouble("p50_ms"), saturated.getDouble("p99_ms"), saturated.getDouble("p999_ms"),
          saturated.getDouble("ack_p50_ms"), saturated.getDouble("ack_p99_ms")));
    }
    md.append(String.format("%nLatencies in ms.%n"));
    Files.writeString(out.resolve("bench-live.md"), md.toString());
    System.out.println("live bench: " + live);
  }

  /** One engine with the given PostgreSQL durability, loaded, then the load generator's phases against it. */
  private JsonObject run(String durability) throws Exception {
    Path dir = work.resolve(durability);
    try (BenchEngine rig = BenchEngine.start(dir.resolve("engine"), durability)) {
      List<String> users = rig.users();
      if (users.size() < SOCKETS) {
        throw new AssertionError(SOCKETS + " sockets need as many users, the bills have " + users.size());
      }
      Path usersFile = dir.resolve("users.txt");
      Files.write(usersFile, users.subList(0, SOCKETS));
      Path itemsFile = dir.resolve("items.txt");
      Files.write(itemsFile, rig.soldItems());
      JsonObject r = BenchReport.loadGenerator(dir, 600, LIGHT_GENERATOR, "live", String.valueOf(rig.port()),
          usersFile.toString(), itemsFile.toString(), String.valueOf(SOCKETS), String.valueOf(POSTS),
          String.valueOf(IN_FLIGHT), String.valueOf(RATE), String.valueOf(PACED_POSTS), String.valueOf(WARM_POSTS));
      for (JsonObject phase : List.of(r.getJsonObject("paced"), r.getJsonObject("saturated"))) {
        if (phase.getInteger("failures") > 0 || phase.getInteger("lost") > 0) {
          throw new AssertionError("live bench lost frames or requests: " + r.encode());
        }
      }
      if (r.getInteger("sockets") != SOCKETS) {
        throw new AssertionError("live bench opened " + r.getInteger("sockets") + " sockets: " + r.encode());
      }
      r.put("engine", new JsonObject(new LinkedHashMap<>(rig.facts)));
      System.out.println("live bench (" + durability + "): " + r.encode());
      return r;
    }
  }

  private static Map<String, Object> figures(JsonObject r) {
    JsonObject paced = r.getJsonObject("paced");
    JsonObject saturated = r.getJsonObject("saturated");
    Map<String, Object> live = new LinkedHashMap<>();
    live.put("p50_ms", paced.getDouble("p50_ms"));
    live.put("p99_ms", paced.getDouble("p99_ms"));
    live.put("sockets", r.getInteger("sockets"));
    live.put("p999_ms", paced.getDouble("p999_ms"));
    live.put("max_ms", paced.getDouble("max_ms"));
    live.put("rate_per_s", RATE);
    live.put("purchases_timed", paced.getLong("posts"));
    live.put("post_ack_p50_ms", paced.getDouble("ack_p50_ms"));
    live.put("post_ack_p99_ms", paced.getDouble("ack_p99_ms"));
    Map<String, Object> sat = new LinkedHashMap<>();
    sat.put("in_flight", IN_FLIGHT);
    sat.put("purchases_per_s", saturated.getLong("posts_per_s"));
    sat.put("purchases_timed", saturated.getLong("posts"));
    sat.put("p50_ms", saturated.getDouble("p50_ms"));
    sat.put("p99_ms", saturated.getDouble("p99_ms"));
    sat.put("post_ack_p50_ms", saturated.getDouble("ack_p50_ms"));
    sat.put("post_ack_p99_ms", saturated.getDouble("ack_p99_ms"));
    live.put("saturated", sat);
    live.put("connect_s", r.getDouble("connect_s"));
    live.put("warmup_purchases", r.getInteger("warm_posts"));
    live.put("warmup_s", r.getDouble("warm_s"));
    live.put("engine", r.getJsonObject("engine").getMap());
    return live;
  }

  private static String fmt(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
