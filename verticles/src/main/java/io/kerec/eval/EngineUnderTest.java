package io.kerec.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.engine.Engine;
import io.kerec.bus.Addresses;
import io.kerec.bus.Done;
import io.kerec.bus.Event;
import io.kerec.bus.EventBatch;
import io.kerec.bus.EventType;
import io.kerec.bus.HealthReport;
import io.kerec.bus.Item;
import io.kerec.bus.ItemBatch;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendation;
import io.kerec.bus.Recommendations;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A real Kerec engine run in-process on a throw-away data directory for an offline evaluation: fed through its
 * own event-bus contracts, judged, trained and its feedback flushed on request (never by timers, so the same inputs
 * give the same numbers), and asked for recommendations one user at a time.
 */
public final class EngineUnderTest implements AutoCloseable {
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(TimeUnit.MINUTES.toMillis(30));
  private static final int ITEMS_PER_BATCH = 1_000;
  private static final int EVENTS_PER_BATCH = 2_000;

  private final Vertx vertx;
  private final Engine engine;
  private final Map<String, Integer> occurrences = new HashMap<>();

  private EngineUnderTest(Vertx vertx, Engine engine) {
    this.vertx = vertx;
    this.engine = engine;
  }

  /** Evaluation settings over the defaults: no timers, loopback on a random port. */
  public static KerecConfig config(Path dataDir) {
    return config(null, dataDir);
  }

  /**
   * Evaluation settings over a configuration file ({@code null}: the bundled default): the engine's own recall,
   * judge and rank settings, with timers off, the recommendation cache off, PostgreSQL's durability relaxed, the data
   * directory given and loopback on a random port.
   */
  public static KerecConfig config(Path confFile, Path dataDir) {
    return config(confFile, dataDir, null);
  }

  /** As {@link #config(Path, Path)}, with the rank model trained with {@code rankSeed} (null: the file's seed). */
  public static KerecConfig config(Path confFile, Path dataDir, Long rankSeed) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dataDir.toString());
    o.putObject("http").put("host", "127.0.0.1").put("port", 0);
    o.putObject("judge").put("autoRun", false);
    ObjectNode rank = o.putObject("rank").put("autoTrain", false);
    if (rankSeed != null) {
      rank.put("seed", rankSeed.longValue());
    }
    o.putObject("feedback").put("flushMs", 3_600_000);
    // exact answers: the evaluation asks over kerec.recommend, which never caches, and the HTTP cache is off too
    o.putObject("cache").put("enabled", false);
    // a throw-away data directory: nothing here has to survive a crash
    o.putObject("postgres").put("durability", "relaxed");
    return ConfigLoader.load(confFile, Map.of(), o);
  }

  /** Starts an engine with the given configuration (which should switch judge and rank timers off). */
  public static EngineUnderTest start(KerecConfig config) {
    Vertx vertx = Vertx.vertx();
    try {
      return new EngineUnderTest(vertx, await(Engine.start(vertx, config)));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * Sends the catalog through {@code kerec.items}, each item listed at {@code listedAt} (its time in the data, not
   * the clock's; an item it does not name is sent without a listing time).
   */
  public void loadCatalog(List<CatalogItem> catalog, Map<String, Instant> listedAt) {
    for (int i = 0; i < catalog.size(); i += ITEMS_PER_BATCH) {
      List<Item> batch = catalog.subList(i, Math.min(catalog.size(), i + ITEMS_PER_BATCH)).stream()
          .map(c -> new Item(c.itemId(), c.title(), c.price(), null, listedAt.get(c.itemId()))).toList();
      await(vertx.eventBus().request(Addresses.ITEMS, new ItemBatch(batch), LONG));
    }
  }

  /** Sends purchases, in the order given, through {@code kerec.events}; reports progress per batch. */
  public void feed(List<Purchase> purchases, IntConsumer progress) {
    for (int i = 0; i < purchases.size(); i += EVENTS_PER_BATCH) {
      List<Purchase> chunk = purchases.subList(i, Math.min(purchases.size(), i + EVENTS_PER_BATCH));
      List<Event> batch = new ArrayList<>(chunk.size());
      for (Purchase p : chunk) {
        String key = p.basketId() + "/" + p.itemId();
        int n = occurrences.merge(key, 1, Integer::sum);
        batch.add(new Event("eval/" + key + "/" + n, EventType.PURCHASE, p.userId(), p.itemId(), p.ts(),
            p.basketId()));
      }
      await(vertx.eventBus().request(Addresses.EVENTS, new EventBatch(batch), LONG));
      progress.accept(chunk.size());
    }
  }

  /** Judges every pending entity pair; returns the number of verdicts. */
  public int judge() {
    return await(vertx.eventBus().<Done>request(Addresses.JUDGE_RUN, "run", LONG)).body().count();
  }

  /** Trains the E-E-I model on the purchase history fed so far; returns the number of samples. */
  public int train() {
    return await(vertx.eventBus().<Done>request(Addresses.RANK_TRAIN, "train", LONG)).body().count();
  }

  /** The engine's full recommendations (recall → E-E-I rank). */
  public List<String> recommend(String userId, int k) {
    Recommendations recs = await(vertx.eventBus().<Recommendations>request(Addresses.RECOMMEND,
        new RecommendRequest(userId, k), LONG)).body();
    return recs.items().stream().map(Recommendation::itemId).toList();
  }

  /** The engine's recommendations with their {@code because} paths. */
  public List<Recommendation> recommendations(String userId, int k) {
    return await(vertx.eventBus().<Recommendations>request(Addresses.RECOMMEND,
        new RecommendRequest(userId, k), LONG)).body().items();
  }

  /** Sends events (exposures, clicks, purchases) as they are, through {@code kerec.events}. */
  public void send(List<Event> events) {
    for (int i = 0; i < events.size(); i += EVENTS_PER_BATCH) {
      await(vertx.eventBus().request(Addresses.EVENTS,
          new EventBatch(events.subList(i, Math.min(events.size(), i + EVENTS_PER_BATCH))), LONG));
    }
  }

  /** Moves the weights of the edges that got feedback now (the engine's timer for it is off); returns how many. */
  public int flushFeedback() {
    return await(vertx.eventBus().<Done>request(Addresses.GRAPH_FEEDBACK_FLUSH, "flush", LONG)).body().count();
  }

  /**
   * Graph-only recommendations: what the engine serves without a model ({@link RecommendRequest#RANK_BASE}): the
   * recall's base-score order, never-sold items held to the fresh slots, popular items to fill.
   */
  public List<String> recommendGraphOnly(String userId, int k) {
    Recommendations recs = await(vertx.eventBus().<Recommendations>request(Addresses.RECOMMEND,
        new RecommendRequest(userId, k, RecommendRequest.RANK_BASE), LONG)).body();
    return recs.items().stream().map(Recommendation::itemId).toList();
  }

  /** Health details of a component, for the report. */
  public Map<String, Object> details(String component) {
    return await(vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + component, "?", LONG))
        .body().details();
  }

  @Override
  public void close() {
    try {
      await(engine.stop());
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
