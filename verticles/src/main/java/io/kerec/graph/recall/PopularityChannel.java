package io.kerec.graph.recall;

import io.kerec.bus.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Popular items ({@value RecallView#CHANNEL_POPULAR}): the {@code popularCandidates} best sellers of all time and as
 * many of the last 30 days, whatever the triggers. They only join the pool: an item no other channel found is scored
 * by its sales alone. Also the whole answer for a user without history ({@link #top}).
 */
final class PopularityChannel implements RecallChannel {
  private final RecallState state;

  PopularityChannel(RecallState state) {
    this.state = state;
  }

  @Override
  public void collect(RecallPass pass) {
    int wanted = pass.options().popularCandidates();
    addFirst(state.byPopularity(), wanted, pass);
    addFirst(state.byRecentPopularity(), wanted, pass);
  }

  /** Adds the first {@code wanted} items of {@code list} that the pass does not exclude. */
  private static void addFirst(List<ItemState> list, int wanted, RecallPass pass) {
    int popular = 0;
    for (ItemState item : list) {
      if (popular >= wanted) {
        break;
      }
      if (!pass.excluded(item.index)) {
        pass.of(item);
        popular++;
      }
    }
  }

  /**
   * The {@code k} most sold items not in {@code bought} nor in {@code alsoExclude}, as candidates with their sales
   * features; the popularity order must be fresh (see {@link RecallState#refreshPopularity}).
   */
  List<Candidate> top(Set<String> bought, int k, Set<String> alsoExclude) {
    List<Candidate> out = new ArrayList<>(k);
    for (ItemState item : state.byPopularity()) {
      if (out.size() >= k) {
        break;
      }
      if (bought.contains(item.itemId) || alsoExclude.contains(item.itemId)) {
        continue;
      }
      EntityState main = item.mainEntityState();
      out.add(new Candidate(item.itemId, item.title, RecallView.CHANNEL_POPULAR,
          CandidateFeatures.baseFeatures(item, main), Math.log1p(item.purchases), null, item.purchases == 0,
          item.isNewArrival(state.recentSince())));
    }
    return out;
  }
}
