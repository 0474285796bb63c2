/**
 * Ranking of recall candidates: the E-E-I model and the pieces a rank verticle wires together.
 *
 * <ul>
 *   <li>{@link io.kerec.rank.RankDevice} chooses the DJL device ({@code auto|cpu|gpu}) and makes
 *       sure DJL never downloads anything ({@code ai.djl.offline=true}) and runs PyTorch with one
 *       intra-op thread per calling thread.
 *   <li>{@link io.kerec.rank.EeiModel} is the MLP over the {@link io.kerec.bus.Features} vector:
 *       train, score (thread-safe, blocking), save and load a versioned artefact directory. Its
 *       package-private parts: {@code EeiBlock} (the network), {@code EeiTrainer} (the training
 *       loop), {@code Standardisation} (the inputs' scaling and layout) and {@code EeiArtifact}
 *       (the artefact directory's files and checks).
 *   <li>{@link io.kerec.rank.MicroBatcher} coalesces single scoring requests on a Vert.x context
 *       into batches for a blocking batch function.
 *   <li>{@link io.kerec.rank.Auc} computes ROC AUC for validation and evaluation.
 * </ul>
 *
 * <p>All failures specific to this package extend {@link io.kerec.rank.RankException}.
 */
package io.kerec.rank;
