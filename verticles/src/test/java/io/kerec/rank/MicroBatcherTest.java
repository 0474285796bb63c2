package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MicroBatcherTest {

  /** Answers "r" + item after {@code delayMs}, recording every batch it sees. */
  private static Function<List<Integer>, Future<List<String>>> slowEcho(Vertx vertx,
      long delayMs, List<List<Integer>> seen) {
    return items -> {
      seen.add(List.copyOf(items));
      Promise<List<String>> promise = Promise.promise();
      List<String> out = new ArrayList<>();
      for (Integer i : items) {
        out.add("r" + i);
      }
      vertx.setTimer(delayMs, id -> promise.complete(out));
      return promise.future();
    };
  }

  @Test
  void sameTurnSubmitsFormOneBatchAndResultsMapBack(Vertx vertx, VertxTestContext ctx) {
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      MicroBatcher<Integer, String> batcher =
          new MicroBatcher<>(vertx, 100, 0, slowEcho(vertx, 1, seen));
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(batcher.submit(i));
      }
      Future.all(futures).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < 50; i++) {
          assertThat(futures.get(i).result()).isEqualTo("r" + i);
        }
        assertThat(seen).hasSize(1);
        assertThat(batcher.batches()).isEqualTo(1);
        assertThat(batcher.items()).isEqualTo(50);
        assertThat(batcher.largestBatch()).isEqualTo(50);
        assertThat(batcher.pending()).isZero();
        assertThat(batcher.inFlight()).isZero();
        ctx.completeNow();
      })));
    });
  }

  @Test
  void maxBatchIsRespectedWithoutWaitingForTheTimer(Vertx vertx, VertxTestContext ctx) {
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      // a 10 s delay: only the size trigger can flush in time
      MicroBatcher<Integer, String> batcher =
          new MicroBatcher<>(vertx, 7, 10_000, 3, slowEcho(vertx, 1, seen));
      long start = System.nanoTime();
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 21; i++) {
        futures.add(batcher.submit(i));
      }
      Future.all(futures).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(seen).hasSize(3).allSatisfy(batch -> assertThat(batch).hasSize(7));
        assertThat(batcher.largestBatch()).isEqualTo(7);
        for (int i = 0; i < 21; i++) {
          assertThat(futures.get(i).result()).isEqualTo("r" + i);
        }
        ctx.completeNow();
      })));
    });
  }

  @Test
  void timerFlushesAPartialBatch(Vertx vertx, VertxTestContext ctx) {
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      MicroBatcher<Integer, String> batcher =
          new MicroBatcher<>(vertx, 100, 20, slowEcho(vertx, 1, seen));
      batcher.submit(1);
      vertx.setTimer(5, id -> batcher.submit(2)); // within the 20 ms window: same batch
      batcher.submit(3).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
        assertThat(r).isEqualTo("r3");
        assertThat(seen).containsExactly(List.of(1, 3, 2));
        ctx.completeNow();
      })));
    });
  }

  @Test
  void submitsAccumulateWhileABatchIsInFlight(Vertx vertx, VertxTestContext ctx) {
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      MicroBatcher<Integer, String> batcher =
          new MicroBatcher<>(vertx, 100, 0, slowEcho(vertx, 100, seen));
      List<Future<String>> futures = new ArrayList<>();
      futures.add(batcher.submit(0));
      // three later turns, all while batch [0] is computing
      for (int t = 1; t <= 3; t++) {
        int turn = t;
        vertx.setTimer(10L * t, id -> {
          for (int i = 0; i < 10; i++) {
            futures.add(batcher.submit(turn * 100 + i));
          }
        });
      }
      vertx.setTimer(50, id -> Future.all(new ArrayList<>(futures))
          .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
            assertThat(futures).hasSize(31);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0)).containsExactly(0);
            assertThat(seen.get(1)).hasSize(30);
            assertThat(batcher.largestBatch()).isEqualTo(30);
            assertThat(futures.get(0).result()).isEqualTo("r0");
            assertThat(futures.get(30).result()).isEqualTo("r309");
            ctx.completeNow();
          }))));
    });
  }

  @Test
  void concurrentSubmitsFromManyThreadsAreCoalesced(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    Function<List<Integer>, Future<List<String>>> echo = slowEcho(vertx, 5, seen);
    MicroBatcher<Integer, String> batcher = new MicroBatcher<>(vertx, 64, 2, 2, items -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      return echo.apply(items).onComplete(ar -> concurrent.decrementAndGet());
    });
    int threads = 4;
    int perThread = 250;
    List<Future<String>> futures = Collections.synchronizedList(new ArrayList<>());
    List<Integer> ids = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * 1000;
      Thread worker = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          Future<String> f = batcher.submit(base + i);
          synchronized (futures) {
            futures.add(f);
            ids.add(base + i);
          }
        }
      });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    Future.all(new ArrayList<>(futures)).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      System.out.printf("%d submits from %d threads -> %d batches, largest %d%n",
          futures.size(), threads, batcher.batches(), batcher.largestBatch());
      assertThat(futures).hasSize(threads * perThread);
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).result()).isEqualTo("r" + ids.get(i));
      }
      assertThat(batcher.items()).isEqualTo(threads * perThread);
      assertThat(batcher.batches()).isLessThan(threads * perThread / 4);
      assertThat(batcher.largestBatch()).isLessThanOrEqualTo(64);
      assertThat(seen).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(64));
      assertThat(maxConcurrent.get()).isLessThanOrEqualTo(2);
      ctx.completeNow();
    })));
  }

  @Test
  void aFailedBatchFailsExactlyItsItems(Vertx vertx, VertxTestContext ctx) {
    IllegalStateException boom = new IllegalStateException("boom");
    vertx.runOnContext(v -> {
      MicroBatcher<String, String> batcher = new MicroBatcher<>(vertx, 10, 0, items ->
          items.contains("bad") ? Future.failedFuture(boom)
              : Future.succeededFuture(items.stream().map(String::toUpperCase).toList()));
      Future<String> a = batcher.submit("a");
      Future<String> bad = batcher.submit("bad");
      Future<String> b = batcher.submit("b");
      Future.join(a, bad, b).onComplete(first -> {
        ctx.verify(() -> {
          assertThat(a.failed() && bad.failed() && b.failed()).isTrue();
          assertThat(a.cause()).isSameAs(boom);
          assertThat(b.cause()).isSameAs(boom);
          assertThat(batcher.failedBatches()).isEqualTo(1);
        });
        batcher.submit("c").onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertThat(c).isEqualTo("C");
          assertThat(batcher.batches()).isEqualTo(2);
          assertThat(batcher.failedBatches()).isEqualTo(1);
          ctx.completeNow();
        })));
      });
    });
  }

  @Test
  void throwingOrMiscountingBatchFunctionsFailTheirItems(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      MicroBatcher<Integer, Integer> throwing = new MicroBatcher<>(vertx, 10, 0, items -> {
        throw new IllegalArgumentException("no");
      });
      MicroBatcher<Integer, Integer> miscounting = new MicroBatcher<>(vertx, 10, 0,
          items -> Future.succeededFuture(List.of(1)));
      Future<Integer> t1 = throwing.submit(1);
      Future<Integer> m1 = miscounting.submit(1);
      Future<Integer> m2 = miscounting.submit(2);
      Future.join(t1, m1, m2).onComplete(done -> ctx.verify(() -> {
        assertThat(t1.cause()).isInstanceOf(IllegalArgumentException.class).hasMessage("no");
        assertThat(m1.cause()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("1 results for 2 items");
        assertThat(m2.failed()).isTrue();
        ctx.completeNow();
      }));
    });
  }
}
