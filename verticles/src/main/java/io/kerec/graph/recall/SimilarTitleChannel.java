package io.kerec.graph.recall;

import io.kerec.config.RecallOptions;
import io.kerec.graph.recall.CoOccurrence.Neighbour;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cold start beside the entity graph ({@value RecallView#CHANNEL_SIMILAR_TITLE}): new items (sold at most
 * {@code newItemMaxSales} times, listed within {@code newItemDays}) whose titles are most similar to a recent item's, up to {@code similarTitlesPerItem}
 * per trigger (0 = off). Each adds recency times the title cosine; the explanation is the strongest such path.
 * Serving passes only: training samples cannot label never-sold items.
 */
final class SimilarTitleChannel implements RecallChannel {
  private final RecallState state;

  SimilarTitleChannel(RecallState state) {
    this.state = state;
  }

  @Override
  public void collect(RecallPass pass) {
    RecallOptions options = pass.options();
    if (!pass.newItemsByTitle() || options.similarTitlesPerItem() == 0) {
      return;
    }
    for (int t = 0; t < pass.triggers(); t++) {
      ItemState trigger = pass.trigger(t);
      double recency = pass.recency(t);
      List<Neighbour> similar = new ArrayList<>();
      state.titles().forEachSimilar(trigger.index, index -> {
        ItemState other = state.item(index);
        return pass.isNew(other) && !pass.excluded(index);
      }, (index, cosine) -> similar.add(new Neighbour(index, cosine)));
      similar.sort(Comparator.comparingDouble((Neighbour n) -> -n.cosine()).thenComparing(state.byItemId()));
      for (Neighbour n : similar.subList(0, Math.min(options.similarTitlesPerItem(), similar.size()))) {
        ItemState item = state.item(n.item());
        Accumulator a = pass.of(item);
        double path = recency * n.cosine();
        a.title += path;
        if (path > a.bestTitle) {
          a.bestTitle = path;
          a.titleTrigger = trigger;
          a.titleCosine = n.cosine();
        }
      }
    }
  }
}
