package io.kerec.bus;

/**
 * A recall candidate: the item, the recall channel that found it, its features (see {@link Features}), the
 * graph-only base score, why it was found ({@code because} is null for popularity), whether the item is new
 * ({@code fresh}: never sold, or at most {@code recall.newItemMaxSales} times, and listed within
 * {@code recall.newItemDays}) and whether it is a new arrival ({@code newArrival}: sold, and first sold within
 * the recent window, the last 30 days of the data seen).
 */
public record Candidate(String itemId, String title, String channel, float[] features, double baseScore,
                        Because because, boolean fresh, boolean newArrival) {
  /** A candidate that is not a new arrival. */
  public Candidate(String itemId, String title, String channel, float[] features, double baseScore, Because because,
                   boolean fresh) {
    this(itemId, title, channel, features, baseScore, because, fresh, false);
  }
}
