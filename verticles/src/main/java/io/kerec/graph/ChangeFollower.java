package io.kerec.graph;

import io.kerec.bus.ItemEntities;
import io.kerec.store.ChangeLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this engine's views current with what other engines (and tools such as {@code kerec judge import}) write to
 * the shared PostgreSQL: every {@code intervalMs} it reads the {@link ChangeLog} past its cursors, up to the horizon
 * of finished transactions, and hands the rows to a {@link Sink} in log order: items first, then verdicts, then
 * events, so that a purchase never arrives before its item. A round that fails (PostgreSQL unreachable) is retried
 * from the same cursors at the next tick: nothing is skipped, nothing applied twice. Runs on the caller's context.
 */
final class ChangeFollower {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

  /** Where followed rows go. Each call's future completes once they are applied. */
  interface Sink {
    Future<Void> items(List<ItemEntities> items);

    Future<Void> pairs(List<ChangeLog.Pair> pairs);

    Future<Void> events(ChangeLog.Events events);
  }

  private final Vertx vertx;
  private final ChangeLog log;
  private final Sink sink;
  private final long intervalMs;
  private ChangeLog.Cursor items;
  private ChangeLog.Cursor verdicts;
  private ChangeLog.Cursor events;
  private long timer = -1;
  private boolean running;
  private boolean stopped;
  private long rounds;
  private long failures;
  private long appliedItems;
  private long appliedPairs;
  private long appliedPurchases;
  private long appliedFeedback;
  private long lastHorizon;
  private long lastRoundAt;
  private String lastError;

  ChangeFollower(Vertx vertx, ChangeLog log, Sink sink, long intervalMs) {
    this.vertx = vertx;
    this.log = log;
    this.sink = sink;
    this.intervalMs = intervalMs;
    ChangeLog.Cursor start = ChangeLog.Cursor.from(log.start());
    this.items = start;
    this.verdicts = start;
    this.events = start;
  }

  void start() {
    schedule(0);
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Reads and applies everything finished now; completes when done (or at once if a round is running). */
  Future<Void> catchUp() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    return log.horizon()
        .compose(h -> {
          lastHorizon = h;
          return followItems(h).compose(v -> followVerdicts(h)).compose(v -> followEvents(h));
        })
        .onSuccess(v -> {
          rounds++;
          lastRoundAt = System.currentTimeMillis();
          lastError = null;
        })
        .onFailure(e -> {
          failures++;
          lastError = String.valueOf(e.getMessage());
          if (failures == 1 || failures % 100 == 0) {
            LOG.warn("following the shared store failed ({} times so far), retrying: {}", failures, e.getMessage());
          }
        })
        .eventually(() -> {
          running = false;
          return Future.succeededFuture();
        });
  }

  private void schedule(long delay) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, delay), id -> {
      timer = -1;
      catchUp().onComplete(ar -> schedule(intervalMs));
    });
  }

  private Future<Void> followItems(long horizon) {
    return log.items(items, horizon).compose(page -> sink.items(page.rows()).compose(v -> {
      items = page.next();
      appliedItems += page.rows().size();
      return page.full() ? followItems(horizon) : Future.succeededFuture();
    }));
  }

  private Future<Void> followVerdicts(long horizon) {
    return log.verdicts(verdicts, horizon).compose(page -> sink.pairs(page.rows()).compose(v -> {
      verdicts = page.next();
      appliedPairs += page.rows().size();
      return page.full() ? followVerdicts(horizon) : Future.succeededFuture();
    }));
  }

  private Future<Void> followEvents(long horizon) {
    return log.events(events, horizon).compose(page -> sink.events(page.rows()).compose(v -> {
      events = page.next();
      appliedPurchases += page.rows().purchases().size();
      appliedFeedback += page.rows().feedback().size();
      return page.full() ? followEvents(horizon) : Future.succeededFuture();
    }));
  }

  /** For health: what was followed, and how current it is. */
  Map<String, Object> status() {
    return Map.of("rounds", rounds, "failures", failures, "horizon", lastHorizon,
        "msSinceLastRound", lastRoundAt == 0 ? -1 : System.currentTimeMillis() - lastRoundAt,
        "items", appliedItems, "verdictPairs", appliedPairs, "purchases", appliedPurchases,
        "feedback", appliedFeedback, "lastError", lastError == null ? "" : lastError);
  }
}
