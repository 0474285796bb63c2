package io.kerec.graph.recall;

import io.kerec.graph.recall.CoOccurrence.Neighbour;
import java.util.Set;

/**
 * The "customers who bought this also bought" channel ({@value RecallView#CHANNEL_SIMILAR_CUSTOMERS}): item-KNN over
 * customers, up to {@code similarCustomersPerItem} neighbours per trigger (0 = off). Each adds recency times cosine;
 * the explanation is the strongest such path. A training pass takes its own customer's row out of every similarity,
 * so that labels do not explain themselves.
 */
final class SimilarCustomersChannel implements RecallChannel {
  private final RecallState state;

  SimilarCustomersChannel(RecallState state) {
    this.state = state;
  }

  @Override
  public void collect(RecallPass pass) {
    int perItem = pass.options().similarCustomersPerItem();
    if (perItem == 0) {
      return;
    }
    CoOccurrence buyers = state.buyers();
    Set<String> withoutCustomer = pass.withoutCustomer();
    for (int t = 0; t < pass.triggers(); t++) {
      ItemState trigger = pass.trigger(t);
      double recency = pass.recency(t);
      for (Neighbour n : buyers.neighbours(trigger.index, perItem, -1, state.byItemId())) {
        ItemState item = state.item(n.item());
        if (pass.excluded(item.index)) {
          continue;
        }
        double cosine = withoutCustomer == null ? n.cosine()
            : withoutOneCustomer(n.cosine(), buyers.groups(trigger.index), buyers.groups(n.item()),
                withoutCustomer.contains(item.itemId));
        if (cosine <= 0) {
          continue;
        }
        Accumulator a = pass.of(item);
        double path = recency * cosine;
        a.knn += path;
        a.knnMax = Math.max(a.knnMax, cosine);
        if (path > a.bestKnn) {
          a.bestKnn = path;
          a.knnTrigger = trigger;
          a.knnCosine = cosine;
        }
      }
    }
  }

  /**
   * The cosine of two items over customers once one customer who bought the first is taken out:
   * co-buyers and both counts drop by one when that customer also bought the second.
   */
  private static double withoutOneCustomer(double cosine, int first, int second, boolean boughtSecond) {
    double co = Math.round(cosine * Math.sqrt((double) first * second));
    int firstAfter = first - 1;
    int secondAfter = boughtSecond ? second - 1 : second;
    double coAfter = boughtSecond ? co - 1 : co;
    return firstAfter <= 0 || secondAfter <= 0 ? 0 : coAfter / Math.sqrt((double) firstAfter * secondAfter);
  }
}
