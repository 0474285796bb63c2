package io.kerec.rank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.kerec.bus.Features;

/**
 * The E-E-I network with id embeddings. Each input row is the standardised feature vector followed by
 * {@value IdVocabulary#COLUMNS} table rows (trigger entity, target entity, item); trigger and target share the entity
 * table. The MLP sees the features, the three embeddings and the trigger-target product (how well the two
 * entities go together), and outputs one logit.
 *
 * <p>Given two inputs instead of one, the block computes the contrastive alignment loss instead: both inputs are
 * (B, entity table) matrices of neighbour weights, one row per sampled entity, from the complementary graph and
 * from co-purchases. Each entity's two views (the weighted mean of its neighbours' embeddings in that graph) are
 * pulled together and pushed away from the other sampled entities' views (symmetric InfoNCE).
 */
final class EeiBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  /** Share of embedding values zeroed in training, so that the network keeps leaning on the features. */
  static final float DROPOUT = 0.5f;

  /** InfoNCE temperature of the alignment loss. */
  static final float TEMPERATURE = 0.2f;

  private final int embeddingSize;
  private final int entityTableSize;
  private final IdEmbedding entities;
  private final IdEmbedding items;
  private final SequentialBlock mlp;
  private final Dropout dropout;

  EeiBlock(int entityTableSize, int itemTableSize, int embeddingSize) {
    super(VERSION);
    this.embeddingSize = embeddingSize;
    this.entityTableSize = entityTableSize;
    entities = addChildBlock("entities", new IdEmbedding.Builder()
        .setDictionarySize(entityTableSize).setEmbeddingSize(embeddingSize).build());
    items = addChildBlock("items", new IdEmbedding.Builder()
        .setDictionarySize(itemTableSize).setEmbeddingSize(embeddingSize).build());
    mlp = addChildBlock("mlp", mlp());
    dropout = addChildBlock("dropout", Dropout.builder().optRate(DROPOUT).build());
  }

  /** The feature-only network, {@code → 32 → 16 → 1} with ReLU. */
  static SequentialBlock mlp() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(32).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(16).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(1).build());
  }

  /** Input columns: features, then the id rows. */
  static int width() {
    return Features.SIZE + IdVocabulary.COLUMNS;
  }

  /** Rows {@code ids} of the entity table, as the model sees them now (for the contrastive loss). */
  NDArray entityVectors(ParameterStore store, NDArray ids, boolean training) {
    return entities.forward(store, new NDList(ids), training).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                   PairList<String, Object> params) {
    if (inputs.size() == 2) {
      return new NDList(alignment(store, inputs.get(0), inputs.get(1), training));
    }
    NDArray x = inputs.singletonOrThrow();
    NDArray features = x.get(":, :" + Features.SIZE);
    NDArray ids = x.get(":, " + Features.SIZE + ":").toType(DataType.INT64, false);
    NDArray trigger = entityVectors(store, ids.get(":, 0"), training);
    NDArray target = entityVectors(store, ids.get(":, 1"), training);
    NDArray item = items.forward(store, new NDList(ids.get(":, 2")), training).singletonOrThrow();
    NDArray embedded = NDArrays.concat(new NDList(trigger, target, trigger.mul(target), item), 1);
    embedded = dropout.forward(store, new NDList(embedded), training).singletonOrThrow();
    NDArray joined = NDArrays.concat(new NDList(features, embedded), 1);
    return mlp.forward(store, new NDList(joined), training, params);
  }

  private NDArray alignment(ParameterStore store, NDArray complementView, NDArray coPurchaseView, boolean training) {
    NDManager manager = complementView.getManager();
    long rows = complementView.getShape().get(0);
    NDArray table = entityVectors(store, manager.arange(0, entityTableSize, 1, DataType.INT64), training);
    NDArray a = unit(complementView.matMul(table));
    NDArray b = unit(coPurchaseView.matMul(table));
    NDArray logits = a.matMul(b.transpose()).div(TEMPERATURE);
    NDArray diagonal = manager.eye((int) rows);
    NDArray forward = logits.logSoftmax(1).mul(diagonal).sum();
    NDArray backward = logits.logSoftmax(0).mul(diagonal).sum();
    return forward.add(backward).neg().div(2f * rows);
  }

  private static NDArray unit(NDArray rows) {
    return rows.div(rows.norm(new int[] {1}, true).add(1e-6f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes.length == 2 ? new Shape[] {new Shape()} : new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long rows = inputShapes[0].get(0);
    entities.initialize(manager, dataType, new Shape(rows));
    items.initialize(manager, dataType, new Shape(rows));
    dropout.initialize(manager, dataType, new Shape(rows, 4L * embeddingSize));
    mlp.initialize(manager, dataType, new Shape(rows, Features.SIZE + 4L * embeddingSize));
  }
}
