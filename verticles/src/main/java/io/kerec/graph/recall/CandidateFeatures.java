package io.kerec.graph.recall;

import io.kerec.bus.Because;
import io.kerec.bus.Candidate;
import io.kerec.bus.Features;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns what the channels gathered into candidates: scores every item one recall touched, keeps the strongest, and
 * makes the {@link Features} vector, channel and explanation of the kept ones only. Relative and rank features still
 * compare against every touched item. Reuses its scratch arrays from recall to recall (one thread).
 */
final class CandidateFeatures {
  private static final Comparator<Accumulator> STRONGEST_FIRST =
      Comparator.comparingDouble((Accumulator a) -> -a.base).thenComparing(a -> a.item.itemId);

  private final RecallState state;
  private int[] positionScratch = new int[0];
  private long[] keyScratch = new long[0];
  private double[] scoreScratch = new double[0];

  CandidateFeatures(RecallState state) {
    this.state = state;
  }

  /**
   * The {@code max} strongest of one recall's items as candidates: scored all, then features, explanations and
   * candidate objects made for the kept ones only. Relative and rank features still compare against every item
   * the recall touched.
   */
  List<Candidate> candidates(List<Accumulator> touched, int max, Predicate<ItemState> isNew) {
    float maxCooc = 0;
    float maxComplement = 0;
    float maxSame = 0;
    float maxKnn = 0;
    float maxTitle = 0;
    for (Accumulator a : touched) {
      score(a);
      maxCooc = Math.max(maxCooc, (float) a.cooc);
      maxComplement = Math.max(maxComplement, (float) a.complementScore);
      maxSame = Math.max(maxSame, (float) a.sameEntityShare);
      maxKnn = Math.max(maxKnn, (float) a.knn);
      maxTitle = Math.max(maxTitle, (float) a.title);
    }
    List<Accumulator> kept = strongest(touched, max);
    List<Candidate> out = new ArrayList<>(kept.size());
    long arrivedSince = state.recentSince();
    for (int i = 0; i < kept.size(); i++) {
      Accumulator a = kept.get(i);
      a.keptAt = i;
      Candidate c = candidate(a, isNew, arrivedSince);
      float[] f = c.features();
      relative(f, Features.COOC_SCORE, Features.COOC_RELATIVE, maxCooc);
      relative(f, Features.COMPLEMENT_SCORE, Features.COMPLEMENT_RELATIVE, maxComplement);
      relative(f, Features.SAME_ENTITY, Features.SAME_ENTITY_RELATIVE, maxSame);
      relative(f, Features.KNN_SCORE, Features.KNN_RELATIVE, maxKnn);
      relative(f, Features.TITLE_SIMILARITY, Features.TITLE_RELATIVE, maxTitle);
      out.add(c);
    }
    int[] order = state.idOrder();
    rankAmongAll(touched, order, a -> (float) a.cooc, Features.COOC_RANK, out);
    rankAmongAll(touched, order, a -> (float) a.complementScore, Features.COMPLEMENT_RANK, out);
    rankAmongAll(touched, order, a -> (float) a.sameEntityShare, Features.SAME_ENTITY_RANK, out);
    rankAmongAll(touched, order, a -> a.recent, Features.RECENT_POPULARITY_RANK, out);
    return out;
  }

  /** Sets {@code to} to {@code from} divided by its largest value among one user's candidates. */
  private static void relative(float[] f, int from, int to, float strongest) {
    if (strongest > 0) {
      f[to] = f[from] / strongest;
    }
  }

  /**
   * The weight of the complement score in the base score. An edge weight is of another scale than the co-purchase
   * and title cosines (a strong edge weighs about 1, a strong co-purchase cosine about 0.1 to 0.3), so at weight 1
   * the graph's paths decided the recall order alone: the order the engine serves before its first model, when rank
   * does not answer in time and in an experiment's {@code base} arm. At 0.1 that order's HR@10 rose from 0.297 to
   * 0.369 (period) and from 0.247 to 0.310 (basket) on the validation split, its cold HR@10 doubled, and the
   * model-ranked figures moved within the training seed's noise (docs/evaluation.md).
   */
  static final double COMPLEMENT_IN_BASE = 0.1;

  /** The base score, and the sales values it rests on, of one recalled item. */
  private static void score(Accumulator a) {
    a.main = a.target != null ? a.target : a.item.mainEntityState();
    a.share = itemShare(a.item, a.main);
    a.popularity = itemPopularity(a.item, a.main);
    a.recent = recentPopularity(a.item, a.main);
    a.complementScore = a.complement * a.share;
    a.base = COMPLEMENT_IN_BASE * a.complementScore + a.cooc + a.knn + 0.3 * a.sameEntity + a.title + 1e-4 * a.popularity;
    a.keptAt = -1;
  }

  private interface FeatureOf {
    float of(Accumulator a);
  }

  /** A scratch array for positions by item id ordinal, at least as long as {@code order}. */
  private int[] positions(int[] order) {
    if (positionScratch.length < order.length) {
      positionScratch = new int[order.length];
    }
    return positionScratch;
  }

  /**
   * Sets {@code to} of each kept candidate to 1 / (1 + rank by {@code value} among all the items the recall touched,
   * ties by item id), 0 where the value is 0. Sorts primitive keys (value bits, then the item id's position among all
   * ids), so ties need no string comparison.
   */
  private void rankAmongAll(List<Accumulator> touched, int[] order, FeatureOf value, int to, List<Candidate> kept) {
    if (keyScratch.length < touched.size()) {
      keyScratch = new long[Math.max(touched.size(), keyScratch.length * 2)];
    }
    long[] keys = keyScratch;
    int[] position = positions(order);
    int n = 0;
    for (int i = 0; i < touched.size(); i++) {
      Accumulator a = touched.get(i);
      float v = value.of(a);
      if (v > 0) {
        int ordinal = order[a.item.index];
        keys[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(v)) << 32) | ordinal;
        position[ordinal] = i;
      }
    }
    Arrays.sort(keys, 0, n);
    for (int r = 0; r < n; r++) {
      Accumulator a = touched.get(position[(int) keys[r]]);
      if (a.keptAt >= 0) {
        kept.get(a.keptAt).features()[to] = 1f / (1 + r);
      }
    }
  }

  /**
   * Sets {@code to} of each of {@code candidates} to 1 / (1 + rank by {@code from} among them, ties by item id), 0
   * where {@code from} is 0: for training samples, whose sales features were changed after recall. Sorts primitive
   * keys as {@link #rankAmongAll} does.
   */
  void rankAmongCandidates(List<Candidate> candidates, int from, int to) {
    int[] order = state.idOrder();
    int[] ordinals = new int[candidates.size()];
    for (int i = 0; i < ordinals.length; i++) {
      ordinals[i] = order[state.item(candidates.get(i).itemId()).index];
    }
    long[] keys = new long[candidates.size()];
    int[] position = positions(order);
    int n = 0;
    for (int i = 0; i < candidates.size(); i++) {
      float[] f = candidates.get(i).features();
      f[to] = 0;
      if (f[from] > 0) {
        keys[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(f[from])) << 32) | ordinals[i];
        position[ordinals[i]] = i;
      }
    }
    Arrays.sort(keys, 0, n);
    for (int r = 0; r < n; r++) {
      candidates.get(position[(int) keys[r]]).features()[to] = 1f / (1 + r);
    }
  }

  /**
   * The {@code max} items of highest base score (ties by item id), in that order: the same as sorting all and
   * keeping the first {@code max}, but only the kept ones are sorted by the full comparator.
   */
  private List<Accumulator> strongest(List<Accumulator> touched, int max) {
    if (touched.size() > max && max > 0) {
      if (scoreScratch.length < touched.size()) {
        scoreScratch = new double[Math.max(touched.size(), scoreScratch.length * 2)];
      }
      double[] scores = scoreScratch;
      for (int i = 0; i < touched.size(); i++) {
        scores[i] = touched.get(i).base;
      }
      double threshold = select(scores, touched.size(), touched.size() - max);
      List<Accumulator> kept = new ArrayList<>(max + 16);
      for (Accumulator a : touched) {
        if (Double.compare(a.base, threshold) >= 0) {
          kept.add(a);
        }
      }
      kept.sort(STRONGEST_FIRST);
      return kept.subList(0, max);
    }
    List<Accumulator> all = new ArrayList<>(touched);
    all.sort(STRONGEST_FIRST);
    return all.size() > max ? all.subList(0, max) : all;
  }

  /**
   * The value at position {@code k} of the first {@code size} {@code values} in ascending order (quickselect; reorders
   * them).
   */
  private static double select(double[] values, int size, int k) {
    int lo = 0;
    int hi = size - 1;
    while (lo < hi) {
      double pivot = values[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (Double.compare(values[i], pivot) < 0) {
          i++;
        }
        while (Double.compare(values[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          double t = values[i];
          values[i] = values[j];
          values[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return values[k];
      }
    }
    return values[k];
  }

  /** A scored item (see {@link #score}) as a candidate, with its features, channel and explanation. */
  private static Candidate candidate(Accumulator a, Predicate<ItemState> isNew, long arrivedSince) {
    float[] f = baseFeatures(a.item, a.main, a.popularity, a.recent, a.share);
    double complement = a.complementScore;
    f[Features.EDGE_WEIGHT] = (float) a.maxWeight;
    f[Features.EDGE_CONFIDENCE] = (float) a.maxConfidence;
    f[Features.TRIGGER_RECENCY] = (float) a.triggerRecency;
    f[Features.TRIGGER_COUNT] = (float) Math.log1p(a.triggers);
    f[Features.COMPLEMENT_SCORE] = (float) complement;
    f[Features.COOC_SCORE] = (float) a.cooc;
    f[Features.COOC_MAX] = (float) a.coocMax;
    f[Features.SAME_ENTITY] = (float) a.sameEntityShare;
    f[Features.KNN_SCORE] = (float) a.knn;
    f[Features.KNN_MAX] = (float) a.knnMax;
    f[Features.TITLE_SIMILARITY] = (float) a.title;
    String channel;
    Because because;
    if (complement > 0 && complement >= a.cooc && complement >= a.sameEntity) {
      channel = RecallView.CHANNEL_COMPLEMENT;
      because = null;
    } else if (a.cooc > 0 && a.cooc >= a.sameEntity && a.cooc >= a.knn) {
      channel = RecallView.CHANNEL_ALSO_BOUGHT;
      because = because(a.coocTrigger, a.item, a.coocCosine);
    } else if (a.knn > 0 && a.knn >= a.sameEntity) {
      channel = RecallView.CHANNEL_SIMILAR_CUSTOMERS;
      because = because(a.knnTrigger, a.item, a.knnCosine);
    } else if (a.title > 0 && a.title >= a.sameEntity) {
      channel = RecallView.CHANNEL_SIMILAR_TITLE;
      because = because(a.titleTrigger, a.item, a.titleCosine);
    } else if (a.sameEntity > 0) {
      channel = RecallView.CHANNEL_SAME_ENTITY;
      because = a.sameTrigger == null ? null : new Because(a.sameTrigger.itemId, a.sameName, a.sameName, 1.0);
    } else {
      channel = RecallView.CHANNEL_POPULAR;
      because = null;
    }
    if (a.becauseEdge != null) {
      because = new Because(a.becauseTrigger.itemId, a.becauseTriggerEntity, a.becauseEdge.entity(),
          a.becauseEdge.weight());
    }
    boolean fresh = isNew.test(a.item);
    return new Candidate(a.item.itemId, a.item.title, channel, f, a.base, because, fresh,
        !fresh && a.item.isNewArrival(arrivedSince));
  }

  /** A co-purchase, similar-customer or similar-title explanation: from the trigger's main entity to the item's. */
  private static Because because(ItemState trigger, ItemState item, double cosine) {
    return trigger == null ? null : new Because(trigger.itemId, trigger.mainEntity(), item.mainEntity(), cosine);
  }

  /** The sales and price features of an item, as a fresh vector with every channel feature 0. */
  static float[] baseFeatures(ItemState item, EntityState entity) {
    return baseFeatures(item, entity, itemPopularity(item, entity), recentPopularity(item, entity),
        itemShare(item, entity));
  }

  private static float[] baseFeatures(ItemState item, EntityState entity, float popularity, float recent,
                                      float share) {
    float[] f = new float[Features.SIZE];
    f[Features.ITEM_POPULARITY] = popularity;
    f[Features.RECENT_POPULARITY] = recent;
    f[Features.ITEM_SHARE] = share;
    f[Features.ENTITY_POPULARITY] = entity == null ? 0f : entity.logPurchases.of(entity.purchases);
    f[Features.REPEAT_RATE] = entity == null ? 0f : (float) entity.repeatRate;
    f[Features.PRICE] = item.logPrice;
    return f;
  }

  /** A never-sold item is credited with its entity's average: sales per item. */
  private static boolean creditedWithEntity(ItemState item, EntityState entity) {
    return item.purchases == 0 && entity != null && !entity.items.isEmpty();
  }

  private static float itemPopularity(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity)
        ? (float) Math.log1p((double) entity.purchases / entity.items.size())
        : item.logPurchases.of(item.purchases);
  }

  private static float recentPopularity(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity)
        ? (float) Math.log1p(Math.max(0, (double) entity.recentPurchases / entity.items.size()))
        : item.logRecent.of(Math.max(0, item.recentPurchases));
  }

  private static float itemShare(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity) ? (float) (1.0 / entity.items.size()) : (float) share(item, entity);
  }

  /**
   * The item's share of its entity's sales, smoothed so that a never-sold item gets a fair prior: it is credited
   * with the entity's average sales per item.
   */
  static double share(ItemState item, EntityState entity) {
    if (entity == null || entity.items.isEmpty()) {
      return 0;
    }
    double prior = Math.max(1.0, (double) entity.purchases / entity.items.size());
    return (item.purchases + prior) / (entity.purchases + prior * entity.items.size());
  }
}
