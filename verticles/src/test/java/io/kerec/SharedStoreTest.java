package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.kerec.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two engines on one PostgreSQL, each with its own graph store and views: everything is written to engine A, and
 * engine B serves it too (items, recommendations, the judged complements, the live WebSocket), in the same order;
 * B stopped while A takes more writes catches up when it starts again; both give the same top-10 to every user.
 */
@Tag("e2e")
class SharedStoreTest {
  private static final Logger LOG = LoggerFactory.getLogger(SharedStoreTest.class);
  private static final Instant T0 = Instant.parse("2011-03-01T09:00:00Z");

  private Vertx vertx;
  private WebClient http;

  @Test
  void twoEnginesOnOneStoreAgree(@TempDir Path a, @TempDir Path b, @TempDir Path pgDir) throws Exception {
    try (EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(pgDir).start()) {
      try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      vertx = Vertx.vertx();
      http = WebClient.create(vertx);
      Vertx va = Engine.newVertx();
      Vertx vb = Engine.newVertx();
      Engine engineA = TestEngines.start(va, config(a, server.getPort()));
      Engine engineB = TestEngines.start(vb, config(b, server.getPort()));
      try {
        int pa = engineA.httpPort();
        int pb = engineB.httpPort();
        assertThat(post(pa, "/v1/items", new JsonArray(TeaShop.items()).encode()).statusCode()).isEqualTo(202);
        poll(pb, "/v1/items/S3", j -> j.getJsonArray("entities").getList().contains("saucer"), 10_000);
        assertThat(get(pb, "/v1/items/S3").bodyAsJsonObject().getString("listedAt")).as("read from the change log")
            .isNotNull().isEqualTo(get(pa, "/v1/items/S3").bodyAsJsonObject().getString("listedAt"));

        List<JsonObject> frames = new CopyOnWriteArrayList<>();
        ClientWebSocket socket = vertx.createWebSocketClient().webSocket();
        socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
        await(socket.connect(pb, "127.0.0.1", "/v1/live?userId=alice"));
        Await.until(() -> frames.size() >= 1, 5_000);

        assertThat(post(pa, "/v1/events", TeaShop.bills().encode()).statusCode()).isEqualTo(202);
        // judged by the one engine that holds the store's judge lock, served by both
        assertThat(judgeLeads(pa) ^ judgeLeads(pb)).as("exactly one engine judges").isTrue();
        for (int port : new int[] {pa, pb}) {
          poll(port, "/v1/entities/teacup/complements", j -> complements(j).contains("saucer"), 30_000);
        }
        assertThat(complements(get(pb, "/v1/entities/teacup/complements").bodyAsJsonObject()))
            .isEqualTo(complements(get(pa, "/v1/entities/teacup/complements").bodyAsJsonObject()));

        assertThat(post(pa, "/v1/events", new JsonArray().add(TeaShop.purchase("alice-1", "alice", "T1", "alice-b1",
            T0)).encode()).statusCode()).isEqualTo(202);
        Await.until(() -> frames.stream().anyMatch(f -> !f.getBoolean("fallback") && ids(f).contains("S1")), 10_000);
        socket.close();

        // propagation: a purchase of a new user posted to A, until B recommends for that user from their history
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          String user = "new-" + i;
          String item = TeaShop.items().get(i % TeaShop.items().size()).getString("id");
          long posted = System.nanoTime();
          assertThat(post(pa, "/v1/events", new JsonArray().add(TeaShop.purchase("n" + i, user, item, "nb" + i,
              T0.plusSeconds(i))).encode()).statusCode()).isEqualTo(202);
          poll(pb, "/v1/users/" + user + "/recommendations?k=10", j -> !j.getBoolean("fallback"), 10_000, 2);
          delays.add((System.nanoTime() - posted) / 1_000);
        }
        Collections.sort(delays);
        LOG.info("propagation A -> B over {} purchases: p50 {} µs, p99 {} µs, max {} µs", delays.size(),
            delays.get(delays.size() / 2), delays.get((int) Math.ceil(delays.size() * 0.99) - 1),
            delays.get(delays.size() - 1));

        List<String> users = StoredRows.users(server);
        assertAgree(pa, pb, users, "after the writes to A");

        // B stops; A takes more writes; B starts again and catches up from the store
        await(engineB.stop());
        await(vb.close());
        JsonArray more = new JsonArray();
        for (int i = 0; i < 40; i++) {
          String item = TeaShop.items().get((i * 7) % TeaShop.items().size()).getString("id");
          more.add(TeaShop.purchase("m" + i, "late-" + (i % 10), item, "mb" + (i / 2), T0.plusSeconds(600 + i)));
        }
        assertThat(post(pa, "/v1/events", more.encode()).statusCode()).isEqualTo(202);
        vb = Engine.newVertx();
        engineB = TestEngines.start(vb, config(b, server.getPort()));
        pb = engineB.httpPort();
        // and what A takes after B's start reaches B through the log
        assertThat(post(pa, "/v1/events", new JsonArray().add(TeaShop.purchase("after-1", "late-0", "S2", "ab1",
            T0.plusSeconds(900))).encode()).statusCode()).isEqualTo(202);
        int finalPb = pb;
        Await.until(() -> purchasesInView(finalPb) == purchasesInView(pa), 10_000);
        users = StoredRows.users(server);
        assertAgree(pa, pb, users, "after B's restart");

        long stored = StoredRows.purchases(server);
        assertThat(purchasesInView(pa)).as("A applied each stored purchase once").isEqualTo(stored);
        assertThat(purchasesInView(pb)).as("B applied each stored purchase once").isEqualTo(stored);
        JsonObject follow = get(pb, "/health").bodyAsJsonObject().getJsonObject("components")
            .getJsonObject("graph").getJsonObject("details").getJsonObject("follow");
        LOG.info("B follows: {}", follow);
        assertThat(follow.getLong("purchases")).isPositive();
      } finally {
        await(engineA.stop());
        await(engineB.stop());
        await(va.close());
        await(vb.close());
        await(vertx.close());
      }
    }
  }

  private static KerecConfig config(Path data, int pgPort) {
    ObjectNode o = TestEngines.overrides(data);
    o.putObject("postgres").put("embedded", false).put("host", "127.0.0.1").put("port", pgPort)
        .put("database", "shop").put("user", "postgres");
    return ConfigLoader.load(null, Map.of(), o);
  }

  private void assertAgree(int pa, int pb, List<String> users, String when) throws InterruptedException {
    Thread.sleep(2_500); // both views settle a second after the last purchase
    int same = 0;
    List<String> differing = new ArrayList<>();
    for (String user : users) {
      String path = "/v1/users/" + user + "/recommendations?k=10";
      List<String> fromA = ids(computed(pa, path));
      List<String> fromB = ids(computed(pb, path));
      if (fromA.equals(fromB)) {
        same++;
      } else {
        differing.add(user + ": " + fromA + " vs " + fromB);
      }
    }
    LOG.info("{}: {} of {} users get identical top-10 from A and B", when, same, users.size());
    assertThat(differing).as(when).isEmpty();
  }

  private boolean judgeLeads(int port) {
    return get(port, "/health").bodyAsJsonObject().getJsonObject("components").getJsonObject("judge")
        .getJsonObject("details").getBoolean("leader");
  }

  private long purchasesInView(int port) {
    return get(port, "/health").bodyAsJsonObject().getJsonObject("components").getJsonObject("graph")
        .getJsonObject("details").getLong("purchases");
  }

  private HttpResponse<Buffer> post(int port, String path, String body) {
    return await(http.post(port, "127.0.0.1", path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  /** An answer computed now, not one the recommendation cache kept. */
  private JsonObject computed(int port, String path) {
    return await(http.get(port, "127.0.0.1", path).putHeader("cache-control", "no-cache").send()).bodyAsJsonObject();
  }

  private HttpResponse<Buffer> get(int port, String path) {
    return await(http.get(port, "127.0.0.1", path).send());
  }

  private JsonObject poll(int port, String path, Predicate<JsonObject> until, long timeoutMs) throws Exception {
    return poll(port, path, until, timeoutMs, 50);
  }

  private JsonObject poll(int port, String path, Predicate<JsonObject> until, long timeoutMs, long sleepMs)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<Buffer> r = get(port, path);
      if (r.statusCode() == 200) {
        last = r.bodyAsJsonObject();
        if (until.test(last)) {
          return last;
        }
      }
      Thread.sleep(sleepMs);
    }
    throw new AssertionError("timed out polling " + path + " on " + port + ", last answer " + last);
  }

  private static List<String> complements(JsonObject body) {
    return body.getJsonArray("complements").stream().map(o -> ((JsonObject) o).getString("entity")).toList();
  }

  private static List<String> ids(JsonObject body) {
    return body.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("itemId")).toList();
  }
}
