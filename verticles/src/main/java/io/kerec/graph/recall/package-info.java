/**
 * Multi-channel recall: from a user's recent purchases to a few hundred scored candidates with the features the
 * ranker needs, in memory and on one thread.
 *
 * <p>{@link io.kerec.graph.recall.RecallView} is the only entry point the rest of the engine uses (with
 * {@link io.kerec.graph.recall.TrainingSetBuilder}, which it hands out); everything else here is package-private:
 * <ul>
 *   <li>{@code RecallState} is what recall knows: items, entities and complementary edges, bills and customers
 *       (co-occurrence indexes), titles (a TF-IDF index), sales and users' histories, kept current event by event
 *       by the graph verticle; {@code ItemState}, {@code EntityState} and {@code UserState} are its records.
 *   <li>A recall runs in one {@code RecallPass}: the user's recent items become triggers weighted by recency, each
 *       {@code RecallChannel} adds the items it finds to the pass's pooled {@code Accumulator}s, one per item:
 *       {@code ComplementChannel} (complementary U2E2I paths, the engine's own channel), {@code AlsoBoughtChannel}
 *       (co-purchases), {@code SimilarCustomersChannel} (item-KNN over customers, off by default),
 *       {@code SameEntityChannel} (repeat needs), {@code SimilarTitleChannel} (new items of the same product line)
 *       and {@code PopularityChannel} (best sellers, also the answer for users without history).
 *   <li>{@code CandidateFeatures} scores every touched item, keeps the strongest and builds their candidates: the
 *       {@link io.kerec.bus.Features} vector, the channel that explains them best and its explanation.
 *   <li>{@code TrainingSetBuilder} replays each sampled user's history up to their last bill through the same
 *       recall and labels what that bill bought: rank's training set.
 * </ul>
 *
 * <p>To add a channel: a {@code RecallChannel} that writes its own new {@code Accumulator} fields (reset in
 * {@code Accumulator.reset}), registered in {@code RecallView}'s channel array, and its features and label in
 * {@code CandidateFeatures}. Recall is on the path of every recommendation and was tuned for allocation (pooled
 * accumulators, features only for the kept candidates, quickselect for the kept threshold, cached logarithms):
 * channels loop over plain lists and arrays, without boxing or streams (see {@code RecallChannel}). Nothing here
 * is thread-safe; the graph verticle owns the view on one worker thread.
 */
package io.kerec.graph.recall;
