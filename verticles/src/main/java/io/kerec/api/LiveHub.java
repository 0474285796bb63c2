package io.kerec.api;

import io.kerec.bus.Addresses;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendations;
import io.vertx.core.Vertx;
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
 */
final class LiveHub {
  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);
  private final Vertx vertx;
  private final Recommender recommender;
  private final boolean publishAll;
  private final RecommendationsTopic topic;
  private final Map<String, Integer> localSubscribers = new HashMap<>();

  LiveHub(Vertx vertx, Recommender recommender, boolean publishAll, RecommendationsTopic topic) {
    this.vertx = vertx;
    this.recommender = recommender;
    this.publishAll = publishAll || topic != null;
    this.topic = topic;
  }

  void start() {
    vertx.eventBus().<PurchasesApplied>consumer(Addresses.PURCHASES_APPLIED, msg -> {
      Set<String> users = new LinkedHashSet<>();
      for (PurchaseFact p : msg.body().purchases()) {
        if (publishAll || localSubscribers.containsKey(p.userId())) {
          users.add(p.userId());
        }
      }
      users.forEach(this::push);
    });
  }

  private void push(String userId) {
    recommender.recommend(new RecommendRequest(userId, 10))
        .onSuccess(recs -> {
          vertx.eventBus().publish(Addresses.live(userId), recs);
          if (topic != null) {
            topic.send(recs);
          }
        });
  }

  /** Subscribes a socket to a user's live recommendations and sends the current ones at once. */
  void subscribe(ServerWebSocket socket, String userId, int k) {
    localSubscribers.merge(userId, 1, Integer::sum);
    MessageConsumer<Recommendations> consumer = vertx.eventBus().consumer(Addresses.live(userId),
        msg -> send(socket, msg.body()));
    socket.closeHandler(v -> {
      consumer.unregister();
      localSubscribers.computeIfPresent(userId, (u, n) -> n > 1 ? n - 1 : null);
    });
    recommender.recommend(new RecommendRequest(userId, k)).onSuccess(recs -> send(socket, recs))
        .onFailure(e -> LOG.warn("no first frame for {}'s live socket: {}", userId, e.getMessage()));
  }

  private static void send(ServerWebSocket socket, Recommendations recs) {
    if (!socket.isClosed()) {
      JsonObject frame = HttpJson.recommendations(recs).put("type", "recommendations");
      socket.writeTextMessage(frame.encode());
    }
  }
}
