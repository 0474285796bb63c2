package io.kerec.rank;

import ai.djl.Device;
import io.kerec.bus.Addresses;
import io.kerec.bus.Candidate;
import io.kerec.bus.Done;
import io.kerec.bus.HealthReport;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.bus.TrainingSet;
import io.kerec.bus.TrainingSetRequest;
import io.kerec.config.KerecConfig;
import io.kerec.config.RankOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores recall candidates with the E-E-I model, micro-batching concurrent requests into one forward pass on a
 * worker (GPU when present, else CPU). Until a model is trained it ranks by the graph-only base score. Retrains
 * from purchase history every {@link RankOptions#retrainEveryPurchases()} purchases, saves each model version
 * under {@code <dataDir>/models/eei/} and swaps it in without dropping requests.
 */
public final class RankVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RankVerticle.class);
  /** Version name reported while no model is trained. */
  public static final String BASE_SCORE = "base-score";

  private final KerecConfig config;
  private RankOptions options;
  private Device device;
  private WorkerExecutor scoring;
  private WorkerExecutor training;
  private MicroBatcher<ScoreRequest, Scores> batcher;
  private volatile EeiModel model;
  private long purchasesSinceTraining;
  private boolean trainingNow;
  private String lastTraining = "never";
  private Path modelRoot;

  public RankVerticle(KerecConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    options = config.rank();
    modelRoot = config.dataPath().resolve("models").resolve("eei");
    scoring = vertx.createSharedWorkerExecutor("kerec-rank", 2);
    training = vertx.createSharedWorkerExecutor("kerec-rank-training", 1);
    batcher = new MicroBatcher<>(vertx, options.maxBatch(), options.maxDelayMs(), this::scoreBatch);
    return training.executeBlocking(() -> {
      device = RankDevice.choose(options.device());
      java.util.Optional<Path> saved = latestSaved();
      return saved.isPresent() ? EeiModel.load(saved.get(), device) : null;
    }).onSuccess(loaded -> {
      model = loaded;
      LOG.info("rank on {} with model {}", device, loaded == null ? BASE_SCORE : loaded.version());
      vertx.eventBus().<ScoreRequest>consumer(Addresses.RANK_SCORE, msg -> batcher.submit(msg.body())
          .onSuccess(msg::reply)
          .onFailure(e -> msg.fail(500, "scoring failed: " + e.getMessage())));
      vertx.eventBus().consumer(Addresses.HEALTH_PREFIX + "rank", msg -> msg.reply(health()));
      vertx.eventBus().consumer(Addresses.RANK_TRAIN, msg -> retrain()
          .onSuccess(samples -> msg.reply(new Done(samples)))
          .onFailure(e -> msg.fail(500, "training failed: " + e.getMessage())));
      if (options.autoTrain()) {
        vertx.eventBus().<PurchasesApplied>consumer(Addresses.PURCHASES_APPLIED, msg -> {
          purchasesSinceTraining += msg.body().purchases().size();
          if (purchasesSinceTraining >= options.retrainEveryPurchases()) {
            retrain();
          }
        });
        if (model == null) {
          vertx.setTimer(1_000, id -> retrain());
        }
      }
    });
  }

  private java.util.Optional<Path> latestSaved() throws IOException {
    if (!Files.isDirectory(modelRoot)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(modelRoot)) {
      return dirs.filter(Files::isDirectory).max(Comparator.comparing(p -> p.getFileName().toString()));
    }
  }

  private Future<List<Scores>> scoreBatch(List<ScoreRequest> requests) {
    EeiModel current = model;
    if (current == null) {
      return Future.succeededFuture(requests.stream().map(r -> new Scores(
          r.candidates().stream().mapToDouble(Candidate::baseScore).toArray(), BASE_SCORE)).toList());
    }
    int rows = requests.stream().mapToInt(r -> r.candidates().size()).sum();
    float[][] features = new float[rows][];
    int at = 0;
    for (ScoreRequest r : requests) {
      for (Candidate c : r.candidates()) {
        features[at++] = c.features();
      }
    }
    return scoring.executeBlocking(() -> rows == 0 ? new float[0] : current.score(features), false)
        .map(all -> {
          List<Scores> out = new ArrayList<>(requests.size());
          int from = 0;
          for (ScoreRequest r : requests) {
            double[] s = new double[r.candidates().size()];
            for (int i = 0; i < s.length; i++) {
              s[i] = all[from + i];
            }
            from += s.length;
            out.add(new Scores(s, current.version()));
          }
          return out;
        });
  }

  /**
   * Rebuilds training samples from purchase history and trains a new model version when there is enough data.
   * Resolves to the number of samples trained on (0 when skipped or already training).
   */
  Future<Integer> retrain() {
    if (trainingNow) {
      return Future.succeededFuture(0);
    }
    trainingNow = true;
    purchasesSinceTraining = 0;
    return vertx.eventBus().<TrainingSet>request(Addresses.GRAPH_TRAINING_SET,
            new TrainingSetRequest(options.trainingUsers(), 42L), new DeliveryOptions().setSendTimeout(300_000))
        .compose(msg -> {
          TrainingSet set = msg.body();
          int positives = 0;
          for (float y : set.labels()) {
            positives += y > 0.5f ? 1 : 0;
          }
          if (positives < options.minPositives() || positives == set.labels().length) {
            lastTraining = "skipped: " + positives + " positives of " + set.labels().length + " samples";
            return Future.succeededFuture(0);
          }
          return training.executeBlocking(() -> {
            EeiModel fresh = EeiModel.create(device);
            TrainingReport report = fresh.train(set.features(), set.labels(), TrainOptions.defaults()
                .withEpochs(options.epochs()).withBalanceClasses(options.balanceClasses()));
            Path dir = modelRoot.resolve(fresh.version());
            fresh.save(dir);
            lastTraining = fresh.version() + ": " + set.labels().length + " samples, validation AUC "
                + String.format("%.3f", report.finalAuc());
            return fresh;
          }).map(fresh -> {
            EeiModel old = model;
            model = fresh;
            LOG.info("rank model swapped to {}", lastTraining);
            if (old != null) {
              vertx.setTimer(10_000, id -> old.close());
            }
            return set.labels().length;
          });
        })
        .onComplete(ar -> {
          trainingNow = false;
          if (ar.failed()) {
            lastTraining = "failed: " + ar.cause().getMessage();
            LOG.warn("rank training failed", ar.cause());
          }
        });
  }

  private HealthReport health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("device", String.valueOf(device));
    details.put("model", model == null ? BASE_SCORE : model.version());
    details.put("lastTraining", lastTraining);
    details.put("batches", batcher.batches());
    details.put("scored", batcher.items());
    return new HealthReport("rank", "UP", details);
  }

  @Override
  public Future<?> stop() {
    EeiModel current = model;
    model = null;
    if (current != null) {
      current.close();
    }
    return scoring.close().compose(v -> training.close());
  }
}
