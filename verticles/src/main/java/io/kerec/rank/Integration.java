package io.kerec.rank;

import io.kerec.bus.Features;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 of the E-E-I ranking: the model's probability is integrated with the collaborative base channel,
 * {@code score = p + weight · COOC_RELATIVE} (this user's co-purchase score relative to their strongest). The weight
 * is learned per model version: the one of {@link #WEIGHTS} that gives the best mean NDCG@k over users the model was
 * not trained on (ties go to the smaller weight, so the model alone is kept unless the blend helps).
 *
 * @param weight the weight of the co-purchase channel
 * @param ndcg mean NDCG@k of the chosen weight on the held-out users
 * @param ndcgModelOnly mean NDCG@k of the model alone on the same users
 */
public record Integration(double weight, double ndcg, double ndcgModelOnly) {
  /** The weights tried. */
  static final double[] WEIGHTS = {0, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2};

  /** The model alone. */
  public static final Integration MODEL_ONLY = new Integration(0, 0, 0);

  /** The integrated score of one candidate. */
  public double score(float probability, float[] features) {
    return probability + weight * features[Features.COOC_RELATIVE];
  }

  /**
   * Learns the weight from held-out rows.
   *
   * @param probabilities the model's probability per row
   * @param features the rows' features
   * @param labels 1 where the user went on to buy the candidate
   * @param groups the user of each row
   * @param k the cut-off of NDCG
   */
  static Integration fit(float[] probabilities, float[][] features, float[] labels, int[] groups, int k) {
    Map<Integer, List<Integer>> rowsByGroup = new HashMap<>();
    for (int i = 0; i < groups.length; i++) {
      rowsByGroup.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
    }
    double best = -1;
    double bestWeight = 0;
    double modelOnly = Double.NaN;
    for (double w : WEIGHTS) {
      Integration candidate = new Integration(w, Double.NaN, Double.NaN);
      double sum = 0;
      int users = 0;
      for (List<Integer> rows : rowsByGroup.values()) {
        double ndcg = ndcg(rows, candidate, probabilities, features, labels, k);
        if (!Double.isNaN(ndcg)) {
          sum += ndcg;
          users++;
        }
      }
      double mean = users == 0 ? 0 : sum / users;
      if (w == 0) {
        modelOnly = mean;
      }
      if (mean > best + 1e-9) {
        best = mean;
        bestWeight = w;
      }
    }
    return new Integration(bestWeight, best, modelOnly);
  }

  /** NDCG@k of one user's rows ordered by the integrated score; NaN when the user bought none of them. */
  static double ndcg(List<Integer> rows, Integration integration, float[] probabilities, float[][] features,
                     float[] labels, int k) {
    int positives = 0;
    for (int r : rows) {
      positives += labels[r] > 0.5f ? 1 : 0;
    }
    if (positives == 0) {
      return Double.NaN;
    }
    List<Integer> ranked = new ArrayList<>(rows);
    ranked.sort(Comparator.comparingDouble((Integer r) -> -integration.score(probabilities[r], features[r]))
        .thenComparingInt(r -> r));
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      if (labels[ranked.get(i)] > 0.5f) {
        dcg += 1 / (Math.log(i + 2) / Math.log(2));
      }
    }
    double ideal = 0;
    for (int i = 0; i < Math.min(k, positives); i++) {
      ideal += 1 / (Math.log(i + 2) / Math.log(2));
    }
    return dcg / ideal;
  }
}
