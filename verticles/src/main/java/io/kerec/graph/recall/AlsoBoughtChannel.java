package io.kerec.graph.recall;

import io.kerec.graph.recall.CoOccurrence.Neighbour;

/**
 * The co-purchase channel ({@value RecallView#CHANNEL_ALSO_BOUGHT}): the items most often in the same bills as a
 * recent item, by cosine over bills, up to {@code alsoBoughtPerItem} per trigger (0 = off). Each adds recency times
 * cosine; the explanation is the strongest such path. A training pass leaves out its label bill.
 */
final class AlsoBoughtChannel implements RecallChannel {
  private final RecallState state;

  AlsoBoughtChannel(RecallState state) {
    this.state = state;
  }

  @Override
  public void collect(RecallPass pass) {
    int perItem = pass.options().alsoBoughtPerItem();
    if (perItem == 0) {
      return;
    }
    CoOccurrence bills = state.bills();
    for (int t = 0; t < pass.triggers(); t++) {
      ItemState trigger = pass.trigger(t);
      double recency = pass.recency(t);
      for (Neighbour n : bills.neighbours(trigger.index, perItem, pass.withoutBill(), state.byItemId())) {
        ItemState item = state.item(n.item());
        if (pass.excluded(item.index)) {
          continue;
        }
        Accumulator a = pass.of(item);
        double path = recency * n.cosine();
        a.cooc += path;
        a.coocMax = Math.max(a.coocMax, n.cosine());
        if (path > a.bestCooc) {
          a.bestCooc = path;
          a.coocTrigger = trigger;
          a.coocCosine = n.cosine();
        }
      }
    }
  }
}
