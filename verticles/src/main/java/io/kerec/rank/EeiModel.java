package io.kerec.rank;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.Pair;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Features;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The first E-E-I (entity-entity-item) ranking model: a small MLP over the candidate feature
 * vector of {@link Features}, {@code SIZE → 32 → 16 → 1} with ReLU, whose single output is a logit;
 * {@link #score} returns {@code sigmoid(logit)}, the probability that the candidate is taken.
 *
 * <p>Inputs are standardised with per-feature means and standard deviations fitted on the training
 * split; they are saved with the model.
 *
 * <p><b>Parts.</b> This class holds the model's state and lock and scores; the network is
 * {@link EeiBlock}, the training loop {@link EeiTrainer}, the input standardisation
 * {@link Standardisation}, and the artefact directory is written and read by {@link EeiArtifact}.
 *
 * <p><b>Lifecycle.</b> {@link #create} gives an untrained model that can be {@link #train trained}
 * once; {@link #load} gives a trained one. To retrain, create a new model and swap it in. Close
 * the model to free its native memory.
 *
 * <p><b>Threads.</b> {@link #score} is safe for any number of concurrent callers: each call uses its
 * own {@link Predictor} (predictors are cheap, the parameters are shared read-only). On the 2-core
 * build machine a per-call predictor and one shared, synchronized predictor measured the same
 * within noise (p50 about 0.1-0.2 ms for 200 rows, 0.2-0.26 ms for 1,000), so the per-call form
 * was kept: it lets concurrent callers run in parallel. Training,
 * saving and closing take an exclusive lock, so they wait for running scores and block new ones.
 * Training of <em>all</em> models in the JVM is serialised, because the PyTorch engine allows only
 * one gradient collector at a time; it also reseeds the engine's global random generator. All
 * methods block: call them from a worker thread, never from a Vert.x event loop.
 *
 * <p><b>Class imbalance.</b> With {@link TrainOptions#balanceClasses()} the minority class of the
 * training split is oversampled each epoch (with replacement, seeded) until both classes have as
 * many rows. This keeps minibatches informative when positives are rare; as a consequence the
 * scores are calibrated to a 50 % prior rather than the true positive rate. That does not change
 * the ranking (AUC is unaffected by a monotone shift), but the scores must not be read as
 * real-world purchase probabilities.
 *
 * <p><b>Artefact directory</b> written by {@link #save} (see {@link EeiArtifact}):
 * {@value #MODEL_NAME}-0000.params (DJL parameter file) and {@value #METADATA_FILE} (format version,
 * model version, architecture, feature size, standardisation, DJL version, creation time, training
 * report).
 */
public final class EeiModel implements AutoCloseable {

  /** Version of the artefact directory layout; {@link #load} rejects any other. */
  public static final int FORMAT_VERSION = 1;
  /** Network layout of a feature-only model, recorded in the artefact and checked on load. */
  public static final String ARCHITECTURE = "mlp-" + Features.SIZE + "-32-16-1-relu";
  /** Prefix of the parameter file in the artefact directory. */
  public static final String MODEL_NAME = "eei";
  /** Name of the metadata file in the artefact directory. */
  public static final String METADATA_FILE = "eei-model.json";

  private static final String UNTRAINED = "untrained";
  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  static {
    RankDevice.ensureOffline();
  }

  private final Model model;
  private final Device device;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Translator<Rows, float[]> translator = new ScoreTranslator();

  // Guarded by lock (written under the write lock, read under the read lock).
  private Standardisation standardisation;
  private IdVocabulary vocabulary;
  private int embeddingSize;
  private TrainingReport report;
  private String version = UNTRAINED;
  private Instant createdAt;
  private boolean trained;
  private boolean closed;

  private EeiModel(Model model, Device device) {
    this.model = model;
    this.device = device;
  }

  /**
   * Creates an untrained model on a device.
   *
   * @param device where parameters live and computation runs (see {@link RankDevice#choose})
   * @return the model; {@link #train} it before scoring
   */
  public static EeiModel create(Device device) {
    Objects.requireNonNull(device, "device");
    RankDevice.engine();
    Model model = Model.newInstance(MODEL_NAME, device, RankDevice.ENGINE);
    model.setBlock(EeiBlock.mlp());
    return new EeiModel(model, device);
  }

  /**
   * Loads a model saved by {@link #save}.
   *
   * @param dir the artefact directory
   * @param device where to load it
   * @return the trained model
   * @throws IOException when a file cannot be read
   * @throws ModelArtifactException when the directory is incomplete, corrupt or incompatible
   */
  public static EeiModel load(Path dir, Device device) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(device, "device");
    EeiArtifact.Loaded saved = EeiArtifact.read(dir, device);
    ModelMetadata meta = saved.metadata();
    EeiModel result = new EeiModel(saved.model(), device);
    result.standardisation = Standardisation.of(meta.means(), meta.stds());
    result.vocabulary = saved.vocabulary();
    result.embeddingSize = meta.embeddingSize();
    result.report = meta.report();
    result.version = meta.version();
    result.createdAt = saved.createdAt();
    result.trained = true;
    return result;
  }

  /**
   * Trains the untrained model.
   *
   * <p>The rows are split, per class, into training and validation parts after a seeded shuffle
   * (so both parts keep the positive rate); standardisation is fitted on the training part; each
   * epoch shuffles the (optionally class-balanced) training rows with the seeded generator and
   * runs Adam with sigmoid binary cross-entropy over minibatches. The same data and options give
   * the same model.
   *
   * @param features one {@code float[Features.SIZE]} per row, finite values
   * @param labels one label per row, 0 or 1
   * @param opts hyper-parameters
   * @return the training report (also kept by the model and saved with it)
   * @throws IllegalArgumentException for malformed data (lengths, widths, non-finite values,
   *     labels other than 0/1, a single class in the training split)
   * @throws IllegalStateException when the model is already trained or closed
   * @throws TrainingException when the engine fails or the loss diverges
   */
  public TrainingReport train(float[][] features, float[] labels, TrainOptions opts) {
    return train(features, labels, null, opts);
  }

  /**
   * Trains as {@link #train(float[][], float[], TrainOptions)}, but with {@code groups} (the user of each row) the
   * loss is pairwise: for each positive, {@value EeiTrainer#NEGATIVES_PER_POSITIVE} negatives of the same user are
   * drawn each epoch and the model learns to score the positive above them (RankNet), which is what a per-user top-k
   * needs.
   * Scores remain probabilities, of ranking above a same-user negative.
   */
  public TrainingReport train(float[][] features, float[] labels, int[] groups, TrainOptions opts) {
    return train(features, labels, groups, opts, epoch -> { });
  }

  /**
   * Trains as {@link #train(float[][], float[], int[], TrainOptions)}, telling {@code onEpoch} each epoch's loss and
   * validation AUC as soon as the epoch ends (for progress reports).
   *
   * @param features one row per sample
   * @param labels 1 bought, 0 not
   * @param groups the user of each row, or null for the pointwise loss
   * @param opts training options
   * @param onEpoch receives each epoch's report, on the training thread
   * @return the report
   */
  public TrainingReport train(float[][] features, float[] labels, int[] groups, TrainOptions opts,
                              java.util.function.Consumer<EpochReport> onEpoch) {
    return train(features, labels, groups, null, null, opts, onEpoch);
  }

  /**
   * Trains as {@link #train(float[][], float[], int[], TrainOptions, java.util.function.Consumer)}; with
   * {@code ids} and {@link TrainOptions#embeddingSize()} above 0 the model also learns an embedding for every
   * entity and item seen in at least {@link TrainOptions#minIdCount()} training rows, and one shared embedding for
   * the rest (unseen entities, new items).
   *
   * <p>With {@code views} and {@link TrainOptions#contrastiveWeight()} above 0, each step also minimises that weight
   * times a contrastive loss that aligns every entity's complementary-graph view with its co-purchase view (see
   * {@link EeiBlock}).
   *
   * @param ids the identities of each row, or null to train on the features alone
   * @param views the entity graphs for the contrastive alignment, or null
   */
  public TrainingReport train(float[][] features, float[] labels, int[] groups, CandidateIds[] ids,
                              EntityViews views, TrainOptions opts,
                              java.util.function.Consumer<EpochReport> onEpoch) {
    Objects.requireNonNull(opts, "opts");
    EeiTrainer.check(features, labels, groups, ids);
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (trained) {
        throw new IllegalStateException(
            "model " + version + " is already trained; create a new EeiModel to retrain");
      }
      EeiTrainer.Result fitted = new EeiTrainer(model, device).train(features, labels, groups, ids, views, opts,
          onEpoch);
      TrainingReport result = fitted.report();
      standardisation = fitted.standardisation();
      vocabulary = fitted.vocabulary();
      embeddingSize = vocabulary == null ? 0 : opts.embeddingSize();
      report = result;
      createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      model.getBlock().freezeParameters(true);
      version = MODEL_NAME + "-" + VERSION_TIME.format(createdAt) + "-" + parameterDigest();
      trained = true;
      return result;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The network layout, as recorded in the artefact (feature-only, or with id embeddings of some width). */
  public String architecture() {
    lock.readLock().lock();
    try {
      return architecture(embeddingSize);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Scores candidates.
   *
   * @param batch one {@code float[Features.SIZE]} per candidate (not modified)
   * @return one probability in (0, 1) per row, in the same order; empty for an empty batch
   * @throws IllegalArgumentException when a row has the wrong length
   * @throws IllegalStateException when the model is untrained or closed
   * @throws ScoringException when the engine fails
   */
  public float[] score(float[][] batch) {
    return score(batch, null);
  }

  /**
   * Scores candidates as {@link #score(float[][])}, with their identities for a model with id embeddings (ignored
   * by a feature-only model; without them every id counts as unknown).
   *
   * @param ids one per row, or null
   */
  public float[] score(float[][] batch, CandidateIds[] ids) {
    Objects.requireNonNull(batch, "batch");
    if (ids != null && ids.length != batch.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + batch.length + " rows");
    }
    for (int i = 0; i < batch.length; i++) {
      if (batch[i] == null || batch[i].length != Features.SIZE) {
        throw new IllegalArgumentException("row " + i + " must have " + Features.SIZE
            + " features, has " + (batch[i] == null ? "null" : batch[i].length));
      }
    }
    if (batch.length == 0) {
      return new float[0];
    }
    RankDevice.prepareCurrentThread();
    lock.readLock().lock();
    try {
      ensureOpen();
      if (!trained) {
        throw new IllegalStateException("model is not trained");
      }
      Rows rows = new Rows(standardisation.apply(batch, null, vocabulary, ids), batch.length,
          Standardisation.width(vocabulary));
      try (Predictor<Rows, float[]> predictor = model.newPredictor(translator)) {
        return predictor.predict(rows);
      } catch (TranslateException e) {
        throw new ScoringException("scoring " + batch.length + " rows failed", e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Saves the trained model into a directory (created if needed; files of an earlier save are
   * overwritten). The metadata file is written last, through a temporary file, so a directory
   * with a metadata file is complete.
   *
   * @param dir the artefact directory
   * @throws IOException when writing fails
   * @throws IllegalStateException when the model is untrained or closed
   */
  public void save(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    lock.readLock().lock();
    try {
      ensureOpen();
      if (!trained) {
        throw new IllegalStateException("an untrained model cannot be saved");
      }
      ModelMetadata meta = new ModelMetadata(FORMAT_VERSION, version, architecture(embeddingSize), Features.SIZE,
          standardisation.means(), standardisation.stds(), createdAt.toString(), Engine.getDjlVersion(), report,
          embeddingSize, vocabulary == null ? null : vocabulary.entities(),
          vocabulary == null ? null : vocabulary.items());
      EeiArtifact.write(dir, model, meta);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * @return {@code eei-<UTC time of training>-<8 hex digits of a parameter digest>} for a trained
   *     model (the version it was saved with, for a loaded one), {@code "untrained"} before
   *     training
   */
  public String version() {
    lock.readLock().lock();
    try {
      return version;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * @return whether the model can score
   */
  public boolean isTrained() {
    lock.readLock().lock();
    try {
      return trained && !closed;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * @return the report of the training that produced this model, empty before training
   */
  public Optional<TrainingReport> trainingReport() {
    lock.readLock().lock();
    try {
      return Optional.ofNullable(report);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * @return when training finished, empty before training
   */
  public Optional<Instant> createdAt() {
    lock.readLock().lock();
    try {
      return Optional.ofNullable(createdAt);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * @return the device the model runs on
   */
  public Device device() {
    return device;
  }

  /** Frees the model's native memory; waits for running calls. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        model.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "EeiModel[" + version() + ", " + ARCHITECTURE + ", " + device + "]";
  }

  // ---------------------------------------------------------------- package-private (tests, bench)

  /** The DJL model; for benchmarks in this package only. */
  Model djlModel() {
    return model;
  }

  /** Standardised, flattened rows, ready for a {@link Predictor} from {@link #translator()}. */
  Rows prepare(float[][] batch) {
    return new Rows(standardisation.apply(batch, null, vocabulary, null), batch.length,
        Standardisation.width(vocabulary));
  }

  /**
   * The contrastive alignment loss of the current entity embeddings over all entities eligible in {@code views}
   * (NaN for a model without id embeddings, or too few such entities).
   */
  float alignmentLoss(EntityViews views) {
    lock.readLock().lock();
    try {
      ensureOpen();
      ViewSampler sampler = ViewSampler.of(views, vocabulary);
      if (sampler == null || !(model.getBlock() instanceof EeiBlock block)) {
        return Float.NaN;
      }
      float[][] all = sampler.draw(sampler.size(), new SplittableRandom(0));
      try (NDManager manager = model.getNDManager().newSubManager()) {
        Shape shape = new Shape(sampler.size(), sampler.tableSize());
        NDList input = new NDList(manager.create(all[0], shape), manager.create(all[1], shape));
        return block.forward(new ai.djl.training.ParameterStore(manager, false), input, false)
            .singletonOrThrow().getFloat();
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The translator used by {@link #score}. */
  Translator<Rows, float[]> translator() {
    return translator;
  }

  /** The layout name recorded in the artefact. */
  static String architecture(int embeddingSize) {
    return embeddingSize == 0 ? ARCHITECTURE : "eei-ids" + embeddingSize + "-" + ARCHITECTURE;
  }

  /** 8 hex digits summarising the parameter values (same weights, same digest). */
  private String parameterDigest() {
    int h = 1;
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      h = 31 * h + p.getKey().hashCode();
      h = 31 * h + Arrays.hashCode(p.getValue().getArray().toFloatArray());
    }
    return String.format("%08x", h);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("model " + version + " is closed");
    }
  }

  /** Standardised rows, flattened row-major, and their count. */
  record Rows(float[] flat, int count, int width) {
  }

  /** Rows → probabilities, without a batchifier (the input already is the whole batch). */
  private static final class ScoreTranslator implements Translator<Rows, float[]> {

    @Override
    public NDList processInput(TranslatorContext ctx, Rows input) {
      return new NDList(
          ctx.getNDManager().create(input.flat(), new Shape(input.count(), input.width())));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return Activation.sigmoid(list.singletonOrThrow()).toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
      return null;
    }
  }
}
