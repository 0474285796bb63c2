package io.kerec.rank;

/**
 * Hyper-parameters of {@link EeiModel#train}.
 *
 * @param epochs passes over the training split, at least 1
 * @param batchSize minibatch size, at least 1
 * @param learningRate Adam learning rate, positive
 * @param validationFraction share of rows held out for validation, in [0, 0.9]; 0 disables
 *     validation (AUCs are then {@code NaN})
 * @param seed seed of the shuffle, the validation split, the class balancing and the weight
 *     initialisation: same seed and same data give the same model
 * @param balanceClasses when {@code true} the minority class is oversampled (with replacement,
 *     from the seeded generator) each epoch until both classes are equally represented; when
 *     {@code false} the rows are used as they are
 * @param embeddingSize width of the entity and item id embeddings; 0 trains on the features alone
 * @param minIdCount how many positive training rows an entity or item needs to get its own embedding (rarer ones share the
 *     unknown row), at least 1
 * @param contrastiveWeight weight of the contrastive loss that pulls each entity's co-purchase view and
 *     complementary-graph view together (0 = off; needs id embeddings and entity views)
 */
public record TrainOptions(
    int epochs,
    int batchSize,
    float learningRate,
    double validationFraction,
    long seed,
    boolean balanceClasses,
    int embeddingSize,
    int minIdCount,
    float contrastiveWeight) {

  /** Validates the values. */
  public TrainOptions {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
    }
    if (!(validationFraction >= 0.0 && validationFraction <= 0.9)) {
      throw new IllegalArgumentException(
          "validationFraction must be in [0, 0.9], got " + validationFraction);
    }
    if (embeddingSize < 0 || embeddingSize > 256) {
      throw new IllegalArgumentException("embeddingSize must be in [0, 256], got " + embeddingSize);
    }
    if (minIdCount < 1) {
      throw new IllegalArgumentException("minIdCount must be >= 1, got " + minIdCount);
    }
    if (!(contrastiveWeight >= 0f) || Float.isInfinite(contrastiveWeight)) {
      throw new IllegalArgumentException("contrastiveWeight must be >= 0, got " + contrastiveWeight);
    }
  }

  /** Features and labels only, as before id embeddings existed. */
  public TrainOptions(int epochs, int batchSize, float learningRate, double validationFraction, long seed,
                      boolean balanceClasses) {
    this(epochs, batchSize, learningRate, validationFraction, seed, balanceClasses, 0, 1, 0f);
  }

  /**
   * @return 10 epochs, batch 256, learning rate 0.01, 20 % validation, seed 42, balanced classes, no id embeddings
   */
  public static TrainOptions defaults() {
    return new TrainOptions(10, 256, 0.01f, 0.2, 42L, true);
  }

  /** A copy with that number of epochs. */
  public TrainOptions withEpochs(int value) {
    return new TrainOptions(value, batchSize, learningRate, validationFraction, seed, balanceClasses, embeddingSize,
        minIdCount, contrastiveWeight);
  }

  /** A copy with that batch size. */
  public TrainOptions withBatchSize(int value) {
    return new TrainOptions(epochs, value, learningRate, validationFraction, seed, balanceClasses, embeddingSize,
        minIdCount, contrastiveWeight);
  }

  /** A copy with that learning rate. */
  public TrainOptions withLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, value, validationFraction, seed, balanceClasses, embeddingSize,
        minIdCount, contrastiveWeight);
  }

  /** A copy with that validation fraction. */
  public TrainOptions withValidationFraction(double value) {
    return new TrainOptions(epochs, batchSize, learningRate, value, seed, balanceClasses, embeddingSize, minIdCount,
        contrastiveWeight);
  }

  /** A copy with that seed. */
  public TrainOptions withSeed(long value) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, value, balanceClasses,
        embeddingSize, minIdCount, contrastiveWeight);
  }

  /** A copy with class balancing on or off. */
  public TrainOptions withBalanceClasses(boolean value) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, seed, value, embeddingSize,
        minIdCount, contrastiveWeight);
  }

  /** A copy with id embeddings of that width (0 = off), for ids seen in at least {@code minCount} rows. */
  public TrainOptions withIdEmbeddings(int size, int minCount) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, seed, balanceClasses, size,
        minCount, contrastiveWeight);
  }

  /** A copy with that contrastive-loss weight (0 = off). */
  public TrainOptions withContrastiveWeight(float value) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, seed, balanceClasses,
        embeddingSize, minIdCount, value);
  }
}
