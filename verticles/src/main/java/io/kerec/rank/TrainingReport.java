package io.kerec.rank;

import java.util.List;

/**
 * Summary of a training run, saved with the model.
 *
 * @param epochs one entry per epoch, in order
 * @param finalAuc validation ROC AUC of the final model ({@code NaN} without validation)
 * @param trainRows rows in the training split (before class balancing)
 * @param trainPositives positive rows in the training split
 * @param validationRows rows held out for validation
 * @param validationPositives positive rows among them
 * @param samplesSeen training samples processed over all epochs (after class balancing)
 * @param trainMillis wall time of the epoch loop, including per-epoch validation
 * @param samplesPerSecond {@code samplesSeen} divided by the time spent in forward/backward/step
 *     (validation excluded)
 * @param options the options the model was trained with
 */
public record TrainingReport(
    List<EpochReport> epochs,
    double finalAuc,
    int trainRows,
    int trainPositives,
    int validationRows,
    int validationPositives,
    long samplesSeen,
    long trainMillis,
    double samplesPerSecond,
    TrainOptions options) {

  /** Makes the epoch list immutable. */
  public TrainingReport {
    epochs = List.copyOf(epochs);
  }
}
