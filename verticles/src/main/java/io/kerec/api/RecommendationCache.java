package io.kerec.api;

import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendations;
import io.kerec.config.CacheOptions;
import io.kerec.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nearline per-user cache in front of {@link Recommender} for {@code GET /v1/users/{id}/recommendations}: each
 * (user, k) answer is kept as its encoded JSON body, so a hit costs a map lookup and a write (see
 * {@link CacheOptions}).
 * <ul>
 *   <li>A miss computes as without the cache; concurrent misses for one (user, k) share that one computation.</li>
 *   <li>An answer's age counts from the start of its computation (the state it saw). Younger than
 *       {@code refreshAfterMs}: a hit. Up to {@code maxStalenessMs}: served as it is and recomputed in the background,
 *       at most {@code maxRefreshes} at once (a refresh that finds no room is left to a later hit). Older: never
 *       served; the request waits for a recompute.</li>
 *   <li>{@link #invalidate} drops a user's answers (their purchases); a computation in flight at that moment still
 *       answers whoever waits for it but never fills the cache, so no answer from before the purchase survives it.</li>
 *   <li>At most {@code maxEntries} answers, least recently used dropped first.</li>
 * </ul>
 * Not thread-safe: the API verticle calls it on its own event loop only (futures of the event bus complete there).
 * Switched off, every call computes exactly, uncached.
 */
final class RecommendationCache {
  private static final Logger LOG = LoggerFactory.getLogger(RecommendationCache.class);
  /** Header on each answer of the HTTP route: {@code hit}, {@code stale} (served while refreshed) or {@code miss}. */
  static final String HEADER = "kerec-cache";

  private record Key(String userId, int k) {
  }

  /** One (user, k) answer: its body once computed, when its computation started, and a computation in flight. */
  private static final class Slot {
    Buffer body;
    long startedNanos;
    Future<Buffer> pending;
  }

  /** What a lookup found: the body to write and how it was served. */
  record Served(Buffer body, String how) {
  }

  private final Recommender recommender;
  private final CacheOptions options;
  private final boolean active;
  private final long refreshAfterNanos;
  private final long maxStalenessNanos;
  private final LinkedHashMap<Key, Slot> slots;
  private final Map<String, Set<Integer>> ksByUser = new HashMap<>();
  private int refreshing;
  private final MeterRegistry meters = Meters.registry();
  private final Counter hits = counter("hit");
  private final Counter stale = counter("stale");
  private final Counter misses = counter("miss");
  private final Counter bypasses = counter("bypass");
  private final Counter refreshesSkipped = meters.counter("kerec.recommendations.cache.refreshes.skipped");
  private final Counter invalidations = meters.counter("kerec.recommendations.cache.invalidations");
  private final Gauge size;

  RecommendationCache(Recommender recommender, CacheOptions options) {
    this.recommender = recommender;
    this.options = options;
    this.active = options.active();
    this.refreshAfterNanos = TimeUnit.MILLISECONDS.toNanos(options.refreshAfterMs());
    this.maxStalenessNanos = TimeUnit.MILLISECONDS.toNanos(options.maxStalenessMs());
    this.slots = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Slot> eldest) {
        if (size() <= options.maxEntries()) {
          return false;
        }
        forget(eldest.getKey());
        return true;
      }
    };
    this.size = Gauge.builder("kerec.recommendations.cache.size", slots, Map::size)
        .description("(user, k) answers held by the recommendation cache").register(meters);
  }

  private Counter counter(String result) {
    return Counter.builder("kerec.recommendations.cache").tag("result", result)
        .description("GET recommendations by how the cache served them").register(meters);
  }

  /** Whether answers are cached; when not, {@link #lookup} finds nothing and {@link #load} computes every time. */
  boolean active() {
    return active;
  }

  /** The answer held for (user, k) if it may be served now (a hit, or stale and being refreshed), else null. */
  Served lookup(String userId, int k) {
    if (!active) {
      return null;
    }
    Key key = new Key(userId, k);
    Slot slot = slots.get(key);
    if (slot == null || slot.body == null) {
      return null;
    }
    long age = System.nanoTime() - slot.startedNanos;
    if (age >= maxStalenessNanos) {
      return null;
    }
    if (age < refreshAfterNanos) {
      hits.increment();
      return new Served(slot.body, "hit");
    }
    stale.increment();
    refresh(key, slot);
    return new Served(slot.body, "stale");
  }

  /** Computes the answer a {@link #lookup} did not find (sharing one computation per (user, k)) and keeps it. */
  Future<Buffer> load(String userId, int k) {
    if (!active) {
      return recommender.recommend(new RecommendRequest(userId, k)).map(RecommendationCache::encode);
    }
    misses.increment();
    Key key = new Key(userId, k);
    Slot slot = slots.computeIfAbsent(key, this::remember);
    if (slot.pending != null) {
      return slot.pending;
    }
    return compute(key, slot).map(RecommendationCache::encode);
  }

  /**
   * Drops every answer held for the user (after their purchases are applied); returns whether any was held. A
   * computation in flight for them still answers its callers but is not kept.
   */
  boolean invalidate(String userId) {
    if (!active) {
      return false;
    }
    Set<Integer> ks = ksByUser.remove(userId);
    if (ks == null) {
      return false;
    }
    ks.forEach(k -> slots.remove(new Key(userId, k)));
    invalidations.increment();
    return true;
  }

  /**
   * Computes the user's answer now and keeps it: the live push after a purchase, whose result then serves the next
   * GET too. Call after {@link #invalidate}.
   */
  Future<Recommendations> recompute(String userId, int k) {
    if (!active) {
      return recommender.recommend(new RecommendRequest(userId, k));
    }
    Key key = new Key(userId, k);
    Slot slot = slots.computeIfAbsent(key, this::remember);
    return compute(key, slot);
  }

  /**
   * Computes the answer afresh for a request that asks not to be served from the cache ({@code Cache-Control:
   * no-cache}) and keeps it for the requests after.
   */
  Future<Buffer> bypass(String userId, int k) {
    if (!active) {
      return load(userId, k);
    }
    bypasses.increment();
    Key key = new Key(userId, k);
    return compute(key, slots.computeIfAbsent(key, this::remember)).map(RecommendationCache::encode);
  }

  /** Recomputes the user's answer in the background if a refresh slot is free (a purchase by a cached user). */
  void prefetch(String userId, int k) {
    if (active && refreshing < options.maxRefreshes()) {
      Key key = new Key(userId, k);
      refresh(key, slots.computeIfAbsent(key, this::remember));
    }
  }

  private void refresh(Key key, Slot slot) {
    if (slot.pending != null) {
      return;
    }
    if (refreshing >= options.maxRefreshes()) {
      refreshesSkipped.increment();
      return;
    }
    refreshing++;
    compute(key, slot).onComplete(ar -> {
      refreshing--;
      if (ar.failed()) {
        LOG.debug("refresh of {} failed, keeping the answer held: {}", key, ar.cause().getMessage());
      }
    });
  }

  private Future<Recommendations> compute(Key key, Slot slot) {
    long started = System.nanoTime();
    Future<Recommendations> recs = recommender.recommend(new RecommendRequest(key.userId(), key.k()));
    Future<Buffer> body = recs.map(RecommendationCache::encode);
    slot.pending = body;
    body.onComplete(ar -> {
      if (slot.pending == body) {
        slot.pending = null;
      }
      // kept only if the slot is still the one held: an invalidation or eviction meanwhile discards the result
      if (ar.succeeded() && slots.get(key) == slot && (slot.body == null || started - slot.startedNanos >= 0)) {
        slot.body = ar.result();
        slot.startedNanos = started;
      }
    });
    return recs;
  }

  private Slot remember(Key key) {
    ksByUser.computeIfAbsent(key.userId(), u -> new TreeSet<>()).add(key.k());
    return new Slot();
  }

  private void forget(Key key) {
    Set<Integer> ks = ksByUser.get(key.userId());
    if (ks != null && ks.remove(key.k()) && ks.isEmpty()) {
      ksByUser.remove(key.userId());
    }
  }

  /** The HTTP body of an answer, the same bytes with or without the cache. */
  static Buffer encode(Recommendations recs) {
    return Buffer.buffer(HttpJson.recommendations(recs).encode());
  }

  /** Answers held now. */
  int size() {
    return slots.size();
  }

  /** Unregisters the size gauge (a restarted engine in the same JVM registers its own). */
  void close() {
    meters.remove(size);
  }
}
