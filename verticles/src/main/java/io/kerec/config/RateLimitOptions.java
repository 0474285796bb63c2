package io.kerec.config;

/**
 * Per-client request limits on {@code /v1}: each client (its API key's name, or its address when the API is open)
 * may make {@code requestsPerSecond} requests, with bursts of up to {@code burst}; beyond that it gets 429 with
 * {@code Retry-After}. {@code requestsPerSecond} 0 turns the limit off. At most {@code maxClients} clients are
 * tracked; the least recently seen is forgotten first.
 */
public record RateLimitOptions(int requestsPerSecond, int burst, int maxClients) {
  static RateLimitOptions defaults() {
    return new RateLimitOptions(0, 100, 100_000);
  }

  /** Whether requests are limited. */
  public boolean enabled() {
    return requestsPerSecond > 0;
  }

  void validate() {
    Require.range("rateLimit.requestsPerSecond", requestsPerSecond, 0, 10_000_000);
    Require.range("rateLimit.burst", burst, 1, 10_000_000);
    Require.range("rateLimit.maxClients", maxClients, 1, 100_000_000);
  }
}
