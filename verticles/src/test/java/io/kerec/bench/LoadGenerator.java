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
 *       (comma-separated), {@code /bench/noop} and then {@code /v1/users/{id}/recommendations} over the users of
 *       {@code USERS_FILE} round-robin, each warmed up, then measured for {@code SECONDS}.</li>
 *   <li>{@code live PORT USERS_FILE ITEMS_FILE SOCKETS POSTS IN_FLIGHT OUT}: opens one {@code /v1/live} socket per
 *       user, then posts single purchases for those users ({@code IN_FLIGHT} at a time, never two for one user) and
 *       times each from the POST to its user's next frame, and from the POST to its 202.</li>
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
            Integer.parseInt(args[6]));
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
    run(vertx, port, 4, noop, 2, 0);
    run(vertx, port, 4, recs, 2, 0);
    JsonArray rows = new JsonArray();
    for (int c : levels) {
      for (String target : List.of("noop", "recommendations")) {
        JsonObject row = run(vertx, port, c, target.equals("noop") ? noop : recs, warmup, seconds)
            .put("target", target).put("concurrency", c);
        System.out.println("serve: " + row.encode());
        rows.add(row);
      }
    }
    return new JsonObject().put("users", users.size()).put("seconds", seconds).put("rows", rows);
  }

  private static JsonObject run(Vertx vertx, int port, int connections, IntFunction<String> uri, double warmup,
      double seconds) throws Exception {
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
              .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode() == 200
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
      int inFlight) throws Exception {
    if (users.size() < sockets) {
      throw new IllegalArgumentException(sockets + " sockets need as many users, got " + users.size());
    }
    WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost(HOST)
        .setDefaultPort(port).setMaxConnections(sockets + 10));
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(inFlight));
    AtomicLongArray sentAt = new AtomicLongArray(sockets);
    List<Promise<Long>> waiting = new ArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(sockets);
    List<WebSocket> open = new ArrayList<>();
    long connectStart = System.nanoTime();
    for (int i = 0; i < sockets; i++) {
      waiting.add(null);
    }
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
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    int warm = Math.min(100, posts / 10);
    Histogram histogram = new ConcurrentHistogram(MAX_NANOS, 3);
    Histogram acks = new ConcurrentHistogram(MAX_NANOS, 3);
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<String> errors = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(inFlight);
    long start = System.nanoTime();
    for (int lane = 0; lane < inFlight; lane++) {
      int laneId = lane;
      new Object() {
        int round;

        void loop() {
          int n = issued.getAndIncrement();
          if (n >= posts + warm) {
            done.countDown();
            return;
          }
          int slot = (laneId + inFlight * round++) % sockets;
          Promise<Long> frame = Promise.promise();
          synchronized (waiting) {
            waiting.set(slot, frame);
          }
          JsonArray body = new JsonArray().add(new JsonObject().put("id", "bench-live-" + n).put("type", "purchase")
              .put("userId", users.get(slot)).put("itemId", items.get(n % items.size()))
              .put("ts", Instant.now().toString()));
          long timer = vertx.setTimer(10_000, t -> frame.tryFail("no frame within 10 s"));
          long t0 = System.nanoTime();
          sentAt.set(slot, t0);
          http.request(HttpMethod.POST, "/v1/events")
              .compose(req -> req.putHeader("content-type", "application/json").send(body.encode())
                  .compose(resp -> resp.body().map(b -> resp.statusCode() == 202 ? null
                      : "HTTP " + resp.statusCode() + " " + b)))
              .onComplete(ar -> {
                String error = ar.failed() ? String.valueOf(ar.cause()) : ar.result();
                if (error == null && n >= warm) {
                  acks.recordValue(Math.min(System.nanoTime() - t0, MAX_NANOS));
                }
                if (error != null) {
                  failed.incrementAndGet();
                  synchronized (errors) {
                    if (errors.size() < 5) {
                      errors.add(error);
                    }
                  }
                  frame.tryFail(error);
                }
              });
          frame.future().onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
              if (n >= warm) {
                histogram.recordValue(Math.min(ar.result(), MAX_NANOS));
              }
            } else {
              sentAt.set(slot, 0);
              synchronized (waiting) {
                waiting.set(slot, null);
              }
              lost.incrementAndGet();
            }
            loop();
          });
        }
      }.loop();
    }
    if (!done.await(posts * 10L / inFlight + 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("live posts did not finish");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (WebSocket ws : open) {
      ws.close();
    }
    wsClient.close();
    http.close();
    return new JsonObject().put("sockets", open.size()).put("connect_s", round(connectSeconds))
        .put("posts", histogram.getTotalCount()).put("warmup_posts", warm).put("in_flight", inFlight)
        .put("lost", lost.get()).put("failures", failed.get()).put("errors", new JsonArray(errors))
        .put("posts_per_s", Math.round((posts + warm) / seconds))
        .put("p50_ms", ms(histogram, 50)).put("p99_ms", ms(histogram, 99)).put("p999_ms", ms(histogram, 99.9))
        .put("max_ms", round(histogram.getMaxValue() / 1e6))
        .put("ack_p50_ms", ms(acks, 50)).put("ack_p99_ms", ms(acks, 99));
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : round(h.getValueAtPercentile(percentile) / 1e6);
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
