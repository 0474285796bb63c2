package io.kerec.rank;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.Done;
import io.kerec.bus.FeedbackApplied;
import io.kerec.bus.HealthReport;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.bus.Served;
import io.kerec.bus.TrainingSet;
import io.kerec.bus.TrainingSetRequest;
import io.kerec.config.KerecConfig;
import io.kerec.config.RankOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
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
 * from purchase history, and from the real exposures and clicks of what it ranked ({@link ImpressionLog}), every
 * {@link RankOptions#retrainEveryPurchases()} purchases, saves each model version under {@code <dataDir>/models/eei/}
 * and swaps it in without dropping requests.
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
  private volatile Ranking ranking;
  private long purchasesSinceTraining;
  private boolean trainingNow;
  private String lastTraining = "never";
  private double heldOutAuc = Double.NaN;
  private volatile java.util.List<Map<String, Object>> trainingEpochs = java.util.List.of();
  private double edgeWeightAuc = Double.NaN;
  private Path modelRoot;
  private ImpressionLog impressions;

  /**
   * A model version with its learned integration, swapped together. Batches in flight hold it; a retired
   * version is closed when its last batch is done, so a swap never fails a request.
   */
  private static final class Ranking {
    private final EeiEnsemble model;
    private final Integration integration;
    private int users;
    private boolean retired;

    Ranking(EeiEnsemble model, Integration integration) {
      this.model = model;
      this.integration = integration;
    }

    EeiEnsemble model() {
      return model;
    }

    Integration integration() {
      return integration;
    }

    synchronized void acquire() {
      users++;
    }

    synchronized void release() {
      users--;
      closeIfIdle();
    }

    synchronized void retire() {
      retired = true;
      closeIfIdle();
    }

    private void closeIfIdle() {
      if (retired && users == 0) {
        model.close();
      }
    }
  }

  private static final String INTEGRATION_FILE = "integration.json";
  private static final int HELD_OUT_EVERY = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

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
    impressions = new ImpressionLog(options.feedbackSamples());
    if (options.feedbackWeight() > 0) {
      vertx.eventBus().<Served>localConsumer(Addresses.RANK_SERVED, msg -> impressions.served(msg.body()));
      vertx.eventBus().<FeedbackApplied>localConsumer(Addresses.FEEDBACK_APPLIED,
          msg -> msg.body().feedback().forEach(impressions::feedback));
    }
    return training.executeBlocking(() -> {
      device = RankDevice.choose(options.device());
      java.util.Optional<Path> saved = latestSaved();
      if (saved.isEmpty()) {
        return null;
      }
      try {
        return new Ranking(EeiEnsemble.load(saved.get(), device), integration(saved.get()));
      } catch (ModelArtifactException e) {
        LOG.warn("ignoring the saved model, it does not fit this version ({}); ranking by base score until retrained",
            e.getMessage());
        return null;
      }
    }).onSuccess(loaded -> {
      ranking = loaded;
      LOG.info("rank on {} with model {}", device, loaded == null ? BASE_SCORE : loaded.model().version());
      vertx.eventBus().<ScoreRequest>consumer(Addresses.RANK_SCORE, msg -> batcher.submit(msg.body())
          .onSuccess(msg::reply)
          .onFailure(e -> BusError.of(500, "scoring failed: " + e.getMessage()).replyTo(msg)));
      vertx.eventBus().consumer(Addresses.HEALTH_PREFIX + "rank", msg -> msg.reply(health()));
      vertx.eventBus().consumer(Addresses.RANK_TRAIN, msg -> retrain()
          .onSuccess(samples -> msg.reply(new Done(samples)))
          .onFailure(e -> BusError.of(500, "training failed: " + e.getMessage()).replyTo(msg)));
      if (options.autoTrain()) {
        vertx.eventBus().<PurchasesApplied>consumer(Addresses.PURCHASES_APPLIED, msg -> {
          purchasesSinceTraining += msg.body().purchases().size();
          if (purchasesSinceTraining >= options.retrainEveryPurchases()) {
            retrain();
          }
        });
        if (ranking == null) {
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

  private static Integration integration(Path dir) throws IOException {
    Path file = dir.resolve(INTEGRATION_FILE);
    return Files.isRegularFile(file) ? JSON.readValue(file.toFile(), Integration.class) : Integration.MODEL_ONLY;
  }

  private Future<List<Scores>> scoreBatch(List<ScoreRequest> requests) {
    Ranking current = ranking;
    if (current == null) {
      return Future.succeededFuture(requests.stream().map(r -> new Scores(
          r.candidates().stream().mapToDouble(Candidate::baseScore).toArray(), BASE_SCORE)).toList());
    }
    int rows = requests.stream().mapToInt(r -> r.candidates().size()).sum();
    float[][] features = new float[rows][];
    CandidateIds[] ids = new CandidateIds[rows];
    int at = 0;
    for (ScoreRequest r : requests) {
      for (Candidate c : r.candidates()) {
        ids[at] = CandidateIds.of(c);
        features[at++] = c.features();
      }
    }
    current.acquire();
    return scoring.executeBlocking(() -> rows == 0 ? new float[0] : current.model().score(features, ids), false)
        .onComplete(ar -> current.release())
        .map(all -> {
          List<Scores> out = new ArrayList<>(requests.size());
          int from = 0;
          for (ScoreRequest r : requests) {
            double[] s = new double[r.candidates().size()];
            for (int i = 0; i < s.length; i++) {
              s[i] = current.integration().score(all[from + i], features[from + i]);
            }
            from += s.length;
            out.add(new Scores(s, current.model().version()));
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
            new TrainingSetRequest(options.trainingUsers(), options.seed(), options.idEmbedding() > 0),
            Addresses.inEngine(300_000))
        .compose(msg -> {
          TrainingSet set = impressions.appendTo(msg.body(), options.feedbackWeight());
          String logged = set == msg.body() ? "" : String.format(", of them %d logged exposures (%d clicked) x%d",
              impressions.samples(), impressions.positives(), options.feedbackWeight());
          int positives = countPositives(set.labels());
          if (positives < options.minPositives() || positives == set.labels().length) {
            lastTraining = "skipped: " + positives + " positives of " + set.labels().length + " samples";
            return Future.succeededFuture(0);
          }
          return training.executeBlocking(() -> train(set)).map(fresh -> {
            lastTraining += logged;
            Ranking old = ranking;
            ranking = fresh;
            LOG.info("rank model swapped to {}", lastTraining);
            if (old != null) {
              old.retire();
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

  /**
   * Learns the integration with the co-purchase channel from a probe model trained on four in five of the sampled
   * users and scored on the fifth it never saw, then trains the served model on all of them (the model alone when
   * too few positives are held out to learn from).
   */
  private Ranking train(TrainingSet set) throws IOException {
    int n = set.labels().length;
    boolean[] held = new boolean[n];
    int heldRows = 0;
    int heldPositives = 0;
    for (int i = 0; i < n; i++) {
      held[i] = Math.floorMod(set.groups()[i], HELD_OUT_EVERY) == 0;
      heldRows += held[i] ? 1 : 0;
      heldPositives += held[i] && set.labels()[i] > 0.5f ? 1 : 0;
    }
    boolean holdOut = heldPositives > 0 && countPositives(set.labels()) - heldPositives >= options.minPositives();
    float[][] trainX = new float[holdOut ? n - heldRows : n][];
    float[] trainY = new float[trainX.length];
    int[] trainGroups = new int[trainX.length];
    float[][] heldX = new float[holdOut ? heldRows : 0][];
    float[] heldY = new float[heldX.length];
    int[] heldGroups = new int[heldX.length];
    CandidateIds[] ids = set.ids();
    CandidateIds[] trainIds = ids == null ? null : new CandidateIds[trainX.length];
    CandidateIds[] heldIds = ids == null ? null : new CandidateIds[heldX.length];
    for (int i = 0, t = 0, h = 0; i < n; i++) {
      if (holdOut && held[i]) {
        heldX[h] = set.features()[i];
        if (ids != null) {
          heldIds[h] = ids[i];
        }
        heldY[h] = set.labels()[i];
        heldGroups[h++] = set.groups()[i];
      } else {
        trainX[t] = set.features()[i];
        if (ids != null) {
          trainIds[t] = ids[i];
        }
        trainGroups[t] = set.groups()[i];
        trainY[t++] = set.labels()[i];
      }
    }
    TrainOptions trainOptions = TrainOptions.defaults().withEpochs(options.epochs()).withSeed(options.seed())
        .withBalanceClasses(options.balanceClasses())
        .withIdEmbeddings(options.idEmbedding(), options.minIdCount())
        .withContrastiveWeight((float) options.contrastiveWeight());
    Integration integration = Integration.MODEL_ONLY;
    String heldOut = "";
    if (holdOut) {
      try (EeiModel probe = EeiModel.create(device)) {
        probe.train(trainX, trainY, options.pairwise() ? trainGroups : null, trainIds, set.views(), trainOptions,
            epoch -> { });
        float[] probeScores = probe.score(heldX, heldIds);
        integration = Integration.fit(probeScores, heldX, heldY, heldGroups, 10);
        float[] edgeWeight = new float[heldX.length];
        for (int i = 0; i < heldX.length; i++) {
          edgeWeight[i] = heldX[i][io.kerec.bus.Features.EDGE_WEIGHT];
        }
        heldOutAuc = Auc.of(probeScores, heldY);
        edgeWeightAuc = Auc.of(edgeWeight, heldY);
        heldOut = String.format(", held-out AUC %.3f vs edge weight alone %.3f (%d samples of unseen users)",
            heldOutAuc, edgeWeightAuc, heldX.length);
      }
    }
    java.util.List<Map<String, Object>> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    trainingEpochs = progress;
    EeiEnsemble fresh = EeiEnsemble.train(device, options.members(), set.features(), set.labels(),
        options.pairwise() ? set.groups() : null, ids, set.views(), trainOptions, (member, epoch) -> {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("member", member);
          e.put("members", options.members());
          e.put("epoch", epoch.epoch());
          e.put("of", trainOptions.epochs());
          e.put("loss", epoch.loss());
          if (!Double.isNaN(epoch.validationAuc())) {
            e.put("validationAuc", epoch.validationAuc());
          }
          progress.add(e);
        });
    Path dir = modelRoot.resolve(fresh.version());
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(INTEGRATION_FILE).toFile(), integration);
    fresh.save(dir);
    lastTraining = fresh.version() + " (" + fresh.architecture() + "): " + n + " samples, validation AUC "
        + String.format("%.3f", fresh.firstReport().finalAuc())
        + String.format(", co-purchase weight %.2f (held-out NDCG@10 %.4f, model alone %.4f)",
            integration.weight(), integration.ndcg(), integration.ndcgModelOnly()) + heldOut;
    return new Ranking(fresh, integration);
  }

  private static int countPositives(float[] labels) {
    int positives = 0;
    for (float y : labels) {
      positives += y > 0.5f ? 1 : 0;
    }
    return positives;
  }

  private HealthReport health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("device", String.valueOf(device));
    Ranking current = ranking;
    details.put("model", current == null ? BASE_SCORE : current.model().version());
    details.put("coPurchaseWeight", current == null ? 0 : current.integration().weight());
    details.put("lastTraining", lastTraining);
    details.put("training", trainingNow);
    details.put("trainingEpochs", java.util.List.copyOf(trainingEpochs));
    if (!Double.isNaN(heldOutAuc)) {
      details.put("heldOutAuc", heldOutAuc);
      details.put("edgeWeightAuc", edgeWeightAuc);
    }
    details.put("feedbackSamples", impressions.samples());
    details.put("feedbackPositives", impressions.positives());
    details.put("batches", batcher.batches());
    details.put("scored", batcher.items());
    return new HealthReport("rank", "UP", details);
  }

  @Override
  public Future<?> stop() {
    Ranking current = ranking;
    ranking = null;
    if (current != null) {
      current.retire();
    }
    return scoring.close().compose(v -> training.close());
  }
}
