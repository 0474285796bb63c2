package io.kerec.graph;

/**
 * Feedback on one {@code COMPLEMENTS} edge: its exposure and click counts so far (totals over every stored event,
 * not increments, so that writing them twice, or from two instances sharing one graph store, changes nothing) and
 * the weight recomputed from them.
 *
 * @param from      source entity name
 * @param to        target entity name
 * @param exposures the edge's exposures so far (>= 0)
 * @param clicks    the edge's clicks (and attributed purchases) so far (>= 0)
 * @param newWeight the edge's new weight (finite)
 */
public record EdgeFeedback(String from, String to, long exposures, long clicks, double newWeight) {
  public EdgeFeedback {
    if (from == null || from.isBlank() || to == null || to.isBlank()) {
      throw new IllegalArgumentException("from and to must not be blank");
    }
    if (exposures < 0 || clicks < 0) {
      throw new IllegalArgumentException("exposures and clicks must be >= 0");
    }
    if (!Double.isFinite(newWeight)) {
      throw new IllegalArgumentException("newWeight must be finite: " + newWeight);
    }
  }
}
