package io.kerec.graph.recall;

import io.kerec.config.RecallOptions;

/**
 * Repeat needs ({@value RecallView#CHANNEL_SAME_ENTITY}): the other best-selling (and new) items of a recent item's
 * entities, for the entities whose buyers buy more than one of them (see {@link EntityState#repeatRate}); a tent's
 * other items are substitutes, a t-light holder's are the next purchase. An item adds, once per trigger, recency
 * times its share of the entity's sales, and that times the repeat rate; the explanation is the first trigger.
 */
final class SameEntityChannel implements RecallChannel {
  @Override
  public void collect(RecallPass pass) {
    RecallOptions options = pass.options();
    for (int t = 0; t < pass.triggers(); t++) {
      ItemState trigger = pass.trigger(t);
      double recency = pass.recency(t);
      for (int e = 0; e < trigger.entities.size(); e++) {
        String name = trigger.entities.get(e);
        EntityState entity = trigger.entityStates.get(e);
        if (entity.repeatRate <= 0) {
          continue;
        }
        int popular = 0;
        int fresh = 0;
        for (ItemState candidate : entity.itemsByPopularity()) {
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
          if (candidate == trigger || pass.excluded(candidate.index)) {
            continue;
          }
          Accumulator a = pass.of(candidate);
          if (!trigger.itemId.equals(a.lastSameTrigger)) {
            a.lastSameTrigger = trigger.itemId;
            double path = recency * CandidateFeatures.share(candidate, entity);
            a.sameEntityShare += path;
            a.sameEntity += path * entity.repeatRate;
            if (a.sameTrigger == null) {
              a.sameTrigger = trigger;
              a.sameName = name;
            }
          }
        }
      }
    }
  }
}
