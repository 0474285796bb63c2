package io.kerec.judge;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Admits calls within a provider's requests-per-minute and tokens-per-minute limits: two token buckets (Bucket4j,
 * greedy refill, a burst of {@code burstMs} worth of refill), served first come first served, plus a pause that a
 * {@code Retry-After} imposes on everyone. Tokens are charged from an estimate before the call and corrected with
 * the provider's count after it. Not thread-safe: use it from one Vert.x context.
 */
public final class Throttle {
  private final Vertx vertx;
  private final Bucket requests;
  private final Bucket tokens;
  private final long tokenCapacity;
  private final Deque<Waiter> waiters = new ArrayDeque<>();
  private long pausedUntilNanos;
  private long timer = -1;
  private long waitedNanos;

  private record Waiter(long tokens, Promise<Permit> promise) {
  }

  /**
   * One admitted call's charge.
   *
   * @param tokens tokens charged so far
   */
  public final class Permit {
    private long charged;
    private boolean settled;

    private Permit(long charged) {
      this.charged = charged;
    }

    /**
     * Corrects the token charge to what the provider reported.
     *
     * @param actualTokens tokens used; 0 or less means the provider reported none, so the estimate stands
     */
    public void settle(long actualTokens) {
      if (settled || tokens == null || actualTokens <= 0) {
        settled = true;
        return;
      }
      settled = true;
      long difference = actualTokens - charged;
      if (difference > 0) {
        tokens.consumeIgnoringRateLimits(difference);
      } else if (difference < 0) {
        tokens.addTokens(-difference);
      }
      charged = actualTokens;
    }

    /** Gives the tokens back: the provider refused the call (429, 5xx) before doing the work. */
    public void refundTokens() {
      if (!settled && tokens != null && charged > 0) {
        tokens.addTokens(charged);
      }
      settled = true;
    }

    /** Gives the request and the tokens back: the call was never sent. */
    public void refundAll() {
      refundTokens();
      if (requests != null) {
        requests.addTokens(1);
      }
    }
  }

  /**
   * @param vertx for timers
   * @param requestsPerMinute request limit, 0 for none
   * @param tokensPerMinute token limit, 0 for none
   * @param burstMs burst, as milliseconds of refill
   * @param largestCall tokens of the largest single call, so that one always fits in the token bucket
   */
  public Throttle(Vertx vertx, long requestsPerMinute, long tokensPerMinute, long burstMs, long largestCall) {
    this.vertx = vertx;
    this.requests = requestsPerMinute <= 0 ? null : bucket(requestsPerMinute, burstMs, 1);
    this.tokenCapacity = tokensPerMinute <= 0 ? 0 : capacity(tokensPerMinute, burstMs, largestCall);
    this.tokens = tokensPerMinute <= 0 ? null : bucket(tokensPerMinute, burstMs, largestCall);
  }

  private static long capacity(long perMinute, long burstMs, long atLeast) {
    return Math.max(atLeast, Math.max(1, perMinute * burstMs / 60_000));
  }

  private static Bucket bucket(long perMinute, long burstMs, long atLeast) {
    long capacity = capacity(perMinute, burstMs, atLeast);
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(perMinute, Duration.ofMinutes(1))
            .initialTokens(capacity))
        .build();
  }

  /**
   * Waits until one request and {@code estimatedTokens} tokens are available and charges them.
   *
   * @param estimatedTokens tokens to charge (capped at the bucket's capacity so that a huge call still passes)
   * @return the permit, once admitted
   */
  public Future<Permit> acquire(long estimatedTokens) {
    long charge = tokens == null ? Math.max(0, estimatedTokens) : Math.min(Math.max(0, estimatedTokens), tokenCapacity);
    Promise<Permit> promise = Promise.promise();
    waiters.addLast(new Waiter(charge, promise));
    drain();
    return promise.future();
  }

  /**
   * Stops admitting calls for a while (the provider's {@code Retry-After}); a later, shorter pause does not
   * shorten it.
   *
   * @param millis how long
   */
  public void pauseFor(long millis) {
    long until = System.nanoTime() + Math.max(0, millis) * 1_000_000;
    if (until - pausedUntilNanos > 0) {
      pausedUntilNanos = until;
    }
    reschedule(Math.max(0, millis) * 1_000_000);
  }

  /** @return milliseconds left of the current {@code Retry-After} pause, 0 when none */
  public long pausedForMillis() {
    long left = pausedUntilNanos - System.nanoTime();
    return left > 0 ? left / 1_000_000 : 0;
  }

  /** @return calls waiting to be admitted */
  public int waiting() {
    return waiters.size();
  }

  /** @return total time calls have spent at the head of the queue waiting for the limits, in milliseconds */
  public long waitedMillis() {
    return waitedNanos / 1_000_000;
  }

  /** @return requests available now, or -1 without a request limit */
  public long availableRequests() {
    return requests == null ? -1 : requests.getAvailableTokens();
  }

  /** @return tokens available now, or -1 without a token limit */
  public long availableTokens() {
    return tokens == null ? -1 : tokens.getAvailableTokens();
  }

  private void drain() {
    while (!waiters.isEmpty()) {
      if (timer >= 0) {
        return;
      }
      long pause = pausedUntilNanos - System.nanoTime();
      if (pause > 0) {
        reschedule(pause);
        return;
      }
      Waiter head = waiters.peekFirst();
      long wait = 0;
      if (requests != null) {
        EstimationProbe probe = requests.estimateAbilityToConsume(1);
        wait = probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
      }
      if (tokens != null && head.tokens() > 0) {
        EstimationProbe probe = tokens.estimateAbilityToConsume(head.tokens());
        wait = Math.max(wait, probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill());
      }
      if (wait > 0) {
        waitedNanos += wait;
        reschedule(wait);
        return;
      }
      if (requests != null) {
        requests.consumeIgnoringRateLimits(1);
      }
      if (tokens != null && head.tokens() > 0) {
        tokens.consumeIgnoringRateLimits(head.tokens());
      }
      waiters.pollFirst();
      head.promise().complete(new Permit(head.tokens()));
    }
  }

  private void reschedule(long nanos) {
    if (waiters.isEmpty()) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
    timer = vertx.setTimer(millis, id -> {
      timer = -1;
      drain();
    });
  }
}
