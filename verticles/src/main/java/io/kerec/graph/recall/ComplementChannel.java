package io.kerec.graph.recall;

import io.kerec.bus.ComplementView;
import io.kerec.config.RecallOptions;

/**
 * The complementary U2E2I channel ({@value RecallView#CHANNEL_COMPLEMENT}): recent item → its entities → their
 * strongest complementary entities → their best-selling items (and up to {@link RecallOptions#newItemsPerEntity()}
 * new ones). A path weighs the trigger's recency times the edge weight; an item's complement score sums, over
 * triggers, each trigger's strongest path to it, and its explanation is the strongest path of all.
 */
final class ComplementChannel implements RecallChannel {
  @Override
  public void collect(RecallPass pass) {
    RecallOptions options = pass.options();
    for (int t = 0; t < pass.triggers(); t++) {
      ItemState trigger = pass.trigger(t);
      double recency = pass.recency(t);
      for (int e = 0; e < trigger.entities.size(); e++) {
        String triggerEntity = trigger.entities.get(e);
        EntityState from = trigger.entityStates.get(e);
        int edges = Math.min(options.complementsPerEntity(), from.complements.size());
        for (int c = 0; c < edges; c++) {
          ComplementView edge = from.complements.get(c);
          if (!pass.follows(edge.source())) {
            continue;
          }
          EntityState target = from.complementTargets.get(c);
          int popular = 0;
          int fresh = 0;
          for (ItemState candidate : target.itemsByPopularity()) {
            if (popular >= options.itemsPerEntity() && fresh >= options.newItemsPerEntity()) {
              break;
            }
            if (pass.shelved(candidate)) {
              continue;
            }
            boolean isNew = pass.isNew(candidate);
            if (isNew ? fresh++ >= options.newItemsPerEntity() : popular++ >= options.itemsPerEntity()) {
              continue;
            }
            if (pass.excluded(candidate.index)) {
              continue;
            }
            Accumulator a = pass.of(candidate);
            double path = recency * edge.weight();
            a.maxWeight = Math.max(a.maxWeight, edge.weight());
            a.maxConfidence = Math.max(a.maxConfidence, edge.confidence());
            if (!trigger.itemId.equals(a.lastComplementTrigger)) {
              a.triggerRecency += recency;
              a.triggers++;
              a.lastComplementTrigger = trigger.itemId;
              a.triggerBest = 0;
            }
            if (path > a.triggerBest) {
              a.complement += path - a.triggerBest;
              a.triggerBest = path;
            }
            if (path > a.bestPath) {
              a.bestPath = path;
              a.target = target;
              a.becauseTrigger = trigger;
              a.becauseTriggerEntity = triggerEntity;
              a.becauseEdge = edge;
            }
          }
        }
      }
    }
  }
}
