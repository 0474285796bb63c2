package io.kerec.config;

/**
 * How the judge spends an LLM provider's limits and budget. Jackson binds the record from JSON by component name;
 * every field has a default ({@link #defaults()}), and {@link #validate()} names the first bad one.
 *
 * @param dispatch {@code "live"}: queued pairs are asked at once through the throttle; {@code "batch"}: pairs are
 *     only queued, for {@code kerec judge export} (a provider's batch API) and {@code kerec judge import}
 * @param requestsPerMinute the provider's request limit; 0 means none
 * @param tokensPerMinute the provider's token limit (prompt + answer); 0 means none
 * @param burstMs how much of the limits may be spent at once, as milliseconds of refill (1000: a second's worth);
 *     providers enforce per-minute limits over short windows, so a small burst avoids 429s
 * @param maxInFlight most calls waiting for an answer at once
 * @param answerTokensPerPair answer tokens expected per pair, added to the prompt's size to estimate a call
 *     before it is sent (corrected with the answer's {@code usage})
 * @param maxRetries retries of one call after a 5xx, a timeout or a refused connection, with exponential backoff
 *     and jitter; 429s are retried after their {@code Retry-After} and do not count here
 * @param backoffBaseMs first backoff; doubles with each retry
 * @param backoffMaxMs longest backoff and longest honoured {@code Retry-After}
 * @param breakerMaxFailures consecutive failed calls (5xx, timeout, no connection) that open the circuit breaker
 * @param breakerResetMs how long the breaker stays open before one probe call is let through
 * @param dailyTokens tokens the judge may spend per UTC day; 0 means no cap
 * @param totalTokens tokens the judge may spend in all; 0 means no cap
 * @param maxAbstentions times a pair the model left out of an answer is asked again before it is set aside
 * @param leaseMs how long a claimed pair stays reserved for an instance that stopped answering (crash of
 *     another instance); an instance takes back its own claims when it starts
 * @param instance name of this engine instance in the queue; null means the host name and data directory
 */
public record LlmOptions(
    String dispatch,
    int requestsPerMinute,
    long tokensPerMinute,
    long burstMs,
    int maxInFlight,
    int answerTokensPerPair,
    int maxRetries,
    long backoffBaseMs,
    long backoffMaxMs,
    int breakerMaxFailures,
    long breakerResetMs,
    long dailyTokens,
    long totalTokens,
    int maxAbstentions,
    long leaseMs,
    String instance) {

  /**
   * Defaults: live dispatch; 500 requests and 200,000 tokens a minute (OpenAI's lowest paid tier for small
   * models), a one-second burst, 8 calls in flight, 30 answer tokens a pair, 6 retries from 500 ms up to 60 s,
   * breaker after 5 failures for 15 s, no spend cap, 3 abstentions, 10-minute leases.
   *
   * @return the default options
   */
  public static LlmOptions defaults() {
    return new LlmOptions("live", 500, 200_000, 1_000, 8, 30, 6, 500, 60_000, 5, 15_000, 0, 0, 3, 600_000, null);
  }

  /**
   * Checks every field.
   *
   * @throws ConfigException naming the first bad field
   */
  public void validate() {
    if (!"live".equals(dispatch) && !"batch".equals(dispatch)) {
      throw new ConfigException("judge.llm.dispatch", "must be \"live\" or \"batch\": " + dispatch);
    }
    positiveOrZero("requestsPerMinute", requestsPerMinute);
    positiveOrZero("tokensPerMinute", tokensPerMinute);
    atLeast("burstMs", burstMs, 1);
    atLeast("maxInFlight", maxInFlight, 1);
    positiveOrZero("answerTokensPerPair", answerTokensPerPair);
    positiveOrZero("maxRetries", maxRetries);
    atLeast("backoffBaseMs", backoffBaseMs, 1);
    atLeast("backoffMaxMs", backoffMaxMs, backoffBaseMs);
    atLeast("breakerMaxFailures", breakerMaxFailures, 1);
    atLeast("breakerResetMs", breakerResetMs, 1);
    positiveOrZero("dailyTokens", dailyTokens);
    positiveOrZero("totalTokens", totalTokens);
    positiveOrZero("maxAbstentions", maxAbstentions);
    atLeast("leaseMs", leaseMs, 1_000);
  }

  /** @return true when pairs are asked live, false when they wait for a batch export */
  public boolean live() {
    return "live".equals(dispatch);
  }

  private static void positiveOrZero(String field, long value) {
    atLeast(field, value, 0);
  }

  private static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new ConfigException("judge.llm." + field, "must be >= " + min + ": " + value);
    }
  }
}
