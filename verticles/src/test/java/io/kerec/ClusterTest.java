package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.api.ApiVerticle;
import io.kerec.bus.Accepted;
import io.kerec.bus.Addresses;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.EventType;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendations;
import io.kerec.bus.RecordCodec;
import io.kerec.config.ClusterOptions;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.engine.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances and a sibling service on one clustered event bus (Hazelcast over TCP on loopback): the
 * sibling's {@code kerec.recommend} requests are answered by both instances, its {@code kerec.events} reach one,
 * and each engine's internal traffic stays inside it.
 */
@Tag("e2e")
class ClusterTest {
  private static final List<String> MEMBERS = List.of("127.0.0.1:15801", "127.0.0.1:15802", "127.0.0.1:15803");

  private static KerecConfig config(Path dir, int port) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dir.toString());
    o.putObject("http").put("port", 0);
    o.putObject("rank").put("device", "cpu").put("autoTrain", false);
    ObjectNode cluster = o.putObject("cluster").put("enabled", true).put("name", "kerec-test").put("port", port);
    MEMBERS.forEach(cluster.putArray("members")::add);
    return ConfigLoader.load(null, Map.of(), o);
  }

  @Test
  void aSiblingIsAnsweredByBothInstances(@TempDir Path a, @TempDir Path b) {
    KerecConfig first = config(a, 15801);
    KerecConfig second = config(b, 15802);
    Vertx vertxA = await(Engine.newVertx(first.cluster()));
    Vertx vertxB = await(Engine.newVertx(second.cluster()));
    Vertx sibling = await(Engine.newVertx(new ClusterOptions(true, "kerec-test", "127.0.0.1", 15803, 0, MEMBERS)));
    Engine engineA = TestEngines.start(vertxA, first);
    Engine engineB = TestEngines.start(vertxB, second);
    try {
      RecordCodec.registerAll(sibling);
      for (Engine engine : List.of(engineA, engineB)) {
        WebClient http = WebClient.create(engine == engineA ? vertxA : vertxB);
        JsonArray items = new JsonArray()
            .add(new JsonObject().put("id", "T1").put("title", "ROSES REGENCY TEACUP"))
            .add(new JsonObject().put("id", "S1").put("title", "ROSES REGENCY SAUCER"));
        assertThat(await(http.post(engine.httpPort(), "127.0.0.1", "/v1/items")
            .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(items.encode())))
            .statusCode()).isEqualTo(202);
        JsonArray bills = new JsonArray()
            .add(purchase("bob-1", "bob", "T1", "bob-b1")).add(purchase("bob-2", "bob", "S1", "bob-b1"))
            .add(purchase("alice-1", "alice", "T1", "alice-b1"));
        assertThat(await(http.post(engine.httpPort(), "127.0.0.1", "/v1/events")
            .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(bills.encode())))
            .statusCode()).isEqualTo(202);
      }

      Set<String> answeredBy = new HashSet<>();
      DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(30_000);
      for (int i = 0; i < 8; i++) {
        Message<Recommendations> reply = await(sibling.eventBus().<Recommendations>request(Addresses.RECOMMEND,
            new RecommendRequest("alice", 5), timeout));
        assertThat(reply.body().userId()).isEqualTo("alice");
        assertThat(reply.body().fallback()).as("alice's purchase is known to the instance that answered").isFalse();
        assertThat(reply.body().items()).extracting(r -> r.itemId()).contains("S1").doesNotContain("T1");
        answeredBy.add(reply.headers().get(ApiVerticle.INSTANCE_HEADER));
      }
      assertThat(answeredBy).containsExactlyInAnyOrder("127.0.0.1:15801", "127.0.0.1:15802");

      Message<Accepted> accepted = await(sibling.eventBus().<Accepted>request(Addresses.EVENTS,
          new EventBatch(List.of(new Event("carol-1", EventType.PURCHASE, "carol", "T1",
              Instant.parse("2011-03-01T10:00:00Z"), "carol-b1", null))), timeout));
      assertThat(accepted.body().accepted()).isEqualTo(1);
    } finally {
      await(engineA.stop());
      await(engineB.stop());
      await(vertxA.close());
      await(vertxB.close());
      await(sibling.close());
    }
  }

  private static JsonObject purchase(String id, String user, String item, String basket) {
    return new JsonObject().put("id", id).put("type", "purchase").put("userId", user).put("itemId", item)
        .put("basketId", basket).put("ts", "2011-02-01T09:00:00Z");
  }
}
