package io.kerec.bus;

import java.util.List;

/**
 * Registry of every record that travels on the event bus; each gets a {@link RecordCodec} as its default codec.
 */
public final class Messages {
  /** All message types, in no particular order. */
  public static final List<Class<?>> TYPES = List.of(
      ItemBatch.class, EventBatch.class, Accepted.class, ItemsIndexed.class, PurchasesApplied.class,
      FeedbackApplied.class, Complements.class, Done.class, RecallRequest.class, RecallResult.class,
      PopularRequest.class, EntityComplementsRequest.class, EntityComplements.class, ItemRequest.class,
      ItemView.class, ScoreRequest.class, Scores.class, RecommendRequest.class, Recommendations.class,
      TrainingSetRequest.class, TrainingSet.class, HealthReport.class, ExternalVerdicts.class, Served.class,
      ExperimentCountsRequest.class, ExperimentCounts.class);

  private Messages() {
  }
}
