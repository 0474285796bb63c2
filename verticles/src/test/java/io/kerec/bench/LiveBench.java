package io.kerec.bench;

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
    try (BenchEngine rig = BenchEngine.start(work.resolve("engine"))) {
      List<String> users = rig.users();
      if (users.size() < SOCKETS) {
        throw new AssertionError(SOCKETS + " sockets need as many users, the bills have " + users.size());
      }
      Path usersFile = work.resolve("users.txt");
      Files.write(usersFile, users.subList(0, SOCKETS));
      Path itemsFile = work.resolve("items.txt");
      Files.write(itemsFile, rig.soldItems());
      JsonObject r = BenchReport.loadGenerator(work, 600, LIGHT_GENERATOR, "live", String.valueOf(rig.port()),
          usersFile.toString(), itemsFile.toString(), String.valueOf(SOCKETS), String.valueOf(POSTS),
          String.valueOf(IN_FLIGHT), String.valueOf(RATE), String.valueOf(PACED_POSTS), String.valueOf(WARM_POSTS));
      JsonObject paced = r.getJsonObject("paced");
      JsonObject saturated = r.getJsonObject("saturated");
      for (JsonObject phase : List.of(paced, saturated)) {
        if (phase.getInteger("failures") > 0 || phase.getInteger("lost") > 0) {
          throw new AssertionError("live bench lost frames or requests: " + r.encode());
        }
      }
      if (r.getInteger("sockets") != SOCKETS) {
        throw new AssertionError("live bench opened " + r.getInteger("sockets") + " sockets: " + r.encode());
      }
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
      live.put("measured", when);
      live.put("engine", rig.facts);
      BenchReport.put(out, "live", live);
      String md = String.format(Locale.ROOT, "# Live benchmark%n%nMeasured %s. %,d WebSockets open on `/v1/live`, "
              + "each subscribed to a distinct user (opened and first frame received in %s s). Single purchases "
              + "posted to `POST /v1/events` for those users, each timed from the POST to the user's fresh "
              + "recommendations frame (validation, the PostgreSQL write, the graph update, recall and rank for the "
              + "user, the frame); none lost. Before them %,d untimed purchases with 8 in flight warmed the JIT "
              + "(%s s). Load generator in its own JVM (C1 only) on loopback, 2 shared cores.%n%n"
              + "| load | purchases timed | purchases/s | frame p50 | frame p99 | frame p99.9 | 202 p50 | 202 p99 |%n"
              + "|---|---:|---:|---:|---:|---:|---:|---:|%n"
              + "| %s a second, open loop (timed from when due) | %,d | %,d | **%s** | **%s** | %s | %s | %s |%n"
              + "| %d in flight, closed loop (saturation) | %,d | %,d | %s | %s | %s | %s | %s |%n%n"
              + "Latencies in ms.%n",
          when, SOCKETS, r.getDouble("connect_s"), r.getInteger("warm_posts"), r.getDouble("warm_s"),
          fmt(RATE), paced.getLong("posts"), paced.getLong("posts_per_s"), paced.getDouble("p50_ms"),
          paced.getDouble("p99_ms"), paced.getDouble("p999_ms"), paced.getDouble("ack_p50_ms"),
          paced.getDouble("ack_p99_ms"),
          IN_FLIGHT, saturated.getLong("posts"), saturated.getLong("posts_per_s"), saturated.getDouble("p50_ms"),
          saturated.getDouble("p99_ms"), saturated.getDouble("p999_ms"), saturated.getDouble("ack_p50_ms"),
          saturated.getDouble("ack_p99_ms"));
      Files.writeString(out.resolve("bench-live.md"), md);
      System.out.println("live bench: " + live);
    }
  }

  private static String fmt(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
