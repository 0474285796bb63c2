package io.kerec.judge;

import io.kerec.config.LlmOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the {@link PairQueue} through an LLM {@link VerdictProvider}: claims a batch, asks, stores the verdicts and
 * removes the batch from the queue in one transaction, then hands the new verdicts to the graph. Keeps up to
 * {@link LlmOptions#maxInFlight()} calls going; the provider's {@link LlmCallPolicy} paces them. Stops claiming
 * while the breaker is open or a spend cap is reached, and says why in {@link #status()}.
 * Use from one Vert.x context.
 */
public final class LlmDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(LlmDispatcher.class);
  private static final long IDLE_POLL_MS = 1_000;

  private final Vertx vertx;
  private final PairQueue queue;
  private final VerdictProvider provider;
  private final LlmCallPolicy policy;
  private final LlmOptions options;
  private final String instance;
  private final Function<List<Verdict>, Future<Void>> sink;
  private final MeterRegistry meters;
  private int inFlight;
  private boolean claiming;
  private boolean started;
  private boolean stopped;
  private long pollTimer = -1;
  private LocalDate day = LocalDate.now(ZoneOffset.UTC);
  private long spentToday;
  private long spentTotal;
  private long verdicts;
  private long complementary;
  private long unparseable;
  private long calls;
  private long recovered;
  private String lastError;
  private volatile int pendingGauge;

  /**
   * @param vertx the Vert.x instance
   * @param queue the durable queue
   * @param provider the LLM provider, built with {@code policy}
   * @param policy the provider's call policy (throttle, breaker)
   * @param options limits and caps
   * @param instance this instance's name in the queue
   * @param sink receives every verdict stored for the first time (the graph's complements)
   * @param meters metrics registry
   */
  public LlmDispatcher(Vertx vertx, PairQueue queue, VerdictProvider provider, LlmCallPolicy policy,
                       LlmOptions options, String instance, Function<List<Verdict>, Future<Void>> sink,
                       MeterRegistry meters) {
    this.vertx = vertx;
    this.queue = queue;
    this.provider = provider;
    this.policy = policy;
    this.options = options;
    this.instance = instance;
    this.sink = sink;
    this.meters = meters;
    policy.onSpend(tokens -> {
      rollDay();
      spentToday += tokens;
      spentTotal += tokens;
    });
    policy.onBreakerRecovery(this::wake);
    meters.gauge("kerec.judge.queue.pending", this, d -> d.pendingGauge);
    meters.gauge("kerec.judge.spend.tokens.today", this, d -> d.spentToday);
    meters.gauge("kerec.judge.budget.exhausted", this, d -> d.budgetReason() == null ? 0 : 1);
  }

  /**
   * Takes back this instance's claims from before a crash, loads the spend so far and starts claiming.
   *
   * @return completion once the queue is ready
   */
  public Future<Void> start() {
    return recoverInFlight().compose(v -> queue.releaseClaimsOf(instance))
        .compose(released -> {
          if (released > 0) {
            LOG.info("judge: {} pairs claimed before the last stop are pending again", released);
          }
          return queue.spent();
        })
        .map(spent -> {
          spentToday = spent[0];
          spentTotal = spent[1];
          started = true;
          pollTimer = vertx.setPeriodic(IDLE_POLL_MS, id -> {
            refreshDepth();
            wake();
          });
          wake();
          return null;
        });
  }

  private OpenAiVerdictProvider storing() {
    return provider instanceof OpenAiVerdictProvider o && o.options().storeCompletions() ? o : null;
  }

  /** Fetches the stored answers of the calls this instance had in flight when it stopped, one call at a time. */
  private Future<Void> recoverInFlight() {
    OpenAiVerdictProvider openai = storing();
    if (openai == null) {
      return Future.succeededFuture();
    }
    return queue.callsInFlight(instance).compose(calls -> {
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, List<EntityPair>> call : calls.entrySet()) {
        chain = chain.compose(v -> openai.recover(call.getValue(), call.getKey()).compose(answer -> {
          if (answer == null) {
            return Future.succeededFuture();
          }
          recovered += call.getValue().size();
          long tokens = answer.stream().mapToLong(Verdict::tokens).sum();
          spentToday += tokens;
          spentTotal += tokens;
          return queue.complete(call.getValue(), answer, tokens, options.maxAbstentions(), 60_000)
              .compose(fresh -> fresh.isEmpty() ? Future.<Void>succeededFuture() : sink.apply(fresh));
        }));
      }
      return chain.onSuccess(v -> {
        if (recovered > 0) {
          LOG.info("judge: answers of {} pairs in flight at the last stop recovered from the provider", recovered);
        }
      });
    });
  }

  /** Stops claiming; calls in flight finish. */
  public void stop() {
    stopped = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
  }

  /** Claims and asks pairs while there are calls to spare; call when pairs were queued. */
  public void wake() {
    if (canClaim()) {
      claiming = true;
      int batch = Math.max(1, provider.maxBatch());
      queue.claim(instance, batch, options.leaseMs())
          .onComplete(ar -> {
            claiming = false;
            if (ar.failed()) {
              lastError = "queue: " + ar.cause().getMessage();
              LOG.warn("judge: claiming pairs failed: {}", ar.cause().getMessage());
              return;
            }
            List<EntityPair> pairs = ar.result();
            if (pairs.isEmpty()) {
              return;
            }
            inFlight++;
            ask(pairs).onComplete(done -> {
              inFlight--;
              wake();
            });
            wake();
          });
    }
  }

  private boolean canClaim() {
    return started && !stopped && options.live() && !claiming && inFlight < options.maxInFlight()
        && policy.breakerState() != CircuitBreakerState.OPEN && budgetReason() == null;
  }

  private Future<Void> ask(List<EntityPair> pairs) {
    calls++;
    OpenAiVerdictProvider openai = storing();
    Future<List<Verdict>> call;
    if (openai == null) {
      call = provider.judge(pairs);
    } else {
      String callId = java.util.UUID.randomUUID().toString();
      call = queue.markCall(pairs, callId).compose(v -> openai.judge(pairs, callId));
    }
    return call.transform(ar -> {
      if (ar.succeeded()) {
        List<Verdict> answer = ar.result();
        long tokens = answer.stream().mapToLong(Verdict::tokens).sum();
        return queue.complete(pairs, answer, tokens, options.maxAbstentions(), 60_000)
            .compose(fresh -> {
              for (Verdict v : fresh) {
                verdicts++;
                if (v.complementary()) {
                  complementary++;
                }
                meters.counter("kerec.judge.verdicts", "provider", provider.name(),
                    "outcome", v.complementary() ? "complementary" : "not_complementary").increment();
              }
              if (answer.size() < pairs.size()) {
                meters.counter("kerec.judge.verdicts", "provider", provider.name(), "outcome", "abstained")
                    .increment(pairs.size() - answer.size());
              }
              lastError = null;
              return fresh.isEmpty() ? Future.<Void>succeededFuture() : sink.apply(fresh);
            });
      }
      Throwable e = ar.cause();
      if (e instanceof UnparseableAnswerException bad) {
        unparseable += pairs.size();
        meters.counter("kerec.judge.verdicts", "provider", provider.name(), "outcome", "unparseable")
            .increment(pairs.size());
        lastError = e.getMessage();
        return queue.unparseable(pairs, e.getMessage(), bad.rawAnswer(), bad.tokens());
      }
      lastError = e.getMessage();
      long delay = e instanceof ProviderUnavailableException ? 0 : options.backoffMaxMs();
      return queue.release(pairs, delay, e.getMessage());
    }).recover(e -> {
      lastError = "queue: " + e.getMessage();
      LOG.warn("judge: recording a call's outcome failed; its pairs stay claimed until restart or lease expiry: {}",
          e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void rollDay() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    if (!today.equals(day)) {
      day = today;
      spentToday = 0;
    }
  }

  /** @return why spending stopped, or null while within the caps */
  public String budgetReason() {
    rollDay();
    if (options.totalTokens() > 0 && spentTotal >= options.totalTokens()) {
      return "total token budget of " + options.totalTokens() + " reached (" + spentTotal + " spent)";
    }
    if (options.dailyTokens() > 0 && spentToday >= options.dailyTokens()) {
      return "daily token budget of " + options.dailyTokens() + " reached (" + spentToday
          + " spent today); resumes at 00:00 UTC";
    }
    return null;
  }

  /** @return why judging is degraded (breaker, budget), or null when it is working */
  public String degradedReason() {
    if (policy.breakerState() != CircuitBreakerState.CLOSED) {
      return "provider unavailable: circuit breaker " + policy.breakerState().name().toLowerCase()
          + (policy.lastFailure() == null ? "" : " (last failure: " + policy.lastFailure() + ")");
    }
    return budgetReason();
  }

  private void refreshDepth() {
    queue.depth().onSuccess(d -> pendingGauge = (int) Math.min(Integer.MAX_VALUE, d.get("pending") + d.get("claimed")));
  }

  /** @return the dispatcher's state, the queue's depth by state, throttle, breaker and spend */
  public Future<Map<String, Object>> status() {
    return queue.depth().map(depth -> {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("dispatch", options.dispatch());
      status.put("instance", instance);
      status.put("queue", depth);
      status.put("inFlight", inFlight);
      status.put("calls", calls);
      status.put("httpRequests", policy.callsSent());
      status.put("rateLimited", policy.rateLimitedCount());
      status.put("retries", policy.retryCount());
      status.put("verdicts", verdicts);
      status.put("complementary", complementary);
      status.put("unparseable", unparseable);
      status.put("recoveredAfterRestart", recovered);
      status.put("breaker", policy.breakerState().name());
      Map<String, Object> throttle = new LinkedHashMap<>();
      throttle.put("requestsPerMinute", options.requestsPerMinute());
      throttle.put("tokensPerMinute", options.tokensPerMinute());
      throttle.put("waiting", policy.throttle().waiting());
      throttle.put("pausedMs", policy.throttle().pausedForMillis());
      status.put("throttle", throttle);
      Map<String, Object> spend = new LinkedHashMap<>();
      spend.put("tokensToday", spentToday);
      spend.put("tokensTotal", spentTotal);
      spend.put("dailyCap", options.dailyTokens());
      spend.put("totalCap", options.totalTokens());
      status.put("spend", spend);
      String degraded = degradedReason();
      if (degraded != null) {
        status.put("degraded", degraded);
      }
      if (lastError != null) {
        status.put("lastError", lastError);
      }
      return status;
    });
  }
}
