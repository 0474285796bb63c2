package io.kerec.api;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.kerec.config.RateLimitOptions;
import io.kerec.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets (Bucket4j) per client, keyed by the authenticated API key's name or else the remote address; a
 * request over its client's limit ends with 429, {@code Retry-After} and the API's JSON error.
 */
final class ClientRateLimiter implements Handler<RoutingContext> {
  private final long burst;
  private final long refill;
  private final Duration per;
  private final String what;
  private final Map<String, Bucket> buckets;
  private final Counter limited = Meters.registry().counter("kerec.http.rate_limited");

  /** The {@code /v1} request limit. */
  ClientRateLimiter(RateLimitOptions options) {
    this(options.burst(), options.requestsPerSecond(), Duration.ofSeconds(1), options.maxClients(),
        "at most " + options.requestsPerSecond() + " requests per second per client");
  }

  /** A limit of {@code refill} per {@code per} with bursts of {@code burst}, described by {@code what}. */
  ClientRateLimiter(long burst, long refill, Duration per, int maxClients, String what) {
    this.burst = burst;
    this.refill = refill;
    this.per = per;
    this.what = what;
    this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxClients;
      }
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    ConsumptionProbe probe = bucket(client(ctx)).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      ctx.next();
      return;
    }
    limited.increment();
    long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    ctx.response().setStatusCode(429).putHeader("Retry-After", Long.toString(seconds))
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", "too many requests: " + what + ", try again in " + seconds + " s")
            .put("field", (String) null).encode());
  }

  private static String client(RoutingContext ctx) {
    User user = ctx.user();
    if (user != null && user.principal().getString("username") != null) {
      return "key:" + user.principal().getString("username");
    }
    return "address:" + ctx.request().remoteAddress().hostAddress();
  }

  private synchronized Bucket bucket(String client) {
    return buckets.computeIfAbsent(client, c -> Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(refill, per).initialTokens(burst))
        .build());
  }
}
