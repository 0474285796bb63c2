package io.kerec.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The benchmarks' load generator, run as its own JVM so that it is never the engine's process; Vert.x HTTP and
 * WebSocket clients on loopback, bounded in time and count. Closed loop: each connection has one request in flight.
 *
 * <ul>
 *   <li>{@code serve PORT USERS_FILE LEVELS SECONDS WARMUP_SECONDS OUT}: for each concurrency in {@code LEVELS}
 *       (comma-separated), {@code /bench/noop}, then {@code /v1/users/{id}/recommendations} over the users of
 *       {@code USERS_FILE} round-robin, then the same with {@code Cache-Control: no-cache} (every answer computed),
 *       each warmed up, then measured for {@code SECONDS}.</li>
 *   <li>{@code live PORT USERS_FILE ITEMS_FILE SOCKETS POSTS IN_FLIGHT RATE PACED_POSTS WARM_POSTS OUT}: opens
 *       one {@code /v1/live} socket per user, then posts single purchases for those users (never two awaiting one
 *       user): first {@code WARM_POSTS} with {@code IN_FLIGHT} at a time, untimed (the engine's JIT compiles the
 *       live path), then, each timed to its user's next frame and to its 202, {@code PACED_POSTS} started at
 *       {@code RATE} a second (open loop, timed from when each was due), then {@code POSTS} with {@code IN_FLIGHT}
 *       at a time (closed loop: the engine's saturation).</li>
 * </ul>
 *
 * <p>Writes a JSON result to {@code OUT}; exits non-zero on any error.
 */
public final class LoadGenerator {
  private static final String HOST = "127.0.0.1";
  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

  private LoadGenerator() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      JsonObject result = switch (args[0]) {
        case "serve" -> serve(vertx, Integer.parseInt(args[1]), Files.readAllLines(Path.of(args[2])),
            parseLevels(args[3]), Double.parseDouble(args[4]), Double.parseDouble(args[5]));
        case "live" -> live(vertx, Integer.parseInt(args[1]), Files.readAllLines(Path.of(args[2])),
            Files.readAllLines(Path.of(args[3])), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
            Integer.parseInt(args[6]), Double.parseDouble(args[7]), Integer.parseInt(args[8]),
            Integer.parseInt(args[9]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      };
      Files.writeString(Path.of(args[args.length - 1]), result.encodePrettily());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int[] parseLevels(String s) {
    String[] parts = s.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].strip());
    }
    return out;
  }

  static JsonObject serve(Vertx vertx, int port, List<String> users, int[] levels, double seconds, double warmup)
      throws Exception {
    AtomicLong next = new AtomicLong();
    IntFunction<String> recs = i -> "/v1/users/" + users.get(Math.floorMod(next.getAndIncrement(), users.size()))
        + "/recommendations";
    IntFunction<String> noop = i -> "/bench/noop";
    run(vertx, port, 4, noop, false, 2, 0);
    run(vertx, port, 4, recs, false, 2, 0);
    JsonArray rows = new JsonArray();
    for (int c : levels) {
      for (String target : List.of("noop", "recommendations", "recommendations-uncached")) {
        JsonObject row = run(vertx, port, c, target.equals("noop") ? noop : recs, target.endsWith("uncached"),
            warmup, seconds).put("target", target).put("concurrency", c);
        System.out.println("serve: " + row.encode());
        rows.add(row);
      }
    }
    return new JsonObject().put("users", users.size()).put("seconds", seconds).put("rows", rows);
  }

  private static JsonObject run(Vertx vertx, int port, int connections, IntFunction<String> uri, boolean noCache,
      double warmup, double seconds) throws Exception {
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
    Histogram histogram = new ConcurrentHistogram(MAX_NANOS, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong lastError = new AtomicLong();
    List<String> errors = new ArrayList<>();
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long stopAt = measureFrom + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(connections);
    for (int lane = 0; lane < connections; lane++) {
      new Object() {
        void loop() {
          long t0 = System.nanoTime();
          if (t0 >= stopAt) {
            done.countDown();
            return;
          }
          client.request(HttpMethod.GET, uri.apply(0))
              .compose(req -> (noCache ? req.putHeader("cache-control", "no-cache") : req).send().compose(resp -> resp.body().map(body -> resp.statusCode() == 200
                  ? null : "HTTP " + resp.statusCode() + " " + body)))
              .onComplete(ar -> {
                long t1 = System.nanoTime();
                if (t0 >= measureFrom && t1 <= stopAt) {
                  String error = ar.failed() ? String.valueOf(ar.cause()) : ar.result();
                  if (error == null) {
                    histogram.recordValue(Math.min(t1 - t0, MAX_NANOS));
                    ok.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                    synchronized (errors) {
                      if (errors.size() < 5) {
                        errors.add(error);
                      }
                    }
                    lastError.set(t1);
                  }
                }
                loop();
              });
        }
      }.loop();
    }
    if (!done.await((long) (warmup + seconds) + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests still unanswered 60 s after the run ended");
    }
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new JsonObject().put("requests", ok.get()).put("failures", failed.get()).put("errors", new JsonArray(errors))
        .put("rps", Math.round(ok.get() / seconds)).put("p50_ms", ms(histogram, 50)).put("p99_ms", ms(histogram, 99))
        .put("p999_ms", ms(histogram, 99.9)).put("max_ms", round(histogram.getMaxValue() / 1e6));
  }

  static JsonObject live(Vertx vertx, int port, List<String> users, List<String> items, int sockets, int posts,
      int inFlight, double rate, int pacedPosts, int warmPosts) throws Exception {
    if (users.size() < sockets) {
      throw new IllegalArgumentException(sockets + " sockets need as many users, got " + users.size());
    }
    LiveRun run = new LiveRun(vertx, port, users, items, sockets, inFlight);
    long connectStart = System.nanoTime();
    run.connect();
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    long warmStart = System.nanoTime();
    run.closedLoop(0, warmPosts);
    double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
    JsonObject paced = run.paced(rate, pacedPosts);
    JsonObject saturated = run.closedLoop(posts, Math.min(100, posts / 10));
    run.close();
    return new JsonObject().put("sockets", run.open.size()).put("connect_s", round(connectSeconds))
        .put("warm_posts", warmPosts).put("warm_s", round(warmSeconds)).put("paced", paced)
        .put("saturated", saturated);
  }

  /**
   * 1,000 live sockets and the purchases timed against them: each purchase goes to a user who has no other purchase
   * awaiting its frame, and is timed from its start to that user's next frame.
   */
  private static final class LiveRun {
    private final Vertx vertx;
    private final List<String> users;
    private final List<String> items;
    private final int sockets;
    private final int inFlight;
    private final WebSocketClient wsClient;
    private final HttpClientAgent http;
    private final AtomicLongArray sentAt;
    private final List<Promise<Long>> waiting = new ArrayList<>();
    private final List<WebSocket> open = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    LiveRun(Vertx vertx, int port, List<String> users, List<String> items, int sockets, int inFlight) {
      this.vertx = vertx;
      this.users = users;
      this.items = items;
      this.sockets = sockets;
      this.inFlight = inFlight;
      wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost(HOST).setDefaultPort(port)
          .setMaxConnections(sockets + 10));
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port)
          .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(Math.max(inFlight, 32)));
      sentAt = new AtomicLongArray(sockets);
      for (int i = 0; i < sockets; i++) {
        waiting.add(null);
      }
    }

    void connect() throws Exception {
      CountDownLatch subscribed = new CountDownLatch(sockets);
      for (int batch = 0; batch < sockets; batch += 50) {
        List<Future<WebSocket>> connecting = new ArrayList<>();
        for (int i = batch; i < Math.min(sockets, batch + 50); i++) {
          int slot = i;
          AtomicInteger frames = new AtomicInteger();
          connecting.add(wsClient.connect("/v1/live?userId=" + users.get(i)).onSuccess(ws -> {
            ws.textMessageHandler(text -> {
              long now = System.nanoTime();
              if (frames.getAndIncrement() == 0) {
                subscribed.countDown();
                return;
              }
              long t0 = sentAt.getAndSet(slot, 0);
              Promise<Long> p;
              synchronized (waiting) {
                p = waiting.set(slot, null);
              }
              if (t0 != 0 && p != null) {
                p.tryComplete(now - t0);
              }
            });
            synchronized (open) {
              open.add(ws);
            }
          }));
        }
        Future.all(connecting).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      if (!subscribed.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(subscribed.getCount() + " of " + sockets + " sockets got no first frame");
      }
    }

    /** One phase's measures. */
    private final class Phase {
      final Histogram frames = new ConcurrentHistogram(MAX_NANOS, 3);
      final Histogram acks = new ConcurrentHistogram(MAX_NANOS, 3);
      final AtomicInteger lost = new AtomicInteger();
      final AtomicInteger failed = new AtomicInteger();
      final List<String> errors = new ArrayList<>();

      JsonObject result(int posts, double seconds) {
        return new JsonObject().put("posts", frames.getTotalCount())
            .put("lost", lost.get()).put("failures", failed.get()).put("errors", new JsonArray(errors))
            .put("posts_per_s", Math.round(posts / seconds))
            .put("p50_ms", ms(frames, 50)).put("p99_ms", ms(frames, 99)).put("p999_ms", ms(frames, 99.9))
            .put("max_ms", round(frames.getMaxValue() / 1e6))
            .put("ack_p50_ms", ms(acks, 50)).put("ack_p99_ms", ms(acks, 99));
      }
    }

    /**
     * Purchases started at a fixed {@code rate} (open loop), each timed from when it was due, so a stalled engine
     * is charged for the purchases that queued behind the stall; the first tenth (at most 100) are not timed.
     */
    JsonObject paced(double rate, int posts) throws Exception {
      Phase phase = new Phase();
      int warm = Math.min(100, posts / 10);
      int total = posts + warm;
      CountDownLatch done = new CountDownLatch(total);
      long interval = (long) (1e9 / rate);
      long start = System.nanoTime();
      AtomicInteger next = new AtomicInteger();
      long periodic = vertx.setPeriodic(1, t -> {
        long now = System.nanoTime();
        int n;
        while ((n = next.get()) < total && start + n * interval <= now) {
          next.incrementAndGet();
          int slot = n % sockets;
          boolean timed = n >= warm;
          post(slot, start + n * interval, timed ? phase : null).onComplete(ar -> done.countDown());
        }
      });
      boolean finished = done.await((long) (total / rate) + 120, TimeUnit.SECONDS);
      vertx.cancelTimer(periodic);
      if (!finished) {
        throw new IllegalStateException("paced live posts did not finish");
      }
      return phase.result(total, (System.nanoTime() - start) / 1e9).put("rate_per_s", rate);
    }

    /**
     * {@code inFlight} lanes, each posting its next purchase when the previous one's frame arrived: {@code warm}
     * untimed, then {@code posts} timed.
     */
    JsonObject closedLoop(int posts, int warm) throws Exception {
      Phase phase = new Phase();
      int lanes = inFlight;
      AtomicInteger issued = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(lanes);
      long start = System.nanoTime();
      for (int lane = 0; lane < lanes; lane++) {
        int laneId = lane;
        new Object() {
          int round;

          void loop() {
            int n = issued.getAndIncrement();
            if (n >= posts + warm) {
              done.countDown();
              return;
            }
            int slot = (laneId + lanes * round++) % sockets;
            post(slot, System.nanoTime(), n >= warm ? phase : null).onComplete(ar -> loop());
          }
        }.loop();
      }
      if (!done.await(posts * 10L / lanes + 120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("live posts did not finish");
      }
      return phase.result(posts + warm, (System.nanoTime() - start) / 1e9).put("in_flight", lanes);
    }

    /** Posts one purchase for the slot's user and completes when their frame arrives (or it is lost). */
    private Future<Void> post(int slot, long t0, Phase phase) {
      int n = ids.getAndIncrement();
      Promise<Long> frame = Promise.promise();
      synchronized (waiting) {
        if (waiting.get(slot) != null) {
          throw new IllegalStateException("a purchase for slot " + slot + " is still awaiting its frame");
        }
        waiting.set(slot, frame);
      }
      JsonArray body = new JsonArray().add(new JsonObject().put("id", "bench-live-" + n).put("type", "purchase")
          .put("userId", users.get(slot)).put("itemId", items.get(n % items.size()))
          .put("ts", Instant.now().toString()));
      long timer = vertx.setTimer(10_000, t -> frame.tryFail("no frame within 10 s"));
      sentAt.set(slot, t0);
      http.request(HttpMethod.POST, "/v1/events")
          .compose(req -> req.putHeader("content-type", "application/json").send(body.encode())
              .compose(resp -> resp.body().map(b -> resp.statusCode() == 202 ? null
                  : "HTTP " + resp.statusCode() + " " + b)))
          .onComplete(ar -> {
            String error = ar.failed() ? String.valueOf(ar.cause()) : ar.result();
            if (error == null && phase != null) {
              phase.acks.recordValue(Math.min(System.nanoTime() - t0, MAX_NANOS));
            }
            if (error != null) {
              if (phase != null) {
                phase.failed.incrementAndGet();
                synchronized (phase.errors) {
                  if (phase.errors.size() < 5) {
                    phase.errors.add(error);
                  }
                }
              }
              frame.tryFail(error);
            }
          });
      return frame.future().transform(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          if (phase != null) {
            phase.frames.recordValue(Math.min(ar.result(), MAX_NANOS));
          }
        } else {
          sentAt.set(slot, 0);
          synchronized (waiting) {
            waiting.set(slot, null);
          }
          if (phase != null) {
            phase.lost.incrementAndGet();
          }
        }
        return Future.succeededFuture();
      });
    }

    void close() {
      for (WebSocket ws : open) {
        ws.close();
      }
      wsClient.close();
      http.close();
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : round(h.getValueAtPercentile(percentile) / 1e6);
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
