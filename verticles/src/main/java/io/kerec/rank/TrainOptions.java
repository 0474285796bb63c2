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
 */
public record TrainOptions(
    int epochs,
    int batchSize,
    float learningRate,
    double validationFraction,
    long seed,
    boolean balanceClasses) {

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
  }

  /**
   * @return 10 epochs, batch 256, learning rate 0.01, 20 % validation, seed 42, balanced classes
   */
  public static TrainOptions defaults() {
    return new TrainOptions(10, 256, 0.01f, 0.2, 42L, true);
  }

  /**
   * @param value epochs
   * @return a copy with that number of epochs
   */
  public TrainOptions withEpochs(int value) {
    return new TrainOptions(value, batchSize, learningRate, validationFraction, seed,
        balanceClasses);
  }

  /**
   * @param value batch size
   * @return a copy with that batch size
   */
  public TrainOptions withBatchSize(int value) {
    return new TrainOptions(epochs, value, learningRate, validationFraction, seed,
        balanceClasses);
  }

  /**
   * @param value learning rate
   * @return a copy with that learning rate
   */
  public TrainOptions withLearningRate(float value) {
    return new TrainOptions(epochs, batchSize, value, validationFraction, seed, balanceClasses);
  }

  /**
   * @param value validation fraction
   * @return a copy with that validation fraction
   */
  public TrainOptions withValidationFraction(double value) {
    return new TrainOptions(epochs, batchSize, learningRate, value, seed, balanceClasses);
  }

  /**
   * @param value seed
   * @return a copy with that seed
   */
  public TrainOptions withSeed(long value) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, value,
        balanceClasses);
  }

  /**
   * @param value whether to balance classes
   * @return a copy with that setting
   */
  public TrainOptions withBalanceClasses(boolean value) {
    return new TrainOptions(epochs, batchSize, learningRate, validationFraction, seed, value);
  }
}
