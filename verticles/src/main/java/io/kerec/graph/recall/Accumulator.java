package io.kerec.graph.recall;

import io.kerec.bus.Because;
import io.kerec.bus.ComplementView;

/**
 * What one recall gathered about one item: each channel adds to its own fields only, so the channels can run in any
 * order; {@link CandidateFeatures} then scores the item and, when it is kept, makes its features and explanation.
 * Reused from recall to recall (see {@link RecallPass}); the explanations are kept as their parts and made into
 * {@link Because} objects only for the candidates kept.
 */
final class Accumulator {
  final ItemState item;
  /** The recall this accumulator was last reset for. */
  int generation;

  // ComplementChannel: the strongest complementary path and the sum over triggers of each trigger's strongest.
  EntityState target;
  double maxWeight;
  double maxConfidence;
  double triggerRecency;
  int triggers;
  double complement;
  double triggerBest;
  double bestPath;
  ItemState becauseTrigger;
  String becauseTriggerEntity;
  ComplementView becauseEdge;
  String lastComplementTrigger;

  // AlsoBoughtChannel: co-purchase cosines weighted by recency.
  double cooc;
  double coocMax;
  double bestCooc;
  ItemState coocTrigger;
  double coocCosine;

  // SimilarCustomersChannel: cosines over customers weighted by recency.
  double knn;
  double knnMax;
  double bestKnn;
  ItemState knnTrigger;
  double knnCosine;

  // SimilarTitleChannel: title cosines weighted by recency.
  double title;
  double bestTitle;
  ItemState titleTrigger;
  double titleCosine;

  // SameEntityChannel: shares of the triggers' repeated entities.
  double sameEntity;
  double sameEntityShare;
  String lastSameTrigger;
  ItemState sameTrigger;
  String sameName;

  // CandidateFeatures: the score and the sales values it rests on, and the position among the kept (-1: not kept).
  EntityState main;
  float share;
  float popularity;
  float recent;
  double complementScore;
  double base;
  int keptAt;

  Accumulator(ItemState item) {
    this.item = item;
  }

  /** Clears what the channels gathered, for recall {@code generation}. */
  void reset(int generation) {
    this.generation = generation;
    target = null;
    maxWeight = 0;
    maxConfidence = 0;
    triggerRecency = 0;
    triggers = 0;
    complement = 0;
    triggerBest = 0;
    bestPath = -1;
    becauseTrigger = null;
    becauseTriggerEntity = null;
    becauseEdge = null;
    lastComplementTrigger = null;
    cooc = 0;
    coocMax = 0;
    bestCooc = -1;
    coocTrigger = null;
    coocCosine = 0;
    knn = 0;
    knnMax = 0;
    bestKnn = -1;
    knnTrigger = null;
    knnCosine = 0;
    title = 0;
    bestTitle = -1;
    titleTrigger = null;
    titleCosine = 0;
    sameEntity = 0;
    sameEntityShare = 0;
    lastSameTrigger = null;
    sameTrigger = null;
    sameName = null;
  }
}
