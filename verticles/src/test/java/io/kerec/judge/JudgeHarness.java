package io.kerec.judge;

import static io.kerec.testing.Await.await;

import io.kerec.config.LlmOptions;
import io.kerec.config.OpenAiOptions;
import io.kerec.config.PostgresOptions;
import io.kerec.store.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A judge pipeline for tests and benchmarks: a real embedded PostgreSQL with the engine's migrations, a
 * {@link PairQueue}, the OpenAI provider behind {@link LlmCallPolicy}, and an {@link LlmDispatcher}, pointed at a
 * {@link ProviderSimulator}. Runs on its own Vert.x context.
 */
final class JudgeHarness implements AutoCloseable {
  final Vertx vertx;
  final PostgresServer postgres;
  final List<Verdict> delivered = Collections.synchronizedList(new ArrayList<>());

  JudgeHarness(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.postgres = PostgresServer.start(
        new PostgresOptions(true, "127.0.0.1", 0, "kerec", "postgres", null, 2, PostgresOptions.RELAXED), dataDir);
  }

  PgConnectOptions pg() {
    return postgres.connectOptions();
  }

  /** One provider/model pipeline; the model name keeps pipelines of one database apart. */
  final class Pipeline implements AutoCloseable {
    final PairQueue queue;
    final LlmCallPolicy policy;
    final OpenAiVerdictProvider provider;
    final LlmDispatcher dispatcher;
    final LlmOptions llm;

    Pipeline(String baseUrl, String model, int batchSize, LlmOptions llm) {
      this.llm = llm;
      OpenAiOptions openai = new OpenAiOptions(baseUrl, model, null, 10_000, batchSize, true);
      long largestCall = 2L * (1_500 + (long) batchSize * (40 + llm.answerTokensPerPair()));
      policy = new LlmCallPolicy(vertx, llm, largestCall, new SimpleMeterRegistry(), "openai");
      provider = new OpenAiVerdictProvider(vertx, openai, policy, llm.answerTokensPerPair(), 2 * llm.maxInFlight());
      queue = new PairQueue(vertx, pg(), provider.name(), model, provider.promptVersion());
      dispatcher = new LlmDispatcher(vertx, queue, provider, policy, llm, "test-instance", v -> {
        delivered.addAll(v);
        return Future.succeededFuture();
      }, new SimpleMeterRegistry());
    }

    int enqueue(List<EntityPair> pairs) {
      return await(queue.enqueue(pairs, 0));
    }

    void start() {
      await(onContext(dispatcher::start));
    }

    Map<String, Long> depth() {
      return await(queue.depth());
    }

    Map<String, Object> status() {
      return await(onContext(dispatcher::status));
    }

    /** Waits until nothing is pending or claimed; fails after the timeout. */
    void awaitDrained(long timeoutMs) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (System.currentTimeMillis() < deadline) {
        Map<String, Long> d = depth();
        if (d.get("pending") + d.get("claimed") == 0) {
          return;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("queue not drained in " + timeoutMs + " ms: " + depth() + " " + status());
    }

    @Override
    public void close() {
      dispatcher.stop();
      queue.close();
      provider.close();
    }
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    ctx().runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private io.vertx.core.Context shared;

  private synchronized io.vertx.core.Context ctx() {
    if (shared == null) {
      shared = vertx.getOrCreateContext();
    }
    return shared;
  }

  /** {@code n} distinct directed pairs over synthetic entity names. */
  static List<EntityPair> pairs(int n, String prefix) {
    int side = (int) Math.ceil(Math.sqrt(n)) + 1;
    List<EntityPair> pairs = new ArrayList<>(n);
    for (int a = 0; a < side && pairs.size() < n; a++) {
      for (int b = 0; b < side && pairs.size() < n; b++) {
        if (a != b) {
          pairs.add(new EntityPair(prefix + " entity " + a, prefix + " entity " + b));
        }
      }
    }
    return pairs;
  }

  @Override
  public void close() {
    postgres.close();
  }
}
