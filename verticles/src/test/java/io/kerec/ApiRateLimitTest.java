package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.api.ApiKeys;
import io.kerec.config.ConfigLoader;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each client has its own bucket: one that exhausts its burst gets 429 with Retry-After, another is unaffected. */
@Tag("e2e")
class ApiRateLimitTest {

  @Test
  void aClientOverItsLimitGets429AndOthersDoNot(@TempDir Path data) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", data.toString());
    o.putObject("http").put("port", 0);
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    o.putObject("rateLimit").put("requestsPerSecond", 1).put("burst", 3);
    o.putObject("auth").putArray("apiKeys")
        .add(JsonNodeFactory.instance.objectNode().put("name", "busy").put("role", "read")
            .put("sha256", ApiKeys.hash("busy-key")))
        .add(JsonNodeFactory.instance.objectNode().put("name", "calm").put("role", "read")
            .put("sha256", ApiKeys.hash("calm-key")));
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, ConfigLoader.load(null, Map.of(), o));
    WebClient client = WebClient.create(vertx);
    try {
      int ok = 0;
      HttpResponse<Buffer> limited = null;
      for (int i = 0; i < 6 && limited == null; i++) {
        HttpResponse<Buffer> r = await(client.get(engine.httpPort(), "127.0.0.1", "/v1/judge/status")
            .putHeader("X-API-Key", "busy-key").send());
        if (r.statusCode() == 429) {
          limited = r;
        } else {
          assertThat(r.statusCode()).isEqualTo(200);
          ok++;
        }
      }
      assertThat(ok).as("the burst").isBetween(3, 4);
      assertThat(limited).isNotNull();
      assertThat(Integer.parseInt(limited.getHeader("Retry-After"))).isBetween(1, 2);
      assertThat(limited.bodyAsJsonObject().getString("error")).contains("too many requests");
      assertThat(await(client.get(engine.httpPort(), "127.0.0.1", "/v1/judge/status")
          .putHeader("X-API-Key", "calm-key").send()).statusCode()).isEqualTo(200);
      assertThat(await(client.get(engine.httpPort(), "127.0.0.1", "/health").send()).statusCode())
          .as("health is never limited").isIn(200, 503);
    } finally {
      await(engine.stop());
      await(vertx.close());
    }
  }
}
