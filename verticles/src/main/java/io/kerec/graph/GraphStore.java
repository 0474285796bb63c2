package io.kerec.graph;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The system of record for the entity knowledge graph: {@code Item -HAS_ENTITY-> Entity} and
 * {@code Entity -COMPLEMENTS-> Entity}.
 *
 * <p><b>Blocking.</b> Every method does disk (or network) I/O and may take milliseconds to seconds. Never call it
 * from a Vert.x event loop: use a worker verticle or {@code executeBlocking} on a named, bounded worker pool.
 *
 * <p><b>Threads.</b> Meant to be used from one worker thread at a time. Calls from several threads are safe: reads
 * run concurrently with each other, a write ({@code upsert*}, {@code applyFeedback}) runs alone, so a long scan
 * delays writes and a large write delays reads. Reads see committed data only. A {@code forEach*} consumer must
 * not call the store's write methods ({@link IllegalStateException}).
 *
 * <p><b>Transactions.</b> Each write call is one transaction: it commits entirely or not at all (on failure a
 * {@link GraphStoreException} is thrown and nothing of that call is visible). Arguments are validated before
 * anything is written ({@link IllegalArgumentException}, {@link NullPointerException}).
 */
public interface GraphStore extends AutoCloseable {

  /**
   * Creates or updates items and their entities. For each item: the {@code Item} vertex is created if missing and
   * its title replaced ({@code null} removes it); {@code Entity} vertices are created if missing; the item's
   * {@code HAS_ENTITY} edges are replaced by exactly the given entity list. Entities left without items stay (they
   * keep their complements). When an item id occurs twice in one call, the last one wins. Idempotent.
   */
  void upsertItems(List<ItemNode> items);

  /**
   * Creates or updates {@code COMPLEMENTS} edges, creating missing entities. A new edge gets every field of the
   * record; an existing edge gets the new verdict ({@code weight}, {@code confidence}, {@code provenance},
   * {@code updatedAt}) and keeps its feedback statistics ({@code exposures}, {@code clicks}). Idempotent.
   */
  void upsertComplements(List<ComplementEdge> edges);

  /**
   * Removes {@code COMPLEMENTS} edges (a pair whose deciding verdict says it is not complementary). Edges that do
   * not exist are ignored; entities stay. Idempotent.
   *
   * @return the number of edges removed
   */
  int removeComplements(java.util.Collection<EdgeKey> edges);

  /**
   * Adds feedback counts to existing edges and sets their weight; {@code updatedAt} (the verdict time) is left
   * alone. Feedback for an edge that does not exist is ignored.
   *
   * @return the number of edges updated
   */
  int applyFeedback(List<EdgeFeedback> feedback);

  /** The {@code k} heaviest outgoing complements of {@code entity}, by weight descending; empty if unknown. */
  List<ComplementEdge> topComplements(String entity, int k);

  /** The item with its entities, if stored. */
  Optional<ItemNode> item(String itemId);

  /** Streams every item with its entities (for rebuilding an in-memory view); order unspecified. */
  void forEachItem(Consumer<ItemNode> consumer);

  /** Streams every complement edge; order unspecified. */
  void forEachComplement(Consumer<ComplementEdge> consumer);

  /** Number of items (a full scan: for admin and tests, not for hot paths). */
  long countItems();

  /** Number of entities (a full scan). */
  long countEntities();

  /** Number of complement edges (a full scan). */
  long countComplements();

  /** Closes the store; further calls throw {@link GraphStoreException}. Idempotent. */
  @Override
  void close();
}
