package io.kerec.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Blocks a test thread on a Vert.x {@link Future}: the one helper every test, rig and benchmark uses (never call
 * it on an event loop). A failed future, or one not complete within the timeout, throws
 * {@link IllegalStateException} with the cause.
 */
public final class Await {
  /** Long enough for an engine to start on embedded PostgreSQL and JanusGraph on a busy 2-core machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  private Await() {
  }

  /** The future's result, waiting at most {@link #DEFAULT_TIMEOUT}. */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT_TIMEOUT);
  }

  /** The future's result, waiting at most {@code timeout} (for model training and bulk loads). */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds; an {@link AssertionError} after {@code timeoutMs}. */
  public static void until(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within " + timeoutMs + " ms");
      }
      Thread.sleep(20);
    }
  }
}
