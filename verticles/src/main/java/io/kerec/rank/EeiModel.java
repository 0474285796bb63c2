package io.kerec.rank;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Features;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The first E-E-I (entity-entity-item) ranking model: a small MLP over the candidate feature
 * vector of {@link Features}, {@code SIZE → 32 → 16 → 1} with ReLU, whose single output is a logit;
 * {@link #score} returns {@code sigmoid(logit)}, the probability that the candidate is taken.
 *
 * <p>Inputs are standardised with per-feature means and standard deviations fitted on the training
 * split; they are saved with the model.
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
 * <p><b>Artefact directory</b> written by {@link #save}: {@value #MODEL_NAME}-0000.params (DJL
 * parameter file) and {@value #METADATA_FILE} (format version, model version, architecture,
 * feature size, standardisation, DJL version, creation time, training report).
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
  private static final float MIN_STD = 1e-6f;
  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** The PyTorch engine allows a single GradientCollector per JVM at a time. */
  private static final Object TRAIN_LOCK = new Object();

  static {
    RankDevice.ensureOffline();
  }

  private final Model model;
  private final Device device;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Translator<Rows, float[]> translator = new ScoreTranslator();

  // Guarded by lock (written under the write lock, read under the read lock).
  private float[] means;
  private float[] stds;
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
    model.setBlock(buildBlock());
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
    Path metaFile = dir.resolve(METADATA_FILE);
    if (!Files.isRegularFile(metaFile)) {
      throw new ModelArtifactException("no " + METADATA_FILE + " in " + dir
          + " (not a saved EeiModel, or an interrupted save)");
    }
    ModelMetadata meta;
    try {
      meta = JSON.readValue(metaFile.toFile(), ModelMetadata.class);
    } catch (JacksonException e) {
      throw new ModelArtifactException("unreadable " + metaFile + ": " + e.getOriginalMessage(), e);
    }
    checkMetadata(meta, metaFile);
    RankDevice.engine();
    Model model = Model.newInstance(MODEL_NAME, device, RankDevice.ENGINE);
    IdVocabulary loadedVocabulary = meta.embeddingSize() > 0 ? new IdVocabulary(meta.entities(), meta.items()) : null;
    try {
      model.setBlock(loadedVocabulary == null ? buildBlock() : new EeiBlock(loadedVocabulary.entityTableSize(),
          loadedVocabulary.itemTableSize(), meta.embeddingSize()));
      model.load(dir, MODEL_NAME);
      model.getBlock().freezeParameters(true);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelArtifactException("cannot load parameters from " + dir + ": " + e, e);
    } catch (IOException e) {
      model.close();
      throw e;
    }
    EeiModel result = new EeiModel(model, device);
    result.means = meta.means().clone();
    result.stds = meta.stds().clone();
    result.vocabulary = loadedVocabulary;
    result.embeddingSize = meta.embeddingSize();
    result.report = meta.report();
    result.version = meta.version();
    result.createdAt = parseInstant(meta.createdAt());
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
   * loss is pairwise: for each positive, {@value #NEGATIVES_PER_POSITIVE} negatives of the same user are drawn each
   * epoch and the model learns to score the positive above them (RankNet), which is what a per-user top-k needs.
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
    if (ids != null && ids.length != labels.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + labels.length + " rows");
    }
    if (groups != null && groups.length != labels.length) {
      throw new IllegalArgumentException(groups.length + " groups for " + labels.length + " rows");
    }
    validate(features, labels);
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (trained) {
        throw new IllegalStateException(
            "model " + version + " is already trained; create a new EeiModel to retrain");
      }
      Split split = Split.of(labels, opts.validationFraction(), opts.seed());
      if (split.trainPositives() == 0 || split.trainPositives() == split.train().length) {
        throw new IllegalArgumentException("the training split holds a single class ("
            + split.trainPositives() + " positives of " + split.train().length + " rows)");
      }
      IdVocabulary fittedVocabulary = ids != null && opts.embeddingSize() > 0
          ? IdVocabulary.fit(ids, labels, split.train(), opts.minIdCount()) : null;
      if (fittedVocabulary != null) {
        model.setBlock(new EeiBlock(fittedVocabulary.entityTableSize(), fittedVocabulary.itemTableSize(),
            opts.embeddingSize()));
      }
      float[][] fitted = fitStandardisation(features, split.train());
      float[] trainX = standardise(features, split.train(), fitted[0], fitted[1], fittedVocabulary, ids);
      float[] trainY = select(labels, split.train());
      float[] validX = standardise(features, split.validation(), fitted[0], fitted[1], fittedVocabulary, ids);
      float[] validY = select(labels, split.validation());

      TrainingReport result;
      RankDevice.prepareCurrentThread();
      synchronized (TRAIN_LOCK) {
        int[] trainGroups = null;
        if (groups != null) {
          trainGroups = new int[split.train().length];
          for (int i = 0; i < trainGroups.length; i++) {
            trainGroups[i] = groups[split.train()[i]];
          }
        }
        ViewSampler sampler = opts.contrastiveWeight() > 0 ? ViewSampler.of(views, fittedVocabulary) : null;
        result = runTraining(trainX, trainY, trainGroups, validX, validY, split, opts, onEpoch,
            width(fittedVocabulary), sampler);
      }
      means = fitted[0];
      stds = fitted[1];
      vocabulary = fittedVocabulary;
      embeddingSize = fittedVocabulary == null ? 0 : opts.embeddingSize();
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
      Rows rows = new Rows(standardise(batch, null, means, stds, vocabulary, ids), batch.length, width(vocabulary));
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
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve(METADATA_FILE));
      model.save(dir, MODEL_NAME);
      ModelMetadata meta = new ModelMetadata(FORMAT_VERSION, version, architecture(embeddingSize), Features.SIZE,
          means.clone(), stds.clone(), createdAt.toString(), Engine.getDjlVersion(), report, embeddingSize,
          vocabulary == null ? null : vocabulary.entities(), vocabulary == null ? null : vocabulary.items());
      Path tmp = Files.createTempFile(dir, METADATA_FILE, ".tmp");
      try {
        JSON.writeValue(tmp.toFile(), meta);
        Files.move(tmp, dir.resolve(METADATA_FILE), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
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
    return new Rows(standardise(batch, null, means, stds, vocabulary, null), batch.length, width(vocabulary));
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

  // ------------------------------------------------------------------------------------ training

  private static final int NEGATIVES_PER_POSITIVE = 4;

  /** Pairs (positive row, negative row of the same group) for one epoch, shuffled. */
  private static int[][] epochPairs(float[] y, int[] groups, SplittableRandom rng) {
    Map<Integer, List<Integer>> negatives = new HashMap<>();
    for (int i = 0; i < y.length; i++) {
      if (y[i] <= 0.5f) {
        negatives.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
      }
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      List<Integer> own = y[i] > 0.5f ? negatives.get(groups[i]) : null;
      if (own == null) {
        continue;
      }
      for (int k = 0; k < NEGATIVES_PER_POSITIVE; k++) {
        pairs.add(new int[] {i, own.get(rng.nextInt(own.size()))});
      }
    }
    for (int i = pairs.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int[] t = pairs.get(i);
      pairs.set(i, pairs.get(j));
      pairs.set(j, t);
    }
    return pairs.toArray(int[][]::new);
  }

  private TrainingReport runTraining(float[] trainX, float[] trainY, int[] trainGroups, float[] validX,
      float[] validY, Split split, TrainOptions opts, java.util.function.Consumer<EpochReport> onEpoch,
      int width, ViewSampler sampler) {
    int trainRows = trainY.length;
    int validRows = validY.length;
    SplittableRandom rng = new SplittableRandom(opts.seed() ^ 0x5DEECE66DL);
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
        .optOptimizer(Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed(opts.learningRate()))
            .build())
        .optDevices(new Device[] {device})
        .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    List<EpochReport> epochs = new ArrayList<>(opts.epochs());
    long samplesSeen = 0;
    long computeNanos = 0;
    long start = System.nanoTime();
    try {
      RankDevice.engine().setRandomSeed((int) (opts.seed() ^ (opts.seed() >>> 32)));
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(opts.batchSize(), width));
        float[] bx = new float[opts.batchSize() * width];
        float[] by = new float[opts.batchSize()];
        float[] bx2 = new float[opts.batchSize() * width];
        for (int epoch = 1; epoch <= opts.epochs(); epoch++) {
          long epochStart = System.nanoTime();
          double lossSum = 0;
          int samples;
          if (trainGroups != null) {
            int[][] pairs = epochPairs(trainY, trainGroups, rng);
            samples = pairs.length;
            for (int from = 0; from < pairs.length; from += opts.batchSize()) {
              int n = Math.min(opts.batchSize(), pairs.length - from);
              for (int r = 0; r < n; r++) {
                System.arraycopy(trainX, pairs[from + r][0] * width, bx, r * width, width);
                System.arraycopy(trainX, pairs[from + r][1] * width, bx2, r * width, width);
              }
              try (NDManager batchManager = trainer.getManager().newSubManager()) {
                NDArray better = rows(batchManager, bx, n, width);
                NDArray worse = rows(batchManager, bx2, n, width);
                lossSum += (double) n * optimise(trainer, batchManager.ones(new Shape(n, 1)),
                    () -> trainer.forward(new NDList(better)).singletonOrThrow()
                        .sub(trainer.forward(new NDList(worse)).singletonOrThrow()),
                    alignment(trainer, batchManager, sampler, opts, rng), epoch);
              }
            }
          } else {
            int[] order = epochOrder(trainY, split.trainPositives(), opts.balanceClasses(), rng);
            samples = order.length;
            for (int from = 0; from < order.length; from += opts.batchSize()) {
              int n = Math.min(opts.batchSize(), order.length - from);
              for (int r = 0; r < n; r++) {
                int row = order[from + r];
                System.arraycopy(trainX, row * width, bx, r * width, width);
                by[r] = trainY[row];
              }
              try (NDManager batchManager = trainer.getManager().newSubManager()) {
                NDArray x = rows(batchManager, bx, n, width);
                NDArray y = batchManager.create(Arrays.copyOf(by, n), new Shape(n, 1));
                lossSum += (double) n * optimise(trainer, y,
                    () -> trainer.forward(new NDList(x)).singletonOrThrow(),
                    alignment(trainer, batchManager, sampler, opts, rng), epoch);
              }
            }
          }
          samplesSeen += samples;
          computeNanos += System.nanoTime() - epochStart;
          double auc = validRows == 0 ? Double.NaN
              : Auc.of(logits(trainer, validX, validRows, width), validY);
          EpochReport epochReport = new EpochReport(epoch, samples == 0 ? 0 : lossSum / samples, auc);
          epochs.add(epochReport);
          onEpoch.accept(epochReport);
        }
      }
    } catch (TrainingException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TrainingException("training failed: " + e, e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    double perSecond = computeNanos == 0 ? 0 : samplesSeen / (computeNanos / 1e9);
    double finalAuc = epochs.get(epochs.size() - 1).validationAuc();
    return new TrainingReport(epochs, finalAuc, trainRows, split.trainPositives(), validRows,
        split.validationPositives(), samplesSeen, millis, perSecond, opts);
  }

  /** The first {@code n} standardised rows of a batch buffer as an (n, width) array. */
  private static NDArray rows(NDManager manager, float[] buffer, int n, int width) {
    return manager.create(Arrays.copyOf(buffer, n * width), new Shape(n, width));
  }

  /** Entities drawn per step for the contrastive alignment. */
  private static final int ALIGNMENT_BATCH = 128;

  /** The weighted alignment loss of a freshly drawn batch of entities, or null when it is off. */
  private static Supplier<NDArray> alignment(Trainer trainer, NDManager manager, ViewSampler sampler,
                                             TrainOptions opts, SplittableRandom rng) {
    if (sampler == null) {
      return null;
    }
    float[][] drawn = sampler.draw(ALIGNMENT_BATCH, rng);
    Shape shape = new Shape(drawn[0].length / sampler.tableSize(), sampler.tableSize());
    NDArray complement = manager.create(drawn[0], shape);
    NDArray coPurchase = manager.create(drawn[1], shape);
    return () -> trainer.forward(new NDList(complement, coPurchase)).singletonOrThrow()
        .mul(opts.contrastiveWeight());
  }

  /**
   * One optimiser step on the sigmoid cross-entropy of {@code logits} against {@code labels}, plus {@code extra}
   * when given; the batch loss.
   */
  private static float optimise(Trainer trainer, NDArray labels, Supplier<NDArray> logits,
                                Supplier<NDArray> extra, int epoch) {
    float value;
    try (GradientCollector collector = trainer.newGradientCollector()) {
      NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits.get()));
      if (extra != null) {
        loss = loss.add(extra.get());
      }
      collector.backward(loss);
      value = loss.getFloat();
      if (!Float.isFinite(value)) {
        throw new TrainingException("loss became " + value + " in epoch " + epoch + "; lower the learning rate");
      }
    }
    trainer.step();
    return value;
  }

  /** Raw logits of standardised rows, in chunks, with the trainer's (current) parameters. */
  private static float[] logits(Trainer trainer, float[] x, int rows, int width) {
    float[] out = new float[rows];
    int chunk = 4096;
    for (int from = 0; from < rows; from += chunk) {
      int n = Math.min(chunk, rows - from);
      try (NDManager manager = trainer.getManager().newSubManager()) {
        NDArray input = manager.create(
            Arrays.copyOfRange(x, from * width, (from + n) * width),
            new Shape(n, width));
        float[] part = trainer.evaluate(new NDList(input)).singletonOrThrow().toFloatArray();
        System.arraycopy(part, 0, out, from, n);
      }
    }
    return out;
  }

  /**
   * Row order of one epoch: every training row once, plus (when balancing) minority rows drawn
   * with replacement until both classes are equally frequent; then a seeded Fisher-Yates shuffle.
   */
  private static int[] epochOrder(float[] y, int positives, boolean balance,
      SplittableRandom rng) {
    int n = y.length;
    int negatives = n - positives;
    int extra = balance ? Math.abs(negatives - positives) : 0;
    int[] order = new int[n + extra];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (extra > 0) {
      boolean minorityPositive = positives < negatives;
      int[] minority = new int[Math.min(positives, negatives)];
      int m = 0;
      for (int i = 0; i < n; i++) {
        if ((y[i] > 0.5f) == minorityPositive) {
          minority[m++] = i;
        }
      }
      for (int k = 0; k < extra; k++) {
        order[n + k] = minority[rng.nextInt(minority.length)];
      }
    }
    shuffle(order, rng);
    return order;
  }

  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  // --------------------------------------------------------------------------- data preparation

  private static void validate(float[][] features, float[] labels) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.length != labels.length) {
      throw new IllegalArgumentException("features and labels differ in length: "
          + features.length + " vs " + labels.length);
    }
    if (features.length < 2) {
      throw new IllegalArgumentException("need at least 2 rows, got " + features.length);
    }
    for (int i = 0; i < features.length; i++) {
      float[] row = features[i];
      if (row == null || row.length != Features.SIZE) {
        throw new IllegalArgumentException("row " + i + " must have " + Features.SIZE
            + " features, has " + (row == null ? "null" : row.length));
      }
      for (int f = 0; f < row.length; f++) {
        if (!Float.isFinite(row[f])) {
          throw new IllegalArgumentException("feature " + f + " of row " + i + " is " + row[f]);
        }
      }
      if (labels[i] != 0f && labels[i] != 1f) {
        throw new IllegalArgumentException("label " + i + " must be 0 or 1, got " + labels[i]);
      }
    }
  }

  /** Means and (population) standard deviations of the given rows; tiny deviations become 1. */
  private static float[][] fitStandardisation(float[][] features, int[] rows) {
    double[] sum = new double[Features.SIZE];
    double[] sumSq = new double[Features.SIZE];
    for (int row : rows) {
      for (int f = 0; f < Features.SIZE; f++) {
        double v = features[row][f];
        sum[f] += v;
        sumSq[f] += v * v;
      }
    }
    float[] mean = new float[Features.SIZE];
    float[] std = new float[Features.SIZE];
    for (int f = 0; f < Features.SIZE; f++) {
      double m = sum[f] / rows.length;
      double variance = Math.max(0, sumSq[f] / rows.length - m * m);
      mean[f] = (float) m;
      float s = (float) Math.sqrt(variance);
      std[f] = s < MIN_STD ? 1f : s;
    }
    return new float[][] {mean, std};
  }

  /**
   * Standardised rows (all rows when {@code rows} is null), flattened row-major, each followed by its embedding-table
   * rows when there is a vocabulary.
   */
  private static float[] standardise(float[][] features, int[] rows, float[] mean, float[] std,
                                     IdVocabulary vocabulary, CandidateIds[] ids) {
    int n = rows == null ? features.length : rows.length;
    int width = width(vocabulary);
    float[] out = new float[n * width];
    for (int r = 0; r < n; r++) {
      int source = rows == null ? r : rows[r];
      float[] row = features[source];
      int base = r * width;
      for (int f = 0; f < Features.SIZE; f++) {
        out[base + f] = (row[f] - mean[f]) / std[f];
      }
      if (vocabulary != null) {
        vocabulary.rows(ids == null ? null : ids[source], out, base + Features.SIZE);
      }
    }
    return out;
  }

  private static int width(IdVocabulary vocabulary) {
    return vocabulary == null ? Features.SIZE : EeiBlock.width();
  }

  /** The layout name recorded in the artefact. */
  static String architecture(int embeddingSize) {
    return embeddingSize == 0 ? ARCHITECTURE : "eei-ids" + embeddingSize + "-" + ARCHITECTURE;
  }

  private static float[] select(float[] values, int[] rows) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return out;
  }

  // ------------------------------------------------------------------------------------- helpers

  private static Block buildBlock() {
    return EeiBlock.mlp();
  }

  private static void checkMetadata(ModelMetadata meta, Path file) {
    if (meta.format() != FORMAT_VERSION) {
      throw new ModelArtifactException(file + ": artefact format " + meta.format()
          + ", this code reads format " + FORMAT_VERSION);
    }
    if (meta.featureSize() != Features.SIZE) {
      throw new ModelArtifactException(file + ": model expects " + meta.featureSize()
          + " features, Features.SIZE is " + Features.SIZE);
    }
    if (!architecture(meta.embeddingSize()).equals(meta.architecture())) {
      throw new ModelArtifactException(file + ": architecture " + meta.architecture()
          + ", this code builds " + architecture(meta.embeddingSize()));
    }
    if (meta.embeddingSize() > 0 && (meta.entities() == null || meta.items() == null)) {
      throw new ModelArtifactException(file + ": id embeddings without their vocabulary");
    }
    if (meta.version() == null || meta.means() == null || meta.stds() == null
        || meta.means().length != Features.SIZE || meta.stds().length != Features.SIZE) {
      throw new ModelArtifactException(file + ": version or standardisation missing");
    }
    for (int f = 0; f < Features.SIZE; f++) {
      if (!Float.isFinite(meta.means()[f]) || !(meta.stds()[f] > 0f)
          || !Float.isFinite(meta.stds()[f])) {
        throw new ModelArtifactException(file + ": bad standardisation for feature " + f);
      }
    }
  }

  private static Instant parseInstant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new ModelArtifactException("bad createdAt '" + value + "'", e);
    }
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

  /** Seeded, per-class split into training and validation row indices. */
  private record Split(int[] train, int[] validation, int trainPositives,
      int validationPositives) {

    static Split of(float[] labels, double validationFraction, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      int positives = 0;
      for (float label : labels) {
        if (label > 0.5f) {
          positives++;
        }
      }
      int[] pos = new int[positives];
      int[] neg = new int[labels.length - positives];
      int p = 0;
      int q = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] > 0.5f) {
          pos[p++] = i;
        } else {
          neg[q++] = i;
        }
      }
      shuffle(pos, rng);
      shuffle(neg, rng);
      int validPos = (int) Math.round(pos.length * validationFraction);
      int validNeg = (int) Math.round(neg.length * validationFraction);
      int[] validation = new int[validPos + validNeg];
      int[] train = new int[labels.length - validation.length];
      System.arraycopy(pos, 0, validation, 0, validPos);
      System.arraycopy(neg, 0, validation, validPos, validNeg);
      System.arraycopy(pos, validPos, train, 0, pos.length - validPos);
      System.arraycopy(neg, validNeg, train, pos.length - validPos, neg.length - validNeg);
      // training order does not matter (each epoch reshuffles); keep it sorted for locality
      Arrays.sort(train);
      Arrays.sort(validation);
      return new Split(train, validation, pos.length - validPos, validPos);
    }
  }
}
