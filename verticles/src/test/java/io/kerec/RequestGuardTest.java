package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.engine.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes only from intended clients, on the keyless default: a body that is not declared JSON is 415 and nothing of
 * it is stored; a browser's cross-origin POST or WebSocket upgrade is 403; a Host that is not the engine's (DNS
 * rebinding) is 403 even for a GET; no CORS headers unless configured; the live WebSocket's socket cap and
 * per-client connect rate answer 429.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestGuardTest {
  private static final int MAX_SOCKETS = 3;
  private static final int CONNECTS = 6;
  private Vertx vertx;
  private Engine engine;
  private WebClient client;

  @BeforeAll
  void start(@TempDir Path data) {
    ObjectNode o = TestEngines.overrides(data);
    o.with("http").put("maxLiveSockets", MAX_SOCKETS).put("liveConnects", CONNECTS);
    vertx = Engine.newVertx();
    engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    await(engine.stop());
    await(vertx.close());
  }

  private String own() {
    return "http://127.0.0.1:" + engine.httpPort();
  }

  private HttpResponse<Buffer> post(String path, String body, String... headers) {
    HttpRequest<Buffer> request = client.post(engine.httpPort(), "127.0.0.1", path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return await(request.sendBuffer(Buffer.buffer(body)));
  }

  private int item(String id) {
    return await(client.get(engine.httpPort(), "127.0.0.1", "/v1/items/" + id).send()).statusCode();
  }

  @Test
  void theIssuesCurlIs415AndStoresNothing() {
    // curl -X POST -H 'content-type: text/plain' --data '[{"id":"csrf1","title":"Injected"}]' localhost:8080/v1/items
    HttpResponse<Buffer> r = post("/v1/items", "[{\"id\":\"csrf1\",\"title\":\"Injected\"}]",
        "content-type", "text/plain");
    System.out.println("text/plain POST /v1/items: " + r.statusCode() + " " + r.bodyAsString());
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("Content-Type");
    assertThat(post("/v1/items", "[{\"id\":\"csrf2\",\"title\":\"Injected\"}]",
        "content-type", "application/x-www-form-urlencoded").statusCode()).isEqualTo(415);
    assertThat(item("csrf1")).isEqualTo(404);
    assertThat(item("csrf2")).isEqualTo(404);
  }

  @Test
  void crossOriginPostsAreRefusedAndTheEnginesOwnOriginIsNot() {
    String body = "[{\"id\":\"origin1\",\"title\":\"ROSES TEACUP\"}]";
    for (String[] headers : new String[][] {{"Origin", "http://evil.example"}, {"Origin", "null"},
        {"Origin", "http://127.0.0.1:1"}, {"Origin", "https://127.0.0.1:" + engine.httpPort()},
        {"Sec-Fetch-Site", "cross-site"}}) {
      HttpResponse<Buffer> r = post("/v1/items", body, "content-type", "application/json", headers[0], headers[1]);
      System.out.println("POST with " + headers[0] + ": " + headers[1] + " -> " + r.statusCode() + " " + r.bodyAsString());
      assertThat(r.statusCode()).as("%s: %s", headers[0], headers[1]).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("Origin");
      assertThat(r.getHeader("Access-Control-Allow-Origin")).isNull();
    }
    assertThat(item("origin1")).isEqualTo(404);
    assertThat(post("/v1/items", body, "content-type", "application/json", "Origin", own()).statusCode())
        .isEqualTo(202);
    assertThat(item("origin1")).isEqualTo(200);
  }

  @Test
  void aForeignHostIsRefusedEvenForReads() {
    HttpResponse<Buffer> rebound = await(client.get(engine.httpPort(), "127.0.0.1", "/v1/judge/status")
        .putHeader("Host", "evil.example:" + engine.httpPort()).send());
    assertThat(rebound.statusCode()).isEqualTo(403);
    assertThat(rebound.bodyAsJsonObject().getString("field")).isEqualTo("Host");
    for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
      assertThat(await(client.get(engine.httpPort(), "127.0.0.1", "/health")
          .putHeader("Host", host + ":" + engine.httpPort()).send()).statusCode()).as(host).isIn(200, 503);
    }
    HttpResponse<Buffer> cors = await(client.get(engine.httpPort(), "127.0.0.1", "/v1/judge/status")
        .putHeader("Origin", "http://evil.example").send());
    assertThat(cors.getHeader("Access-Control-Allow-Origin")).as("CORS is off").isNull();
  }

  private Future<WebSocket> socket(WebSocketClient ws, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(engine.httpPort())
        .setURI("/v1/live?userId=alice");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    return ws.connect(options);
  }

  private static int refusal(Future<WebSocket> attempt) {
    Throwable e = await(attempt.map(s -> (Throwable) null).otherwise(t -> t));
    assertThat(e).as("the upgrade is refused").isInstanceOf(UpgradeRejectedException.class);
    return ((UpgradeRejectedException) e).getStatus();
  }

  @Test
  void liveSocketsRefuseOtherOriginsAndAreCappedAndRateLimited() {
    WebSocketClient ws = vertx.createWebSocketClient();
    int crossOrigin = refusal(socket(ws, "http://evil.example"));
    System.out.println("cross-origin WebSocket upgrade: " + crossOrigin);
    assertThat(crossOrigin).isEqualTo(403);
    List<WebSocket> open = new ArrayList<>();
    for (int i = 0; i < MAX_SOCKETS; i++) {
      open.add(await(socket(ws, i == 0 ? own() : null)));
    }
    assertThat(refusal(socket(ws, null))).as("beyond http.maxLiveSockets").isEqualTo(429);
    for (WebSocket s : open) {
      await(s.close());
    }
    long deadline = System.currentTimeMillis() + 10_000;
    WebSocket again = null;
    while (again == null && System.currentTimeMillis() < deadline) {
      again = await(socket(ws, null).otherwise((WebSocket) null)); // the server sees the closes a moment later
    }
    assertThat(again).as("a socket again once the others closed").isNotNull();
    await(again.close());
    int connects = MAX_SOCKETS + 2;
    int refused = 0;
    for (int i = connects; i < CONNECTS + 2; i++) {
      Throwable e = await(socket(ws, null).compose(s -> s.close().map((Throwable) null)).otherwise(t -> t));
      if (e instanceof UpgradeRejectedException rejected) {
        assertThat(rejected.getStatus()).isEqualTo(429);
        refused++;
      }
    }
    assertThat(refused).as("beyond http.liveConnects a minute").isGreaterThanOrEqualTo(1);
  }
}
