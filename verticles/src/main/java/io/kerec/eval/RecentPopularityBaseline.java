package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code recent-popularity}: the items bought by the most distinct users in the last {@code window}
 * (default 30 days) of training, ties by whole-training user count, then by item id;
 * items not sold in the window follow in whole-training popularity order. Never returns bought items.
 *
 * <p>The window ends at {@code end} when one is given (usually the split cut): it holds the purchases with
 * {@code end - window <= ts < end}; else it ends with the last training purchase, included.
 */
public final class RecentPopularityBaseline implements Baseline {
  /** Name in reports. */
  public static final String NAME = "recent-popularity";
  /** Default window: 30 days. */
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
  private final Duration window;
  private final Instant end;
  private volatile Popularity popularity;

  /** 30 days before the last training purchase. */
  public RecentPopularityBaseline() {
    this(DEFAULT_WINDOW, null);
  }

  /**
   * @param window how far back from {@code end} purchases count, positive
   * @param end    end of the window (usually the split cut), or null for the last training purchase
   */
  public RecentPopularityBaseline(Duration window, Instant end) {
    this.window = Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    this.end = end;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(List<Purchase> train, List<CatalogItem> catalog) {
    Popularity overall = Popularity.of(train, null, null, null);
    if (train.isEmpty()) {
      popularity = overall;
      return;
    }
    Instant last = end != null ? end : train.get(train.size() - 1).ts();
    Map<String, Integer> all = Popularity.userCounts(train, null, null);
    Popularity recent = Popularity.of(train, last.minus(window), end, all);
    LinkedHashSet<String> order = new LinkedHashSet<>(recent.ranked());
    order.addAll(overall.ranked());
    popularity = Popularity.ranked(List.copyOf(order));
  }

  @Override
  public List<String> recommend(EvalCase c, int k) {
    Popularity p = popularity;
    if (p == null) {
      throw new IllegalStateException(NAME + ": recommend before fit");
    }
    return p.top(c.bought(), k);
  }
}
