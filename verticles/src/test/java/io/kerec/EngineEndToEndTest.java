package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop over real HTTP and WebSocket on embedded PostgreSQL and JanusGraph: items (one never bought)
 * and bills in, complementary graph judged from the bills, recommendations with their {@code because} path,
 * live pushes, bad input rejected without harm, and everything still there after a restart.
 */
@Tag("e2e")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineEndToEndTest {
  private Vertx vertx;
  private KerecConfig config;
  private Engine engine;
  private WebClient http;
  private JsonArray recommendationsBeforeRestart;

  @BeforeAll
  void start(@TempDir Path data) {
    vertx = Engine.newVertx();
    config = TestEngines.config(data);
    engine = TestEngines.start(vertx, config);
    http = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    if (engine != null) {
      await(engine.stop());
    }
    await(vertx.close());
  }

  private static final List<JsonObject> ITEMS = TeaShop.items();

  private HttpResponse<Buffer> post(String path, String body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private HttpResponse<Buffer> get(String path) {
    return await(http.get(engine.httpPort(), "127.0.0.1", path).send());
  }

  private JsonObject poll(String path, Predicate<JsonObject> until, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<Buffer> r = get(path);
      if (r.statusCode() == 200) {
        last = r.bodyAsJsonObject();
        if (until.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out polling " + path + ", last answer " + last);
  }

  private static List<String> complementNames(JsonObject body) {
    return body.getJsonArray("complements").stream().map(o -> ((JsonObject) o).getString("entity")).toList();
  }

  @Test
  @Order(1)
  void healthIsUpAndMetricsAreServed() {
    HttpResponse<Buffer> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(health.bodyAsJsonObject().getJsonObject("components").fieldNames())
        .containsExactlyInAnyOrder("ingest", "graph", "judge", "rank");
    HttpResponse<Buffer> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.bodyAsString()).contains("vertx_http_server");
    assertThat(get("/bench/noop").statusCode()).as("bench endpoints are off unless configured").isEqualTo(404);
  }

  @Test
  @Order(2)
  void recommendsComplementsIncludingANeverBoughtItemAndPushesLive() throws Exception {
    HttpResponse<Buffer> items = post("/v1/items", new JsonArray(ITEMS).encode());
    assertThat(items.statusCode()).isEqualTo(202);
    assertThat(items.bodyAsJsonObject().getInteger("accepted")).isEqualTo(ITEMS.size());
    assertThat(get("/v1/items/S3").bodyAsJsonObject().getJsonArray("entities").getList()).contains("saucer");
    assertThat(get("/v1/items/T1").bodyAsJsonObject().getJsonArray("entities").getList()).contains("teacup");

    HttpResponse<Buffer> bills = post("/v1/events", TeaShop.bills().encode());
    assertThat(bills.statusCode()).isEqualTo(202);

    JsonObject teacup = poll("/v1/entities/teacup/complements", b -> complementNames(b).contains("saucer"), 30_000);
    assertThat(complementNames(teacup)).doesNotContain("teacup", "bag", "jumbo bag");
    JsonObject stand = poll("/v1/entities/cake%20stand/complements",
        b -> complementNames(b).contains("cake case"), 30_000);
    assertThat(complementNames(stand)).doesNotContain("saucer");

    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    ClientWebSocket socket = vertx.createWebSocketClient().webSocket();
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    await(socket.connect(engine.httpPort(), "127.0.0.1", "/v1/live?userId=alice"));
    waitFor(() -> frames.size() >= 1, 5_000);
    assertThat(frames.get(0).getString("type")).isEqualTo("recommendations");
    assertThat(frames.get(0).getBoolean("fallback")).isTrue();

    long posted = System.currentTimeMillis();
    assertThat(post("/v1/events", new JsonArray().add(TeaShop.purchase("alice-1", "alice", "T1", "alice-b1",
        Instant.parse("2011-02-01T09:00:00Z"))).encode()).statusCode()).isEqualTo(202);

    JsonObject recs = poll("/v1/users/alice/recommendations?k=5",
        b -> ids(b).containsAll(List.of("S1", "S2", "S3")), 5_000);
    assertThat(System.currentTimeMillis() - posted).isLessThan(5_000);
    assertThat(recs.getBoolean("fallback")).isFalse();
    assertThat(ids(recs)).as("never what was bought, nor its substitutes").doesNotContain("T1", "T2", "T3");
    JsonObject s3 = recs.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("itemId").equals("S3")).findFirst().orElseThrow();
    assertThat(s3.getString("title")).isEqualTo("PINK VINTAGE SAUCER");
    JsonObject because = s3.getJsonObject("because");
    assertThat(because.getString("triggerItemId")).isEqualTo("T1");
    assertThat(because.getString("triggerEntity")).isEqualTo("teacup");
    assertThat(because.getString("entity")).isEqualTo("saucer");
    assertThat(because.getDouble("edgeWeight")).isPositive();
    assertThat(ids(recs).subList(0, 2)).as("the saucers bought with teacups lead").containsExactlyInAnyOrder("S1", "S2");
    assertThat(ids(recs).get(4)).as("the never-sold saucer takes the fresh slot").isEqualTo("S3");

    waitFor(() -> frames.stream().anyMatch(f -> !f.getBoolean("fallback") && ids(f).contains("S3")), 5_000);
    socket.close();
    recommendationsBeforeRestart = recs.getJsonArray("items");
  }

  @Test
  @Order(3)
  void unknownUserGetsPopularityFallback() {
    JsonObject body = get("/v1/users/nobody/recommendations?k=3").bodyAsJsonObject();
    assertThat(body.getBoolean("fallback")).isTrue();
    assertThat(ids(body)).hasSize(3).startsWith("B1");
  }

  @Test
  @Order(4)
  void badInputIsRejectedWithTheFieldNamedAndChangesNothing() {
    JsonObject before = counts();
    assertError(post("/v1/items", "[{\"id\":\"X\",\"title\":"), 400, "body");
    assertError(post("/v1/items", "{\"id\":\"X\"}"), 400, "body");
    assertError(post("/v1/items", "[{\"id\":\"X\",\"title\":42}]"), 400, "[0].title");
    assertError(post("/v1/items", "[{\"id\":\"X\",\"title\":\"ok\"},{\"title\":\"no id\"}]"), 400, "[1].id");
    assertError(post("/v1/items", "[{\"id\":\"X\",\"title\":\"ok\",\"price\":\"cheap\"}]"), 400, "[0].price");
    assertError(post("/v1/items", "[{\"id\":\"X\",\"title\":\"ok\",\"listedAt\":\"last week\"}]"), 400,
        "[0].listedAt");
    assertError(post("/v1/events", "[{\"type\":\"purchase\",\"userId\":\"bob\"}]"), 400, "[0].itemId");
    assertError(post("/v1/events", "[{\"type\":\"refund\",\"userId\":\"bob\",\"itemId\":\"T1\"}]"), 400,
        "[0].type");
    assertError(post("/v1/events", "[{\"type\":\"purchase\",\"userId\":7,\"itemId\":\"T1\"}]"), 400,
        "[0].userId");
    assertError(post("/v1/events", "[{\"type\":\"purchase\",\"userId\":\"bob\",\"itemId\":\"T1\",\"ts\":\"yesterday\"}]"),
        400, "[0].ts");
    assertError(post("/v1/events", "[{\"id\":\"ok-1\",\"type\":\"purchase\",\"userId\":\"bob\",\"itemId\":\"T1\"},"
        + "{\"type\":\"purchase\",\"userId\":\"bob\",\"itemId\":\"NOPE\"}]"), 400, "[1].itemId");
    String huge = "[{\"id\":\"X\",\"title\":\"" + "A".repeat(70 * 1024) + "\"}]";
    assertError(post("/v1/items", huge), 413, "body");
    assertError(get("/v1/users/alice/recommendations?k=zero"), 400, "k");
    assertThat(get("/v1/items/NOPE").statusCode()).isEqualTo(404);
    assertThat(get("/v1/items/NOPE").bodyAsJsonObject().getString("error")).contains("NOPE");

    assertThat(counts()).isEqualTo(before);
    assertThat(get("/v1/items/T1").bodyAsJsonObject().getString("title")).isEqualTo("ROSES REGENCY TEACUP");
    HttpResponse<Buffer> duplicate = post("/v1/events", new JsonArray().add(TeaShop.purchase("alice-1", "alice", "T1",
        "alice-b1", Instant.parse("2011-02-01T09:00:00Z"))).encode());
    assertThat(duplicate.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(1);
    assertThat(counts()).isEqualTo(before);
  }

  private JsonObject counts() {
    JsonObject graph = get("/health").bodyAsJsonObject().getJsonObject("components").getJsonObject("graph")
        .getJsonObject("details");
    return new JsonObject().put("items", graph.getValue("items")).put("purchases", graph.getValue("purchases"))
        .put("complements", graph.getValue("complements"));
  }

  @Test
  @Order(5)
  void everythingSurvivesARestart() throws Exception {
    Instant created = Instant.parse(get("/v1/items/T1").bodyAsJsonObject().getString("listedAt"));
    assertThat(created).as("listed when first accepted").isAfter(Instant.now().minusSeconds(3600));
    JsonObject teacup = TeaShop.items().get(0);
    assertThat(post("/v1/items", new JsonArray().add(teacup.copy().put("listedAt", "2011-01-02T08:00:00Z")).encode())
        .statusCode()).isEqualTo(202);
    assertThat(post("/v1/items", new JsonArray().add(teacup).encode()).statusCode()).isEqualTo(202);
    assertThat(get("/v1/items/T1").bodyAsJsonObject().getString("listedAt")).as("stated once, kept when not restated")
        .isEqualTo("2011-01-02T08:00:00Z");
    JsonObject before = counts();
    JsonObject complementsBefore = get("/v1/entities/teacup/complements").bodyAsJsonObject();
    await(engine.stop());
    engine = TestEngines.start(vertx, config);
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(counts()).isEqualTo(before);
    assertThat(get("/v1/items/S3").bodyAsJsonObject().getString("title")).isEqualTo("PINK VINTAGE SAUCER");
    assertThat(get("/v1/items/T1").bodyAsJsonObject().getString("listedAt")).isEqualTo("2011-01-02T08:00:00Z");
    assertThat(get("/v1/entities/teacup/complements").bodyAsJsonObject()).isEqualTo(complementsBefore);
    JsonObject recs = get("/v1/users/alice/recommendations?k=5").bodyAsJsonObject();
    assertThat(recs.getJsonArray("items")).isEqualTo(recommendationsBeforeRestart);
    JsonObject judge = get("/health").bodyAsJsonObject().getJsonObject("components").getJsonObject("judge")
        .getJsonObject("details");
    assertThat(judge.getLong("pairsJudged")).isPositive();
  }

  @Test
  @Order(6)
  void trainingOnRequestReportsEachEpoch() {
    HttpResponse<Buffer> response = await(http.post(engine.httpPort(), "127.0.0.1", "/v1/rank/train")
        .timeout(600_000).send());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    if (body.getBoolean("trained")) {
      assertThat(body.getJsonArray("trainingEpochs")).hasSize(config.rank().epochs());
      assertThat(body.getString("model")).startsWith("eei-");
      assertThat(body.getDouble("heldOutAuc")).isBetween(0.0, 1.0);
    } else {
      assertThat(body.getString("lastTraining")).startsWith("skipped");
    }
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).isNotBlank();
    assertThat(body.getString("field")).isEqualTo(field);
  }

  private static List<String> ids(JsonObject recommendations) {
    return recommendations.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("itemId")).toList();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within " + timeoutMs + " ms");
      }
      Thread.sleep(50);
    }
  }
}
