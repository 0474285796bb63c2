package io.kerec.graph;

/**
 * {@code Entity(from) -COMPLEMENTS-> Entity(to)}: buyers of {@code from} are likely to want {@code to}.
 *
 * @param from        source entity name
 * @param to          target entity name, different from {@code from}
 * @param weight      recall weight (finite); the edge order of {@link GraphStore#topComplements}
 * @param confidence  judge confidence, 0..1
 * @param provenance  who judged the pair ({@code evidence}, {@code openai}, ...); stored as the {@code source}
 *                    property; may be {@code null}
 * @param exposures   times a recommendation through this edge was shown (feedback statistics, >= 0)
 * @param clicks      times such a recommendation was clicked (>= 0)
 * @param updatedAt   when the verdict was made, epoch milliseconds
 */
public record ComplementEdge(String from, String to, double weight, double confidence, String provenance,
                             long exposures, long clicks, long updatedAt) {
  public ComplementEdge {
    if (from == null || from.isBlank() || to == null || to.isBlank()) {
      throw new IllegalArgumentException("from and to must not be blank");
    }
    if (from.equals(to)) {
      throw new IllegalArgumentException("an entity cannot complement itself: " + from);
    }
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be finite: " + weight);
    }
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence must be in [0, 1]: " + confidence);
    }
    if (exposures < 0 || clicks < 0) {
      throw new IllegalArgumentException("exposures and clicks must be >= 0");
    }
  }

  /** A fresh verdict without feedback statistics. */
  public static ComplementEdge verdict(String from, String to, double weight, double confidence, String provenance,
                                       long updatedAt) {
    return new ComplementEdge(from, to, weight, confidence, provenance, 0, 0, updatedAt);
  }
}
