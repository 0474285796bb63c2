package io.kerec.rank;

import static io.kerec.testing.Await.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kerec.bus.Addresses;
import io.kerec.bus.Candidate;
import io.kerec.bus.Done;
import io.kerec.bus.RecordCodec;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.bus.TrainingSet;
import io.kerec.config.ConfigLoader;
import io.kerec.config.KerecConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real {@link RankVerticle} (DJL on CPU) on its own Vert.x, fed synthetic training samples in place of the graph
 * (the graph's own tests cover how those are built), and a load generator of concurrent scoring requests over the
 * event bus. For the hot-swap test and the rank benchmark.
 */
final class RankRig implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final List<Candidate> candidates;

  /** What a load run saw. */
  record Load(long requests, long failures, long candidates, double seconds, List<Long> latenciesNanos,
              java.util.Set<String> versions) {
    double candidatesPerSecond() {
      return candidates / seconds;
    }

    double percentileMs(double q) {
      List<Long> sorted = new ArrayList<>(latenciesNanos);
      sorted.sort(null);
      if (sorted.isEmpty()) {
        return 0;
      }
      int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
      return sorted.get(Math.max(0, i)) / 1e6;
    }
  }

  RankRig(Path dataDir, int maxBatch, long maxDelayMs, int trainingRows, int epochs) {
    this(dataDir, maxBatch, maxDelayMs, trainingRows, epochs, null);
  }

  /** As the other constructor, with {@code members} networks served as one (null: the engine's default). */
  RankRig(Path dataDir, int maxBatch, long maxDelayMs, int trainingRows, int epochs, Integer members) {
    RecordCodec.registerAll(vertx);
    Synthetic train = Synthetic.generate(trainingRows, 3);
    int[] groups = new int[trainingRows];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i / 20;
    }
    vertx.eventBus().consumer(Addresses.GRAPH_TRAINING_SET,
        msg -> msg.reply(new TrainingSet(train.features, train.labels, groups)));
    Synthetic probe = Synthetic.generate(200, 4);
    candidates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      candidates.add(new Candidate("i" + i, "item " + i, "complement", probe.features[i], 0.5, null, false));
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("dataDir", dataDir.toString());
    o.putObject("rank").put("device", "cpu").put("autoTrain", false).put("maxBatch", maxBatch)
        .put("maxDelayMs", maxDelayMs).put("epochs", epochs).put("minPositives", 10);
    if (members != null) {
      ((ObjectNode) o.get("rank")).put("members", members);
    }
    KerecConfig config = ConfigLoader.load(null, Map.of(), o);
    await(vertx.deployVerticle(new RankVerticle(config), new DeploymentOptions()));
  }

  int train() {
    return await(vertx.eventBus().<Done>request(Addresses.RANK_TRAIN, "now",
        new DeliveryOptions().setSendTimeout(600_000)), Duration.ofMinutes(10)).body().count();
  }

  /** {@code clients} loops of back-to-back requests of 200 candidates for {@code millis}. */
  Load load(int clients, long millis, Runnable during) throws InterruptedException {
    AtomicLong requests = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    java.util.Set<String> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long end = System.nanoTime() + millis * 1_000_000;
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(clients);
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      vertx.runOnContext(v -> loop(end, requests, failures, latencies, versions, done));
    }
    if (during != null) {
      during.run();
    }
    done.await(millis + 120_000, TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Load(requests.get(), failures.get(), requests.get() * candidates.size(), seconds,
        new ArrayList<>(latencies), versions);
  }

  private void loop(long end, AtomicLong requests, AtomicLong failures, ConcurrentLinkedQueue<Long> latencies,
                    java.util.Set<String> versions, java.util.concurrent.CountDownLatch done) {
    if (System.nanoTime() > end) {
      done.countDown();
      return;
    }
    long t0 = System.nanoTime();
    vertx.eventBus().<Scores>request(Addresses.RANK_SCORE, new ScoreRequest(candidates),
            new DeliveryOptions().setSendTimeout(30_000))
        .onComplete(ar -> {
          requests.incrementAndGet();
          if (ar.succeeded() && ar.result().body().scores().length == candidates.size()) {
            latencies.add(System.nanoTime() - t0);
            versions.add(ar.result().body().model());
          } else {
            failures.incrementAndGet();
          }
          loop(end, requests, failures, latencies, versions, done);
        });
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
