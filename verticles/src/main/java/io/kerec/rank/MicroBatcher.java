package io.kerec.rank;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Coalesces single requests into batches for an expensive batch function (for example a model
 * scoring call run on a worker pool).
 *
 * <p>{@link #submit} queues an item and returns a future for its result. The queue is flushed
 * into one call of the batch function when
 *
 * <ul>
 *   <li>it reaches {@code maxBatch} items, or
 *   <li>{@code maxDelayMs} have passed since the first queued item ({@code 0}: right after the
 *       current event-loop turn, so everything submitted in the same turn forms one batch), or
 *   <li>a batch in flight completes (everything that queued up meanwhile goes out at once, in
 *       chunks of at most {@code maxBatch}).
 * </ul>
 *
 * <p>At most {@code maxInFlight} batches (default 1) run at a time; while they do, new submits
 * accumulate, so under load batches grow towards {@code maxBatch} on their own. The batch
 * function receives the items in submission order and must return a future of a list with one
 * result per item, in the same order. When that future fails (or the function throws, returns
 * {@code null}, or returns a list of the wrong size) every future of that batch fails with the
 * cause; later batches are unaffected.
 *
 * <p><b>Threading.</b> The batcher belongs to one Vert.x context: the one current when it is
 * constructed (a new event-loop context when constructed outside Vert.x). All its state is
 * touched only on that context, so it needs no locks; it is meant to be created and used by one
 * verticle. {@link #submit} from any other thread is correct but forwarded to the owning context
 * (one extra task). Result futures are completed on the owning context, so their callbacks run
 * there. The batch function is called on the owning context and must not block: hand the work to
 * {@code vertx.executeBlocking} or a worker and return its future. The metric accessors may be
 * read from any thread.
 *
 * @param <I> item type
 * @param <O> result type
 */
public final class MicroBatcher<I, O> {

  /** Default number of batches that may be in flight at once. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1;

  private final Vertx vertx;
  private final Context context;
  private final int maxBatch;
  private final long maxDelayMs;
  private final int maxInFlight;
  private final Function<List<I>, Future<List<O>>> batchFn;

  // Owned by the context.
  private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
  private boolean flushScheduled;
  private long timerId = -1;
  private int inFlight;
  /** Thread of the owning event-loop context, learned on first use; null for worker contexts. */
  private volatile Thread ownerThread;

  // Written only on the context, readable anywhere.
  private volatile long batches;
  private volatile long items;
  private volatile long failedBatches;
  private volatile int largestBatch;
  private volatile int pendingCount;
  private volatile int inFlightCount;

  /**
   * Creates a batcher with at most one batch in flight.
   *
   * @param vertx the Vert.x instance
   * @param maxBatch largest batch handed to {@code batchFn}, at least 1
   * @param maxDelayMs longest wait of the first queued item before a flush; 0 flushes after the
   *     current event-loop turn
   * @param batchFn computes the results of a batch, one per item, in order
   */
  public MicroBatcher(Vertx vertx, int maxBatch, long maxDelayMs,
      Function<List<I>, Future<List<O>>> batchFn) {
    this(vertx, maxBatch, maxDelayMs, DEFAULT_MAX_IN_FLIGHT, batchFn);
  }

  /**
   * Creates a batcher.
   *
   * @param vertx the Vert.x instance
   * @param maxBatch largest batch handed to {@code batchFn}, at least 1
   * @param maxDelayMs longest wait of the first queued item before a flush; 0 flushes after the
   *     current event-loop turn
   * @param maxInFlight batches that may run at once, at least 1
   * @param batchFn computes the results of a batch, one per item, in order
   */
  public MicroBatcher(Vertx vertx, int maxBatch, long maxDelayMs, int maxInFlight,
      Function<List<I>, Future<List<O>>> batchFn) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.batchFn = Objects.requireNonNull(batchFn, "batchFn");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    if (maxDelayMs < 0) {
      throw new IllegalArgumentException("maxDelayMs must be >= 0, got " + maxDelayMs);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.maxBatch = maxBatch;
    this.maxDelayMs = maxDelayMs;
    this.maxInFlight = maxInFlight;
    this.context = vertx.getOrCreateContext();
    if (context.isEventLoopContext() && Vertx.currentContext() != null
        && Context.isOnEventLoopThread()) {
      ownerThread = Thread.currentThread();
    }
  }

  /**
   * Queues an item.
   *
   * @param item the item (handed to the batch function as is)
   * @return the item's result, completed on the owning context
   */
  public Future<O> submit(I item) {
    Promise<O> promise = Promise.promise();
    Pending<I, O> entry = new Pending<>(item, promise);
    onOwner(() -> enqueue(entry));
    return promise.future();
  }

  /**
   * @return batches handed to the batch function so far
   */
  public long batches() {
    return batches;
  }

  /**
   * @return items handed to the batch function so far
   */
  public long items() {
    return items;
  }

  /**
   * @return size of the largest batch so far
   */
  public int largestBatch() {
    return largestBatch;
  }

  /**
   * @return batches whose futures were failed
   */
  public long failedBatches() {
    return failedBatches;
  }

  /**
   * @return items queued but not yet handed to the batch function
   */
  public int pending() {
    return pendingCount;
  }

  /**
   * @return batches handed to the batch function and not yet completed
   */
  public int inFlight() {
    return inFlightCount;
  }

  /**
   * @return the configured largest batch
   */
  public int maxBatch() {
    return maxBatch;
  }

  /**
   * @return the configured flush delay in milliseconds
   */
  public long maxDelayMs() {
    return maxDelayMs;
  }

  /**
   * @return the configured number of concurrent batches
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  // ------------------------------------------------------------------ everything below: on owner

  private void enqueue(Pending<I, O> entry) {
    queue.add(entry);
    pendingCount = queue.size();
    if (queue.size() >= maxBatch) {
      drain();
    } else if (!flushScheduled) {
      flushScheduled = true;
      if (maxDelayMs == 0) {
        context.runOnContext(v -> onFlushDue());
      } else {
        timerId = vertx.setTimer(maxDelayMs, id -> {
          timerId = -1;
          onFlushDue();
        });
      }
    }
  }

  private void onFlushDue() {
    flushScheduled = false;
    drain();
  }

  /** Dispatches queued items while a batch slot is free. */
  private void drain() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      int n = Math.min(maxBatch, queue.size());
      List<Pending<I, O>> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(queue.poll());
      }
      pendingCount = queue.size();
      dispatch(entries);
    }
    if (queue.isEmpty() && flushScheduled) {
      // Nothing left for the scheduled flush; a runOnContext flush simply finds an empty queue.
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
      flushScheduled = false;
    }
  }

  private void dispatch(List<Pending<I, O>> entries) {
    int n = entries.size();
    inFlight++;
    inFlightCount = inFlight;
    batches++;
    items += n;
    if (n > largestBatch) {
      largestBatch = n;
    }
    List<I> inputs = new ArrayList<>(n);
    for (Pending<I, O> entry : entries) {
      inputs.add(entry.item());
    }
    Future<List<O>> result;
    try {
      result = batchFn.apply(Collections.unmodifiableList(inputs));
      if (result == null) {
        result = Future.failedFuture(new NullPointerException("batch function returned null"));
      }
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> onOwner(() -> finish(entries, ar)));
  }

  private void finish(List<Pending<I, O>> entries, AsyncResult<List<O>> ar) {
    inFlight--;
    inFlightCount = inFlight;
    Throwable failure = ar.failed() ? ar.cause() : null;
    List<O> results = ar.succeeded() ? ar.result() : null;
    if (failure == null && (results == null || results.size() != entries.size())) {
      failure = new IllegalStateException("batch function returned "
          + (results == null ? "null" : results.size() + " results") + " for "
          + entries.size() + " items");
    }
    if (failure != null) {
      failedBatches++;
      for (Pending<I, O> entry : entries) {
        entry.promise().tryFail(failure);
      }
    } else {
      for (int i = 0; i < entries.size(); i++) {
        entries.get(i).promise().tryComplete(results.get(i));
      }
    }
    drain();
  }

  /** Runs the task now when on the owning context's thread, else as a task of that context. */
  private void onOwner(Runnable task) {
    Context current = Vertx.currentContext();
    boolean owner = current == context
        || (ownerThread != null && Thread.currentThread() == ownerThread);
    if (owner) {
      task.run();
    } else {
      context.runOnContext(v -> {
        if (context.isEventLoopContext()) {
          ownerThread = Thread.currentThread();
        }
        task.run();
      });
    }
  }

  private record Pending<I, O>(I item, Promise<O> promise) {
  }
}
