package io.kerec;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.cli.ImportCommand;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two engines, each fed the same bills file by {@code kerec import} (four requests in flight, so events arrive in
 * different orders), give identical complements, with provider, model and reason, once {@code /health} says their
 * judge is idle. The evidence rule judges once the bills have settled, so no pair is decided on part of an import.
 */
@Tag("e2e")
class JudgeDeterminismTest {
  private static final String[][] SHOP = {
      {"T", "REGENCY TEACUP"}, {"S", "REGENCY SAUCER"}, {"C", "SWEETHEART CAKESTAND 3 TIER"},
      {"K", "PACK OF 72 RETROSPOT CAKE CASES"}, {"H", "WHITE HANGING HEART T-LIGHT HOLDER"},
      {"L", "PACK OF 12 T-LIGHTS"}, {"B", "JUMBO BAG RED RETROSPOT"}, {"D", "DOORMAT FAIRY CAKE"},
      {"W", "HOT WATER BOTTLE KEEP CALM"}, {"P", "RED RETROSPOT TEAPOT"}, {"Q", "TEA COSY BLUE STRIPE"}};

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void twoImportsOfOneFileGiveTheSameComplementsOnceTheJudgeIsIdle() throws Exception {
    Path bills = dir.resolve("bills.csv");
    Files.writeString(bills, bills());
    Map<String, Object> first = importAndRead(dir.resolve("a"), bills);
    Map<String, Object> second = importAndRead(dir.resolve("b"), bills);
    assertThat(first).isEqualTo(second);
    JsonArray teacup = (JsonArray) first.get("teacup");
    assertThat(teacup).isNotEmpty();
    JsonObject saucer = teacup.stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("entity").equals("saucer")).findFirst().orElseThrow();
    assertThat(saucer.getString("source")).isEqualTo("knowledge");
    assertThat(saucer.getString("reason")).isEqualTo("shop knowledge: a teacup stands on a saucer");
    assertThat(saucer.getString("model")).startsWith("complements.json@");
    // the bag is in every bill, so bought with everything and complementary to nothing
    first.values().forEach(cs -> assertThat(((JsonArray) cs).stream().map(JsonObject.class::cast)
        .map(c -> c.getString("entity"))).doesNotContain("jumbo bag"));
  }

  /** 600 bills of 2–5 lines: tea things together, cake things together, lights together, a bag in each. */
  private static String bills() {
    Random random = new Random(18);
    StringBuilder csv = new StringBuilder("user_id,item_id,basket_id,ts,title\n");
    Instant ts = Instant.parse("2011-03-01T09:00:00Z");
    String[][] groups = {{"T", "S", "P", "Q"}, {"C", "K"}, {"H", "L"}, {"D", "W"}};
    for (int b = 0; b < 600; b++) {
      String[] group = groups[random.nextInt(groups.length)];
      List<String> lines = new ArrayList<>(List.of("B"));
      for (String item : group) {
        if (random.nextDouble() < 0.7) {
          lines.add(item);
        }
      }
      if (random.nextDouble() < 0.2) {
        lines.add(SHOP[random.nextInt(SHOP.length)][0]);
      }
      for (String item : lines.stream().distinct().toList()) {
        csv.append("u").append(b % 97).append(',').append(item).append(",bill").append(b).append(',')
            .append(ts.plusSeconds(600L * b)).append(',').append(title(item)).append('\n');
      }
    }
    return csv.toString();
  }

  private static String title(String id) {
    for (String[] item : SHOP) {
      if (item[0].equals(id)) {
        return item[1];
      }
    }
    throw new IllegalArgumentException(id);
  }

  private Map<String, Object> importAndRead(Path data, Path bills) throws Exception {
    Vertx vertx = Vertx.vertx();
    var overrides = TestEngines.overrides(data);
    overrides.with("judge").put("intervalMs", 1_000)
        .put("knowledge", Path.of("..", "conf", "complements.json").toAbsolutePath().toString());
    overrides.with("http").put("maxBodyBytes", 1024 * 1024);
    Engine engine = TestEngines.start(vertx, io.kerec.config.ConfigLoader.load(null, Map.of(), overrides));
    try {
      String base = "http://127.0.0.1:" + engine.httpPort();
      StringWriter err = new StringWriter();
      int code = new CommandLine(new ImportCommand()).setOut(new PrintWriter(new StringWriter()))
          .setErr(new PrintWriter(err)).execute("--transactions", bills.toString(), "--url", base, "--batch", "100",
              "--no-progress");
      assertThat(code).as(err.toString()).isZero();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      JsonObject judge;
      do {
        Thread.sleep(300);
        judge = get(base + "/health").getJsonObject("components").getJsonObject("judge").getJsonObject("details");
      } while (!(judge.getBoolean("idle", false) && judge.getLong("runs", 0L) > 0) && System.nanoTime() < deadline);
      assertThat(judge.getBoolean("idle")).as("judge idle within 90 s: %s", judge).isTrue();
      Map<String, Object> complements = new TreeMap<>();
      for (String entity : List.of("teacup", "saucer", "teapot", "tea cosy", "cake stand", "cake case",
          "t-light holder", "t-light", "jumbo bag", "doormat", "hot water bottle")) {
        JsonObject body = get(base + "/v1/entities/" + entity.replace(" ", "%20") + "/complements?k=50");
        complements.put(entity, body.getJsonArray("complements"));
      }
      return complements;
    } finally {
      engine.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private JsonObject get(String url) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
