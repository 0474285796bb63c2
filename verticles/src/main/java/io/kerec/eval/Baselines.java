package io.kerec.eval;

import java.util.List;

/** The reference baselines by name. */
public final class Baselines {
  /** Names of {@link #all()}, in that order. */
  public static final List<String> NAMES = List.of(PopularityBaseline.NAME, RecentPopularityBaseline.NAME,
      CooccurrenceBaseline.NAME, ItemKnnBaseline.NAME);

  private Baselines() {
  }

  /** New, unfitted instances of every baseline with default settings, in {@link #NAMES} order. */
  public static List<Baseline> all() {
    return NAMES.stream().map(Baselines::create).toList();
  }

  /**
   * A new, unfitted baseline with default settings.
   *
   * @throws IllegalArgumentException for a name not in {@link #NAMES}
   */
  public static Baseline create(String name) {
    return switch (name) {
      case PopularityBaseline.NAME -> new PopularityBaseline();
      case RecentPopularityBaseline.NAME -> new RecentPopularityBaseline();
      case CooccurrenceBaseline.NAME -> new CooccurrenceBaseline();
      case ItemKnnBaseline.NAME -> new ItemKnnBaseline();
      default -> throw new IllegalArgumentException("unknown baseline '" + name + "', expected one of " + NAMES);
    };
  }
}
