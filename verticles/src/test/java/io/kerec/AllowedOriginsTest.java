package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.config.ConfigLoader;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.allowedOrigins} and {@code http.allowedHosts} set: a listed origin may post and gets CORS headers
 * (its preflight too), any other origin is refused, and only the listed host names are served.
 */
@Tag("e2e")
class AllowedOriginsTest {
  private static final String SHOP = "https://shop.example";

  @Test
  void aListedOriginPostsWithCorsAndOnlyListedHostsAreServed(@TempDir Path data) {
    ObjectNode o = TestEngines.overrides(data);
    o.with("http").putArray("allowedOrigins").add(SHOP);
    o.with("http").putArray("allowedHosts").add("kerec.example").add("127.0.0.1");
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    WebClient http = WebClient.create(vertx);
    try {
      String body = "[{\"id\":\"C1\",\"title\":\"ROSES TEACUP\"}]";
      HttpResponse<Buffer> preflight = await(http.request(HttpMethod.OPTIONS, engine.httpPort(), "127.0.0.1",
              "/v1/items").putHeader("Origin", SHOP).putHeader("Access-Control-Request-Method", "POST")
          .putHeader("Access-Control-Request-Headers", "content-type").send());
      assertThat(preflight.statusCode()).isIn(200, 204);
      assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo(SHOP);
      HttpResponse<Buffer> posted = await(http.post(engine.httpPort(), "127.0.0.1", "/v1/items")
          .putHeader("Origin", SHOP).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
      assertThat(posted.statusCode()).isEqualTo(202);
      assertThat(posted.getHeader("Access-Control-Allow-Origin")).isEqualTo(SHOP);
      HttpResponse<Buffer> evil = await(http.post(engine.httpPort(), "127.0.0.1", "/v1/items")
          .putHeader("Origin", "https://evil.example").putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(body)));
      assertThat(evil.statusCode()).isEqualTo(403);
      assertThat(evil.getHeader("Access-Control-Allow-Origin")).isNull();
      assertThat(await(http.get(engine.httpPort(), "127.0.0.1", "/v1/items/C1")
          .putHeader("Host", "kerec.example").send()).statusCode()).isEqualTo(200);
      assertThat(await(http.get(engine.httpPort(), "127.0.0.1", "/v1/items/C1")
          .putHeader("Host", "localhost").send()).statusCode()).as("not listed").isEqualTo(403);
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }
}
