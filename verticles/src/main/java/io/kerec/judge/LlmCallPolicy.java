package io.kerec.judge;

import io.kerec.config.LlmOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The production {@link CallPolicy} for a remote LLM: every HTTP call waits for the {@link Throttle} (requests and
 * tokens per minute), runs inside a Vert.x circuit breaker, and is retried:
 * <ul>
 *   <li>429: the whole throttle pauses for the server's {@code retry-after-ms} / {@code Retry-After} (or the
 *       backoff when it sent none), then the call queues again; the tokens are refunded;</li>
 *   <li>5xx, 408, timeout, refused connection: exponential backoff with jitter, up to
 *       {@link LlmOptions#maxRetries()}; these are what open the breaker;</li>
 *   <li>breaker open: fails at once with {@link ProviderUnavailableException}, nothing is sent;</li>
 *   <li>other 4xx and unparseable answers: not retried here.</li>
 * </ul>
 * Metrics ({@code kerec.judge.*}): calls by outcome, tokens, rate-limited answers, retries, latency histogram,
 * breaker state. Use from one Vert.x context.
 */
public final class LlmCallPolicy implements CallPolicy {
  /** Most 429 answers one logical call goes through before it fails. */
  public static final int MAX_RATE_LIMITED = 50;

  private final Vertx vertx;
  private final LlmOptions options;
  private final Throttle throttle;
  private final CircuitBreaker breaker;
  private final MeterRegistry meters;
  private final Timer latency;
  private final Counter tokens;
  private final Counter rateLimited;
  private final Counter retries;
  private LongConsumer spend = t -> { };
  private long callsSent;
  private long rateLimitedCount;
  private long retryCount;
  private String lastFailure;

  /** What a guarded attempt produced, so that only outages count as breaker failures. */
  private record Outcome<T>(T value, Throwable failure) {
  }

  /**
   * Tokens of the largest call a provider with these options makes: a full batch (about 1,500 tokens of instructions,
   * 40 a pair and the expected answer) with its one repair, so that the token bucket is made large enough for it.
   *
   * @param openai the batch size
   * @param llm the answer tokens expected per pair
   * @return the tokens to size the bucket by
   */
  public static long largestCall(io.kerec.config.OpenAiOptions openai, LlmOptions llm) {
    return 2L * (1_500 + (long) openai.batchSize() * (40 + llm.answerTokensPerPair()));
  }

  /**
   * @param vertx for timers and the breaker
   * @param options limits, retries, breaker
   * @param largestCall tokens of the largest call (a full batch with its repair), so that it fits the bucket
   * @param meters where metrics go
   * @param provider provider name, as a metrics tag
   */
  public LlmCallPolicy(Vertx vertx, LlmOptions options, long largestCall, MeterRegistry meters, String provider) {
    this.vertx = vertx;
    this.options = options;
    this.throttle = new Throttle(vertx, options.requestsPerMinute(), options.tokensPerMinute(), options.burstMs(),
        largestCall);
    this.breaker = CircuitBreaker.create("kerec-judge-" + provider, vertx, new CircuitBreakerOptions()
        .setMaxFailures(options.breakerMaxFailures())
        .setResetTimeout(options.breakerResetMs())
        .setTimeout(-1)
        .setMaxRetries(0));
    this.meters = meters;
    this.latency = Timer.builder("kerec.judge.latency").description("LLM call latency, answered calls")
        .tag("provider", provider).publishPercentileHistogram().register(meters);
    this.tokens = Counter.builder("kerec.judge.tokens").tag("provider", provider).register(meters);
    this.rateLimited = Counter.builder("kerec.judge.rate_limited").description("429 answers")
        .tag("provider", provider).register(meters);
    this.retries = Counter.builder("kerec.judge.retries").tag("provider", provider).register(meters);
    meters.gauge("kerec.judge.breaker.open", java.util.List.of(io.micrometer.core.instrument.Tag.of("provider",
        provider)), breaker, b -> b.state() == CircuitBreakerState.CLOSED ? 0 : 1);
  }

  /**
   * Registers who is told the tokens of every answered call (the spend ledger).
   *
   * @param listener receives the provider-reported tokens of each answered call
   * @return this
   */
  public LlmCallPolicy onSpend(LongConsumer listener) {
    this.spend = listener;
    return this;
  }

  /** @return the throttle (for status) */
  public Throttle throttle() {
    return throttle;
  }

  /** @return the breaker's state */
  public CircuitBreakerState breakerState() {
    return breaker.state();
  }

  /**
   * Registers a handler run whenever the breaker lets a probe through (half-open) or closes again.
   *
   * @param handler what to run
   */
  public void onBreakerRecovery(Runnable handler) {
    breaker.halfOpenHandler(v -> handler.run());
    breaker.closeHandler(v -> handler.run());
  }

  /** @return HTTP requests sent */
  public long callsSent() {
    return callsSent;
  }

  /** @return 429 answers received */
  public long rateLimitedCount() {
    return rateLimitedCount;
  }

  /** @return retries after 5xx, timeouts and refused connections */
  public long retryCount() {
    return retryCount;
  }

  /** @return the last failure of a call, or null */
  public String lastFailure() {
    return lastFailure;
  }

  @Override
  public <T> Future<T> call(long estimatedTokens, ToLongFunction<T> actualTokens, Supplier<Future<T>> attempt) {
    return attempt(estimatedTokens, actualTokens, attempt, 0, 0);
  }

  private <T> Future<T> attempt(long estimate, ToLongFunction<T> actualTokens, Supplier<Future<T>> attempt,
                                int retried, int limited) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      return Future.failedFuture(unavailable());
    }
    return throttle.acquire(estimate).compose(permit -> {
      if (breaker.state() == CircuitBreakerState.OPEN) {
        permit.refundAll();
        return Future.failedFuture(unavailable());
      }
      long started = System.nanoTime();
      Future<Outcome<T>> guarded = breaker.execute(() -> {
        callsSent++;
        return attempt.get().transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(new Outcome<>(ar.result(), null));
          }
          return isOutage(ar.cause()) ? Future.failedFuture(ar.cause())
              : Future.succeededFuture(new Outcome<T>(null, ar.cause()));
        });
      });
      return guarded.transform(ar -> {
        if (ar.succeeded() && ar.result().failure() == null) {
          latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          long used = actualTokens.applyAsLong(ar.result().value());
          permit.settle(used);
          tokens.increment(used);
          spend.accept(used);
          count("ok");
          return Future.succeededFuture(ar.result().value());
        }
        Throwable failure = ar.succeeded() ? ar.result().failure() : ar.cause();
        if (failure instanceof OpenCircuitException) {
          permit.refundAll();
          return Future.failedFuture(unavailable());
        }
        lastFailure = failure.getMessage();
        if (failure instanceof ProviderHttpException http && http.status() == 429) {
          permit.refundTokens();
          rateLimited.increment();
          rateLimitedCount++;
          count("rate_limited");
          long wait = http.retryAfterMillis() >= 0 ? Math.min(http.retryAfterMillis(), options.backoffMaxMs())
              : backoff(limited);
          throttle.pauseFor(wait);
          if (limited + 1 >= MAX_RATE_LIMITED) {
            return Future.failedFuture(failure);
          }
          return attempt(estimate, actualTokens, attempt, retried, limited + 1);
        }
        if (isOutage(failure)) {
          permit.refundTokens();
          count("failed");
          if (retried >= options.maxRetries()) {
            return Future.failedFuture(failure);
          }
          retries.increment();
          retryCount++;
          return later(backoff(retried)).compose(v -> attempt(estimate, actualTokens, attempt, retried + 1, limited));
        }
        if (failure instanceof UnparseableAnswerException bad) {
          permit.settle(bad.tokens());
          tokens.increment(bad.tokens());
          spend.accept(bad.tokens());
          count("unparseable");
        } else {
          permit.settle(0);
          count("rejected");
        }
        return Future.failedFuture(failure);
      });
    });
  }

  private ProviderUnavailableException unavailable() {
    return new ProviderUnavailableException("circuit breaker " + breaker.state().name().toLowerCase()
        + " after repeated provider failures" + (lastFailure == null ? "" : "; last: " + lastFailure));
  }

  private void count(String outcome) {
    meters.counter("kerec.judge.calls", "outcome", outcome).increment();
  }

  /** 5xx, 408, timeouts and refused connections: the provider is (temporarily) not working. */
  static boolean isOutage(Throwable e) {
    if (e instanceof ProviderTransportException) {
      return true;
    }
    return e instanceof ProviderHttpException http && http.status() != 429 && http.retryable();
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
  private long backoff(int attempt) {
    long delay = Math.min(options.backoffMaxMs(), options.backoffBaseMs() << Math.min(attempt, 20));
    return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
  }

  private Future<Void> later(long millis) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> promise.complete());
    return promise.future();
  }
}
