package io.kerec.rank;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Features;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Trains an {@link EeiModel}'s network: splits the rows per class into training and validation parts after a seeded
 * shuffle, fits the {@link Standardisation} (and the {@link IdVocabulary}, with id embeddings) on the training part,
 * then runs Adam with sigmoid binary cross-entropy over seeded minibatches, pointwise or, with groups, pairwise
 * (RankNet over same-user pairs), plus the contrastive alignment of the entity views when asked, and reports the
 * validation AUC after each epoch. The same data and options give the same parameters.
 *
 * <p>Training of all models in the JVM is serialised, because the PyTorch engine allows only one gradient collector
 * at a time; it also reseeds the engine's global random generator. The caller ({@link EeiModel#train}) holds the
 * model's write lock.
 */
final class EeiTrainer {
  /** The PyTorch engine allows a single GradientCollector per JVM at a time. */
  private static final Object TRAIN_LOCK = new Object();

  private final Model model;
  private final Device device;

  /** What training fitted: the standardisation, the id vocabulary (null without id embeddings) and the report. */
  record Result(Standardisation standardisation, IdVocabulary vocabulary, TrainingReport report) {
  }

  /**
   * @param model the model whose block is trained (replaced by an {@link EeiBlock} with embedding tables when ids
   *     are learned)
   * @param device where training runs
   */
  EeiTrainer(Model model, Device device) {
    this.model = model;
    this.device = device;
  }

  /**
   * Checks the shape and values of the training data before any lock is taken.
   *
   * @throws IllegalArgumentException for malformed data (lengths, widths, non-finite values, labels other than 0/1)
   */
  static void check(float[][] features, float[] labels, int[] groups, CandidateIds[] ids) {
    if (ids != null && ids.length != labels.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + labels.length + " rows");
    }
    if (groups != null && groups.length != labels.length) {
      throw new IllegalArgumentException(groups.length + " groups for " + labels.length + " rows");
    }
    validate(features, labels);
  }

  /**
   * Trains the model's block on checked data (see {@link #check}); see {@link EeiModel#train(float[][], float[],
   * int[], CandidateIds[], EntityViews, TrainOptions, Consumer)}.
   *
   * @throws IllegalArgumentException when the training split holds a single class
   * @throws TrainingException when the engine fails or the loss diverges
   */
  Result train(float[][] features, float[] labels, int[] groups, CandidateIds[] ids, EntityViews views,
               TrainOptions opts, Consumer<EpochReport> onEpoch) {
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
    Standardisation fitted = Standardisation.fit(features, split.train());
    float[] trainX = fitted.apply(features, split.train(), fittedVocabulary, ids);
    float[] trainY = select(labels, split.train());
    float[] validX = fitted.apply(features, split.validation(), fittedVocabulary, ids);
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
          Standardisation.width(fittedVocabulary), sampler);
    }
    return new Result(fitted, fittedVocabulary, result);
  }

  /** Negatives of the same group drawn for each positive, each epoch, by the pairwise loss. */
  static final int NEGATIVES_PER_POSITIVE = 4;

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
      float[] validY, Split split, TrainOptions opts, Consumer<EpochReport> onEpoch,
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

  private static float[] select(float[] values, int[] rows) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return out;
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
