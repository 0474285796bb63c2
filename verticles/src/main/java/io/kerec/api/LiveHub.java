package io.kerec.api;

import io.kerec.bus.Addresses;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.Recommendations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live recommendations: after a user's purchases are applied, their fresh recommendations are published on
 * {@code kerec.live.<userId>}; each WebSocket subscribed to that user receives them as a frame
 * {@code {"type":"recommendations","userId",...,"items":[...]}}. Recomputed for users with a local subscriber,
 * or for every purchasing user when {@code publishAll} is set (for sibling services on the bus) or a
 * {@link RecommendationsTopic} is given, which then receives each user's fresh recommendations as well.
 * Purchases also drop the user's answers from the {@link RecommendationCache} before anything else sees them; the
 * live recompute refills it (or, for a user who was cached but is not watched, a bounded background prefetch).
 */
final class LiveHub {
  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);
  private final Vertx vertx;
  private final RecommendationCache cache;
  private final boolean publishAll;
  private final RecommendationsTopic topic;
  private final Map<String, Integer> localSubscribers = new HashMap<>();
  private int open;
  /** The k of live frames, the API's default k: a live recompute also serves the user's next plain GET. */
  private static final int LIVE_K = 10;

  LiveHub(Vertx vertx, RecommendationCache cache, boolean publishAll, RecommendationsTopic topic) {
    this.vertx = vertx;
    this.cache = cache;
    this.publishAll = publishAll || topic != null;
    this.topic = topic;
  }

  void start() {
    vertx.eventBus().<PurchasesApplied>consumer(Addresses.PURCHASES_APPLIED, msg -> {
      Set<String> users = new LinkedHashSet<>();
      msg.body().purchases().forEach(p -> users.add(p.userId()));
      for (String user : users) {
        boolean cached = cache.invalidate(user);
        if (publishAll || localSubscribers.containsKey(user)) {
          push(user);
        } else if (cached) {
          cache.prefetch(user, LIVE_K);
        }
      }
    });
  }

  private void push(String userId) {
    cache.recompute(userId, LIVE_K)
        .onSuccess(recs -> {
          vertx.eventBus().publish(Addresses.live(userId), recs);
          if (topic != null) {
            topic.send(recs);
          }
        });
  }

  /** Live sockets open now (each counted from its subscription to its close). */
  int open() {
    return open;
  }

  /**
   * Subscribes a socket to a user's live recommendations and sends the current ones at once, from the
   * {@link RecommendationCache} when it holds them (a reconnecting socket costs no recomputation).
   */
  void subscribe(ServerWebSocket socket, String userId, int k) {
    open++;
    localSubscribers.merge(userId, 1, Integer::sum);
    MessageConsumer<Recommendations> consumer = vertx.eventBus().consumer(Addresses.live(userId),
        msg -> send(socket, msg.body()));
    socket.closeHandler(v -> {
      open--;
      consumer.unregister();
      localSubscribers.computeIfPresent(userId, (u, n) -> n > 1 ? n - 1 : null);
    });
    RecommendationCache.Served held = cache.lookup(userId, k);
    Future<Buffer> first = held != null ? Future.succeededFuture(held.body()) : cache.load(userId, k);
    first.onSuccess(body -> {
      if (!socket.isClosed()) {
        socket.writeTextMessage(new JsonObject(body).put("type", "recommendations").encode());
      }
    }).onFailure(e -> LOG.warn("no first frame for {}'s live socket: {}", userId, e.getMessage()));
  }

  private static void send(ServerWebSocket socket, Recommendations recs) {
    if (!socket.isClosed()) {
      JsonObject frame = HttpJson.recommendations(recs).put("type", "recommendations");
      socket.writeTextMessage(frame.encode());
    }
  }
}
