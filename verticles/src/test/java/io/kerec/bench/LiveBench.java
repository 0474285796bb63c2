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
 * bills, opened by {@link LoadGenerator} in its own JVM; then 2,000 single purchases for those users through
 * {@code POST /v1/events}, 8 in flight, each timed from the POST to the user's next recommendations frame (after 100
 * untimed). Writes {@code bench-live.json}, {@code bench-live.md} and the {@code live} key of {@code bench.json}.
 */
@EnabledIfSystemProperty(named = "kerec.bench", matches = "true")
class LiveBench {
  private static final int SOCKETS = Integer.getInteger("kerec.bench.live.sockets", 1_000);
  private static final int POSTS = Integer.getInteger("kerec.bench.live.posts", 2_000);
  private static final int IN_FLIGHT = 8;

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
      JsonObject r = BenchReport.loadGenerator(work, 600, "live", String.valueOf(rig.port()), usersFile.toString(),
          itemsFile.toString(), String.valueOf(SOCKETS), String.valueOf(POSTS), String.valueOf(IN_FLIGHT));
      if (r.getInteger("sockets") != SOCKETS || r.getInteger("failures") > 0 || r.getInteger("lost") > 0) {
        throw new AssertionError("live bench lost frames or requests: " + r.encode());
      }
      Map<String, Object> live = new LinkedHashMap<>();
      live.put("p50_ms", r.getDouble("p50_ms"));
      live.put("p99_ms", r.getDouble("p99_ms"));
      live.put("sockets", r.getInteger("sockets"));
      live.put("p999_ms", r.getDouble("p999_ms"));
      live.put("max_ms", r.getDouble("max_ms"));
      live.put("post_ack_p50_ms", r.getDouble("ack_p50_ms"));
      live.put("post_ack_p99_ms", r.getDouble("ack_p99_ms"));
      live.put("purchases_timed", r.getLong("posts"));
      live.put("in_flight", IN_FLIGHT);
      live.put("purchases_per_s", r.getLong("posts_per_s"));
      live.put("connect_s", r.getDouble("connect_s"));
      live.put("measured", when);
      live.put("engine", rig.facts);
      BenchReport.put(out, "live", live);
      String md = String.format(Locale.ROOT, "# Live benchmark%n%nMeasured %s. %,d WebSockets open on `/v1/live`, "
              + "each subscribed to a distinct user (opened and first frame received in %s s); %,d single purchases "
              + "posted to `POST /v1/events` for those users, %d in flight (%,d purchases/s), each timed from the "
              + "POST to the user's fresh recommendations frame: p50 **%s ms**, p99 **%s ms**, p99.9 %s ms, "
              + "max %s ms; none lost. The path: validation, the PostgreSQL write, the graph update, then "
              + "recall and rank for the user and the frame. The POST's own 202 (validation, PostgreSQL write, "
              + "graph update) took p50 %s ms, p99 %s ms. Load generator in its own JVM on loopback, 2 shared "
              + "cores.%n%n", when, SOCKETS, r.getDouble("connect_s"), r.getLong("posts"), IN_FLIGHT,
          r.getLong("posts_per_s"), r.getDouble("p50_ms"), r.getDouble("p99_ms"), r.getDouble("p999_ms"),
          r.getDouble("max_ms"), r.getDouble("ack_p50_ms"), r.getDouble("ack_p99_ms"));
      Files.writeString(out.resolve("bench-live.md"), md);
      System.out.println("live bench: " + live);
    }
  }
}
