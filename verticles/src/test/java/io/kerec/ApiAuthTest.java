package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.api.ApiKeys;
import io.kerec.config.ConfigException;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** API keys with roles: no key is 401 everywhere but /health, a read key may not write, a write key may not train. */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAuthTest {
  private static final String READ = "read-key-7f3a";
  private static final String WRITE = "write-key-91bc";
  private static final String ADMIN = "admin-key-04de";

  /** Every protected route, as (method, path). */
  private static final List<String[]> PROTECTED = List.of(
      new String[] {"GET", "/metrics"},
      new String[] {"POST", "/v1/items"},
      new String[] {"POST", "/v1/events"},
      new String[] {"GET", "/v1/users/alice/recommendations"},
      new String[] {"GET", "/v1/entities/teacup/complements"},
      new String[] {"GET", "/v1/items/T1"},
      new String[] {"GET", "/v1/judge/status"},
      new String[] {"POST", "/v1/rank/train"},
      new String[] {"GET", "/v1/live?userId=alice"},
      new String[] {"GET", "/v1/no-such-route"});

  private Vertx vertx;
  private Engine engine;
  private WebClient client;

  @BeforeAll
  void start(@TempDir Path data) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", data.toString());
    o.putObject("http").put("port", 0);
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    o.putObject("auth").putArray("apiKeys")
        .add(key("storefront", "read", READ)).add(key("ingest", "write", WRITE)).add(key("ops", "admin", ADMIN));
    vertx = Engine.newVertx();
    engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    client = WebClient.create(vertx);
  }

  private static ObjectNode key(String name, String role, String key) {
    return JsonNodeFactory.instance.objectNode().put("name", name).put("role", role).put("sha256", ApiKeys.hash(key));
  }

  @AfterAll
  void stop() {
    await(engine.stop());
    await(vertx.close());
  }

  private HttpResponse<Buffer> send(String method, String path, String header, String value) {
    HttpRequest<Buffer> request = client.request(HttpMethod.valueOf(method), engine.httpPort(), "127.0.0.1", path);
    if (header != null) {
      request.putHeader(header, value);
    }
    String body = new JsonArray().add(new JsonObject().put("id", "T1").put("title", "ROSES TEACUP")).encode();
    return await(method.equals("POST") ? request.putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)) : request.send());
  }

  @Test
  void withoutAKeyEveryProtectedRouteIs401WithAJsonBody() {
    for (String[] route : PROTECTED) {
      for (String[] credentials : new String[][] {{null, null}, {"X-API-Key", "wrong"}, {"Authorization", "Bearer x"}}) {
        HttpResponse<Buffer> r = send(route[0], route[1], credentials[0], credentials[1]);
        assertThat(r.statusCode()).as("%s %s with %s", route[0], route[1], credentials[0]).isEqualTo(401);
        assertThat(r.bodyAsJsonObject().getString("field"))
            .isEqualTo(credentials[0] == null ? "X-API-Key" : credentials[0]);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
      }
    }
    assertThat(send("GET", "/health", null, null).statusCode()).isIn(200, 503);
  }

  @Test
  void theDashboardPageIsPublicButItsApiCallsAreNot() {
    HttpResponse<Buffer> page = send("GET", "/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("<title>Kerec dashboard</title>");
    assertThat(send("GET", "/dashboard.js", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/judge/status", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/v1/judge/status", "X-API-Key", READ).statusCode()).isEqualTo(200);
  }

  @Test
  void theWebSocketNeedsAKeyToo() {
    Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> await(vertx.createWebSocketClient()
        .connect(engine.httpPort(), "127.0.0.1", "/v1/live?userId=alice")));
    assertThat(refused).hasRootCauseInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) rootCause(refused)).getStatus()).isEqualTo(401);

    WebSocket byParameter = await(vertx.createWebSocketClient()
        .connect(engine.httpPort(), "127.0.0.1", "/v1/live?userId=alice&access_token=" + READ));
    await(byParameter.close());
    WebSocket byHeader = await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
        .setPort(engine.httpPort()).setHost("127.0.0.1").setURI("/v1/live?userId=alice")
        .addHeader("Authorization", "Bearer " + READ)));
    await(byHeader.close());
  }

  @Test
  void aReadKeyReadsButMayNotWriteOrTrain() {
    assertThat(send("GET", "/v1/users/alice/recommendations", "X-API-Key", READ).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/judge/status", "Authorization", "Bearer " + READ).statusCode()).isEqualTo(200);
    for (String path : List.of("/v1/items", "/v1/events", "/v1/rank/train")) {
      HttpResponse<Buffer> r = send("POST", path, "X-API-Key", READ);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("role");
    }
    assertThat(send("GET", "/metrics", "X-API-Key", READ).statusCode()).isEqualTo(403);
  }

  @Test
  void aWriteKeyWritesButMayNotTrainAndAnAdminKeyMayDoEverything() {
    assertThat(send("POST", "/v1/items", "X-API-Key", WRITE).statusCode()).isEqualTo(202);
    assertThat(send("GET", "/v1/items/T1", "X-API-Key", WRITE).statusCode()).isIn(200, 404);
    assertThat(send("POST", "/v1/rank/train", "X-API-Key", WRITE).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/metrics", "X-API-Key", ADMIN).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/items", "Authorization", "Bearer " + ADMIN).statusCode()).isEqualTo(202);
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutKeysUnlessToldItIsInsecure() {
    ObjectNode open = JsonNodeFactory.instance.objectNode();
    open.putObject("http").put("host", "0.0.0.0");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), open))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--insecure");
    open.putObject("auth").put("insecure", true);
    KerecConfig insecure = ConfigLoader.load(null, Map.of(), open);
    assertThat(insecure.auth().enabled()).isFalse();
    for (String loopback : List.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
      ObjectNode local = JsonNodeFactory.instance.objectNode();
      local.putObject("http").put("host", loopback);
      assertThat(ConfigLoader.load(null, Map.of(), local).http().host()).isEqualTo(loopback);
    }
    ObjectNode named = JsonNodeFactory.instance.objectNode();
    named.putObject("http").put("host", "kerec.example.internal");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), named)).isInstanceOf(ConfigException.class);
  }

  @Test
  void badKeyConfigurationNamesTheField() {
    ObjectNode both = JsonNodeFactory.instance.objectNode();
    both.putObject("auth").putArray("apiKeys").add(JsonNodeFactory.instance.objectNode().put("name", "x")
        .put("role", "read").put("sha256", ApiKeys.hash("k")).put("keyEnv", "K"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), both)).hasMessageContaining("auth.apiKeys[0]");
    ObjectNode role = JsonNodeFactory.instance.objectNode();
    role.putObject("auth").putArray("apiKeys").add(JsonNodeFactory.instance.objectNode().put("name", "x")
        .put("role", "root").put("sha256", ApiKeys.hash("k")));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), role)).hasMessageContaining("auth.apiKeys[0].role");
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    env.putObject("auth").putArray("apiKeys").add(JsonNodeFactory.instance.objectNode().put("name", "x")
        .put("role", "read").put("keyEnv", "KEREC_TEST_KEY"));
    KerecConfig config = ConfigLoader.load(null, Map.of(), env);
    assertThatThrownBy(() -> ApiKeys.of(config.auth(), Map.of())).hasMessageContaining("KEREC_TEST_KEY");
    assertThat(ApiKeys.of(config.auth(), Map.of("KEREC_TEST_KEY", "s3cret")).enabled()).isTrue();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
