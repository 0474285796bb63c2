package io.kerec.bus;

/** Scores of a {@link ScoreRequest}, same order; {@code model} names the model version used. */
public record Scores(double[] scores, String model) {
}
