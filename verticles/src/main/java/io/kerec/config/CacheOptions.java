package io.kerec.config;

/**
 * The nearline per-user recommendation cache on {@code GET /v1/users/{id}/recommendations}: each (user, k) answer is
 * kept as its encoded JSON body. A user's own purchases drop that user's answers at once (and recompute them when the
 * user is watched live or was cached). Global changes (a new rank model, judged edges, feedback weights, co-purchase
 * counts) reach a cached answer by age: from {@code refreshAfterMs} an answer is still served but recomputed in the
 * background, at most {@code maxRefreshes} at a time; an answer {@code maxStalenessMs} old is never served, the request
 * waits for the recompute instead. {@code maxEntries} bounds the answers kept (least recently used go first).
 * {@code enabled} false or {@code maxStalenessMs} 0 serve every request exactly, uncached. {@code kerec.recommend} on
 * the event bus (and so the offline evaluation) never goes through the cache.
 */
public record CacheOptions(boolean enabled, long maxStalenessMs, long refreshAfterMs, int maxEntries,
                           int maxRefreshes) {
  static CacheOptions defaults() {
    return new CacheOptions(true, 900_000, 300_000, 100_000, 2);
  }

  /** Whether answers are cached at all. */
  public boolean active() {
    return enabled && maxStalenessMs > 0;
  }

  void validate() {
    Require.range("cache.maxStalenessMs", maxStalenessMs, 0, 86_400_000);
    // with maxStalenessMs 0 the cache is off, so a default refreshAfterMs above it is no contradiction
    Require.range("cache.refreshAfterMs", refreshAfterMs, 0, maxStalenessMs == 0 ? 86_400_000 : maxStalenessMs);
    Require.range("cache.maxEntries", maxEntries, 1, 100_000_000);
    Require.range("cache.maxRefreshes", maxRefreshes, 1, 1_000);
  }
}
