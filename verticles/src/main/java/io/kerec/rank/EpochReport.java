package io.kerec.rank;

/**
 * Outcome of one training epoch.
 *
 * @param epoch 1-based epoch number
 * @param loss mean sigmoid binary cross-entropy over the epoch's minibatches (on the balanced
 *     sample when class balancing is on)
 * @param validationAuc ROC AUC on the held-out rows after the epoch; {@code NaN} without
 *     validation rows or when they hold a single class
 */
public record EpochReport(int epoch, double loss, double validationAuc) {
}
