package io.kerec.judge;

import io.vertx.core.Future;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * How one call to a paid remote provider is admitted, retried and accounted. {@link #DIRECT} sends at once, once;
 * {@link LlmCallPolicy} waits for the rate limits, retries with backoff, honours {@code Retry-After} and trips a
 * circuit breaker.
 */
public interface CallPolicy {
  /** Sends every call at once and never retries. */
  CallPolicy DIRECT = new CallPolicy() {
    @Override
    public <T> Future<T> call(long estimatedTokens, ToLongFunction<T> actualTokens, Supplier<Future<T>> attempt) {
      return attempt.get();
    }
  };

  /**
   * Runs one logical call.
   *
   * @param estimatedTokens tokens the call is expected to use (prompt and answer), charged before it is sent
   * @param actualTokens reads the tokens the provider reported from a successful result, to correct the charge
   * @param attempt sends the request once; called again for each retry
   * @param <T> result type
   * @return the first successful result, or the failure that ended the retries
   */
  <T> Future<T> call(long estimatedTokens, ToLongFunction<T> actualTokens, Supplier<Future<T>> attempt);
}
