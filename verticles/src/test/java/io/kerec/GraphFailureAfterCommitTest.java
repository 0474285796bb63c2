package io.kerec;

import static io.kerec.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Addresses;
import io.kerec.bus.Done;
import io.kerec.bus.HealthReport;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.PurchasesApplied;
import io.kerec.engine.Engine;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph step fails after the events are committed (a failure injected in front of the graph verticle): the
 * client still gets 202 (its events are durable), its retry is recognised as stored but not applied, and once the
 * graph works again every purchase is applied exactly once, whether the client's retry or the engine's own timer
 * gets there first.
 */
@Tag("e2e")
class GraphFailureAfterCommitTest {
  @TempDir
  Path data;

  @Test
  void eventsStoredWhileTheGraphFailsAreAppliedExactlyOnceAfterwards() throws Exception {
    Vertx vertx = Engine.newVertx();
    Engine engine = TestEngines.start(vertx, TestEngines.config(data));
    AtomicBoolean failing = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    Handler<DeliveryContext<Object>> injector = ctx -> {
      if (failing.get() && Addresses.GRAPH_PURCHASES.equals(ctx.message().address())) {
        refused.incrementAndGet();
        ctx.message().fail(500, "injected graph failure");
      } else {
        ctx.next();
      }
    };
    vertx.eventBus().addInboundInterceptor(injector);
    try {
      WebClient http = WebClient.create(vertx);
      assertThat(post(http, engine, "/v1/items", new JsonArray(TeaShop.items())).statusCode()).isEqualTo(202);
      Instant ts = Instant.parse("2011-02-01T10:00:00Z");
      JsonArray first = new JsonArray().add(TeaShop.purchase("f1", "u1", "T1", "b1", ts))
          .add(TeaShop.purchase("f2", "u1", "S1", "b1", ts)).add(TeaShop.purchase("f3", "u2", "C1", "b2", ts));
      JsonArray second = new JsonArray().add(TeaShop.purchase("g1", "u3", "K1", "b3", ts))
          .add(TeaShop.purchase("g2", "u3", "B1", "b3", ts));

      failing.set(true);
      HttpResponse<Buffer> stored = post(http, engine, "/v1/events", first);
      assertThat(stored.statusCode()).as("durable, so accepted: %s", stored.bodyAsString()).isEqualTo(202);
      assertThat(stored.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
      assertThat(post(http, engine, "/v1/events", second).statusCode()).isEqualTo(202);
      assertThat(graphPurchases(vertx)).as("nothing applied while the graph fails").isZero();
      assertThat(awaitingGraph(vertx)).isEqualTo(5);

      HttpResponse<Buffer> retriedWhileFailing = post(http, engine, "/v1/events", first);
      assertThat(retriedWhileFailing.statusCode()).isEqualTo(202);
      assertThat(retriedWhileFailing.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(3);
      assertThat(graphPurchases(vertx)).isZero();
      assertThat(refused.get()).as("the graph was asked again").isGreaterThanOrEqualTo(3);

      failing.set(false);
      HttpResponse<Buffer> retried = post(http, engine, "/v1/events", first);
      assertThat(retried.statusCode()).isEqualTo(202);
      assertThat(retried.bodyAsJsonObject().getInteger("duplicates")).as("stored once").isEqualTo(3);
      assertThat(graphPurchases(vertx)).as("the client's retry applied its own events").isGreaterThanOrEqualTo(3);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (awaitingGraph(vertx) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(awaitingGraph(vertx)).as("the engine's timer applied the rest").isZero();
      Thread.sleep(1_500);
      assertThat(post(http, engine, "/v1/events", first).bodyAsJsonObject().getInteger("duplicates")).isEqualTo(3);
      assertThat(post(http, engine, "/v1/events", second).bodyAsJsonObject().getInteger("duplicates")).isEqualTo(2);
      assertThat(graphPurchases(vertx)).as("every stored purchase applied exactly once").isEqualTo(5);

      // the graph view itself skips a batch it has applied already (one that failed part-way is sent again whole)
      PurchasesApplied again = new PurchasesApplied(List.of(
          new PurchaseFact("g1", "u3", "K1", "u3|b3", ts.toEpochMilli(), List.of("cake case"))));
      Done done = await(vertx.eventBus().<Done>request(Addresses.GRAPH_PURCHASES, again)).body();
      assertThat(done.count()).isZero();
      assertThat(graphPurchases(vertx)).isEqualTo(5);
      System.out.printf("graph failure after commit: %d graph requests refused, 5 purchases applied once%n",
          refused.get());
    } finally {
      vertx.eventBus().removeInboundInterceptor(injector);
      await(engine.stop());
      await(vertx.close());
    }
  }

  private static long graphPurchases(Vertx vertx) {
    return ((Number) health(vertx, "graph").details().get("purchases")).longValue();
  }

  private static long awaitingGraph(Vertx vertx) {
    return ((Number) health(vertx, "ingest").details().get("awaitingGraph")).longValue();
  }

  private static HealthReport health(Vertx vertx, String component) {
    return await(vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + component, "")).body();
  }

  private static HttpResponse<Buffer> post(WebClient http, Engine engine, String path, JsonArray body) {
    return await(http.post(engine.httpPort(), "127.0.0.1", path).sendJson(body));
  }
}
