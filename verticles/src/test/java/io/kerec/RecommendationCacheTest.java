package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.Recommendation;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendations;
import io.kerec.config.ConfigLoader;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nearline recommendation cache on {@code GET /v1/users/{id}/recommendations}, on a real engine over HTTP: a
 * repeated request is answered from the cache (even after a global change, which the event bus's exact
 * {@code kerec.recommend} already shows); the change reaches the answer once it is {@code maxStalenessMs} old, and
 * from {@code refreshAfterMs} through a background refresh while the old answer is still served; a user's own purchase
 * changes their next answer at once, and the live push after it fills the cache; with {@code maxStalenessMs} 0 every
 * answer is exact. Global changes here are popularity shifts seen by users without history (popularity fallback).
 */
@Tag("e2e")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecommendationCacheTest {
  private static final long MAX_STALENESS_MS = 5_000;
  private static final long REFRESH_AFTER_MS = 2_000;

  private Vertx vertx;
  private Engine engine;
  private WebClient http;
  private int purchases;
  private int rounds;

  @BeforeAll
  void start(@TempDir Path data) {
    vertx = Engine.newVertx();
    ObjectNode o = TestEngines.overrides(data);
    o.putObject("cache").put("maxStalenessMs", MAX_STALENESS_MS).put("refreshAfterMs", REFRESH_AFTER_MS);
    engine = TestEngines.start(vertx, ConfigLoader.load(null, java.util.Map.of(), o));
    http = WebClient.create(vertx);
    load(engine);
  }

  @AfterAll
  void stop() {
    if (engine != null) {
      await(engine.stop());
    }
    await(vertx.close());
  }

  @Test
  void aRepeatedRequestIsAHitAndAGlobalChangeReachesItOnceMaxStalenessHasPassed() throws Exception {
    long asked = System.currentTimeMillis();
    HttpResponse<Buffer> first = get(engine, "nobody", 3);
    assertThat(first.getHeader("kerec-cache")).isEqualTo("miss");
    HttpResponse<Buffer> second = get(engine, "nobody", 3);
    assertThat(second.getHeader("kerec-cache")).isEqualTo("hit");
    assertThat(second.bodyAsString()).isEqualTo(first.bodyAsString());

    String top = overtake(engine);
    List<String> exact = exact(engine, "nobody", 3);
    assertThat(exact).as("kerec.recommend on the bus is never cached").startsWith(top);
    HttpResponse<Buffer> cached = get(engine, "nobody", 3);
    assertThat(cached.getHeader("kerec-cache")).isIn("hit", "stale");
    assertThat(cached.bodyAsString()).as("served from the cache, from before the change")
        .isEqualTo(first.bodyAsString());

    sleepUntil(asked + MAX_STALENESS_MS + 100);
    HttpResponse<Buffer> later = get(engine, "nobody", 3);
    assertThat(ids(later)).as("an answer maxStalenessMs old is never served").isEqualTo(exact);
  }

  @Test
  void aStaleAnswerIsServedWhileItIsRefreshedInTheBackground() throws Exception {
    long asked = System.currentTimeMillis();
    HttpResponse<Buffer> first = get(engine, "nobody-too", 3);
    assertThat(first.getHeader("kerec-cache")).isEqualTo("miss");
    String top = overtake(engine);
    List<String> exact = exact(engine, "nobody-too", 3);
    assertThat(exact).startsWith(top).isNotEqualTo(ids(first));

    sleepUntil(asked + REFRESH_AFTER_MS + 100);
    HttpResponse<Buffer> stale = get(engine, "nobody-too", 3);
    assertThat(stale.getHeader("kerec-cache")).isEqualTo("stale");
    assertThat(stale.bodyAsString()).isEqualTo(first.bodyAsString());
    HttpResponse<Buffer> refreshed = poll(engine, "nobody-too", 3, r -> ids(r).equals(exact));
    assertThat(refreshed.getHeader("kerec-cache")).as("filled by the background refresh, not by a miss")
        .isEqualTo("hit");
  }

  @Test
  void noCacheComputesAfreshAndKeepsTheAnswerForTheNextRequest() throws Exception {
    HttpResponse<Buffer> first = get(engine, "nobody-else", 3);
    String top = overtake(engine);
    List<String> exact = exact(engine, "nobody-else", 3);
    assertThat(exact).startsWith(top).isNotEqualTo(ids(first));
    assertThat(get(engine, "nobody-else", 3).bodyAsString()).isEqualTo(first.bodyAsString());

    HttpResponse<Buffer> fresh = await(http.get(engine.httpPort(), "127.0.0.1",
        "/v1/users/nobody-else/recommendations?k=3").putHeader("Cache-Control", "no-cache").send());
    assertThat(fresh.getHeader("kerec-cache")).isEqualTo("bypass");
    assertThat(ids(fresh)).isEqualTo(exact);
    HttpResponse<Buffer> next = get(engine, "nobody-else", 3);
    assertThat(next.getHeader("kerec-cache")).isEqualTo("hit");
    assertThat(ids(next)).isEqualTo(exact);
  }

  @Test
  void aPurchaseChangesTheUsersNextAnswerAtOnce() {
    assertThat(get(engine, "dave", 5).bodyAsJsonObject().getBoolean("fallback")).isTrue();
    assertThat(get(engine, "dave", 5).getHeader("kerec-cache")).isEqualTo("hit");
    post(engine, new JsonArray().add(TeaShop.purchase("dave-1", "dave", "T1", "dave-b1",
        Instant.parse("2011-02-01T09:00:00Z"))));
    HttpResponse<Buffer> after = get(engine, "dave", 5);
    assertThat(after.bodyAsJsonObject().getBoolean("fallback")).as(after.bodyAsString()).isFalse();
    assertThat(ids(after)).doesNotContain("T1");
  }

  @Test
  void theLivePushAfterAPurchaseFillsTheCache() throws Exception {
    assertThat(get(engine, "carol", 10).bodyAsJsonObject().getBoolean("fallback")).isTrue();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    ClientWebSocket socket = vertx.createWebSocketClient().webSocket();
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    await(socket.connect(engine.httpPort(), "127.0.0.1", "/v1/live?userId=carol"));
    waitFor(() -> frames.size() >= 1);
    post(engine, new JsonArray().add(TeaShop.purchase("carol-1", "carol", "C1", "carol-b1",
        Instant.parse("2011-02-01T09:00:00Z"))));
    HttpResponse<Buffer> next = get(engine, "carol", 10);
    assertThat(next.bodyAsJsonObject().getBoolean("fallback")).isFalse();
    waitFor(() -> frames.stream().anyMatch(f -> !f.getBoolean("fallback")));
    JsonObject frame = frames.stream().filter(f -> !f.getBoolean("fallback")).findFirst().orElseThrow();
    HttpResponse<Buffer> again = get(engine, "carol", 10);
    assertThat(again.getHeader("kerec-cache")).isIn("hit", "stale");
    assertThat(again.bodyAsJsonObject().getJsonArray("items")).isEqualTo(frame.getJsonArray("items"));
    socket.close();
  }

  @Test
  void withMaxStalenessZeroEveryAnswerIsExact(@TempDir Path data) {
    Vertx other = Engine.newVertx();
    ObjectNode o = TestEngines.overrides(data);
    o.putObject("cache").put("maxStalenessMs", 0);
    Engine exactEngine = TestEngines.start(other, ConfigLoader.load(null, java.util.Map.of(), o));
    WebClient client = WebClient.create(other);
    try {
      load(exactEngine, client);
      HttpResponse<Buffer> before = get(exactEngine, client, "nobody", 3);
      assertThat(before.getHeader("kerec-cache")).isNull();
      assertThat(ids(before)).startsWith("B1");
      buy(exactEngine, client, "H2", 40);
      HttpResponse<Buffer> after = get(exactEngine, client, "nobody", 3);
      assertThat(after.getHeader("kerec-cache")).isNull();
      assertThat(ids(after)).startsWith("H2").isEqualTo(exact(other, "nobody", 3));
    } finally {
      await(exactEngine.stop());
      await(other.close());
    }
  }

  // --- helpers

  private void load(Engine e) {
    load(e, http);
  }

  private static void load(Engine e, WebClient client) {
    assertThat(post(e, client, new JsonArray(TeaShop.items())).statusCode()).isEqualTo(202);
    assertThat(post(e, client, TeaShop.bills()).statusCode()).isEqualTo(202);
  }

  /**
   * A global change: a crowd buys an item none bought before, more often than any item has sold, so it becomes the
   * most popular; returns the item.
   */
  private String overtake(Engine e) {
    String item = List.of("H2", "K2", "C2").get(rounds);
    buy(e, http, item, 100 * ++rounds);
    return item;
  }

  private void buy(Engine e, WebClient client, String item, int n) {
    JsonArray events = new JsonArray();
    Instant ts = Instant.parse("2011-03-01T10:00:00Z");
    for (int i = 0; i < n; i++) {
      int p = purchases++;
      events.add(TeaShop.purchase("crowd-" + p, "crowd-" + p, item, "crowd-b" + p, ts.plusSeconds(p)));
    }
    assertThat(post(e, client, events).statusCode()).isEqualTo(202);
  }

  private void post(Engine e, JsonArray body) {
    assertThat(post(e, http, body).statusCode()).isEqualTo(202);
  }

  private static HttpResponse<Buffer> post(Engine e, WebClient client, JsonArray body) {
    String path = body.getJsonObject(0).containsKey("type") ? "/v1/events" : "/v1/items";
    return await(client.post(e.httpPort(), "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(body.toBuffer()));
  }

  private HttpResponse<Buffer> get(Engine e, String user, int k) {
    return get(e, http, user, k);
  }

  private static HttpResponse<Buffer> get(Engine e, WebClient client, String user, int k) {
    HttpResponse<Buffer> r = await(client.get(e.httpPort(), "127.0.0.1", "/v1/users/" + user
        + "/recommendations?k=" + k).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r;
  }

  private List<String> exact(Engine e, String user, int k) {
    return exact(vertx, user, k);
  }

  /** The exact answer, asked over {@code kerec.recommend} on the event bus, which the cache never serves. */
  private static List<String> exact(Vertx v, String user, int k) {
    return await(v.eventBus().<Recommendations>request(Addresses.RECOMMEND, new RecommendRequest(user, k)))
        .body().items().stream().map(Recommendation::itemId).toList();
  }

  private HttpResponse<Buffer> poll(Engine e, String user, int k,
                                    java.util.function.Predicate<HttpResponse<Buffer>> until) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<Buffer> r = get(e, user, k);
      if (until.test(r)) {
        return r;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the answer for " + user + " never changed");
  }

  private static List<String> ids(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("itemId"))
        .toList();
  }

  private static void sleepUntil(long epochMs) throws InterruptedException {
    long wait = epochMs - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
