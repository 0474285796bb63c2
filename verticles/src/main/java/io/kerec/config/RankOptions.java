package io.kerec.config;

/**
 * Rank: DJL device ({@code auto} picks a GPU when present), micro-batching (largest batch, longest wait), and
 * training of the E-E-I model from purchase history: unless {@code autoTrain} is off (then only on request at
 * {@code kerec.rank.train}), trained at start and retrained after every {@code retrainEveryPurchases} new
 * purchases once at least {@code minPositives} positive samples exist, on up to {@code trainingUsers} users and their
 * {@code trainingCandidates} strongest candidates by graph score (the hard negatives that decide the top-k), for
 * {@code epochs} epochs, oversampling the positives to as many as the negatives unless {@code balanceClasses} is
 * off; with {@code pairwise} the loss ranks each positive above negatives of the same user instead of labelling
 * rows one by one. {@code freshSlots}: how many of a user's top-k
 * may go to new never-sold items (listed within {@code recall.newItemDays}) when recall found some (the best-ranked
 * of them take the last places), so that new items are recommended from day one through their entities even before
 * anyone buys them.
 * {@code newArrivalSlots}: how many of a user's top-k are kept for new arrivals, items first sold within the last 30
 * days of the data, when the ranker's order leaves fewer of them there and recall found more (the best-ranked of
 * them take the places of the last items that are not).
 * {@code idEmbedding}: width of the model's entity and item id embeddings (0 = features only), for ids taken in at least
 * {@code minIdCount} training rows; {@code contrastiveWeight}: weight of the loss that aligns each entity's
 * co-purchase and complementary-graph views (0 = off). {@code feedbackSamples}: how many real exposure → click
 * samples (the features of each shown item, labelled by whether its user clicked it) are kept for training, and as
 * many served items awaiting their exposure; {@code feedbackWeight}: how many times each such sample counts beside
 * the samples drawn from purchase history (0 = trained on purchase history alone, the default). {@code seed}: of the
 * users sampled for training and of the training itself; the same seed and the same data give the same model.
 * {@code members}: how many networks are trained on the same samples from different seeds and served as one, their
 * probabilities averaged (1 = a single network; each more costs one more training and one more pass per scored
 * batch).
 */
public record RankOptions(String device, int maxBatch, long maxDelayMs, boolean autoTrain, int retrainEveryPurchases,
                          int minPositives, int trainingUsers, int trainingCandidates, int epochs,
                          boolean balanceClasses, boolean pairwise, int freshSlots, int idEmbedding, int minIdCount,
                          double contrastiveWeight, int feedbackSamples, int feedbackWeight, long seed,
                          int members, int newArrivalSlots) {
  static RankOptions defaults() {
    return new RankOptions("auto", 64, 1, true, 50_000, 50, 2_000, 500, 4, true, true, 2, 0, 5, 0, 200_000, 0, 42, 5,
        1);
  }

  void validate() {
    Require.oneOf("rank.device", device, "auto", "cpu", "gpu");
    Require.range("rank.maxBatch", maxBatch, 1, 100_000);
    Require.range("rank.maxDelayMs", maxDelayMs, 0, 10_000);
    Require.range("rank.retrainEveryPurchases", retrainEveryPurchases, 1, Integer.MAX_VALUE);
    Require.range("rank.minPositives", minPositives, 1, Integer.MAX_VALUE);
    Require.range("rank.trainingUsers", trainingUsers, 1, Integer.MAX_VALUE);
    Require.range("rank.trainingCandidates", trainingCandidates, 1, 100_000);
    Require.range("rank.epochs", epochs, 1, 1000);
    Require.range("rank.freshSlots", freshSlots, 0, 1000);
    Require.range("rank.idEmbedding", idEmbedding, 0, 256);
    Require.range("rank.minIdCount", minIdCount, 1, Integer.MAX_VALUE);
    Require.range("rank.contrastiveWeight", contrastiveWeight, 0.0, 100.0);
    Require.range("rank.feedbackSamples", feedbackSamples, 1, 10_000_000);
    Require.range("rank.feedbackWeight", feedbackWeight, 0, 100);
    Require.range("rank.members", members, 1, 16);
    Require.range("rank.newArrivalSlots", newArrivalSlots, 0, 1000);
    if (contrastiveWeight > 0 && idEmbedding == 0) {
      throw new ConfigException("rank.contrastiveWeight", "needs rank.idEmbedding > 0 (it aligns entity embeddings)");
    }
  }
}
