package io.kerec.graph.impl;

import io.kerec.graph.ComplementEdge;
import io.kerec.graph.EdgeFeedback;
import io.kerec.graph.EdgeKey;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.GraphSchemaException;
import io.kerec.graph.GraphStore;
import io.kerec.graph.GraphStoreException;
import io.kerec.graph.ItemNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.tinkerpop.gremlin.process.traversal.Order;
import org.apache.tinkerpop.gremlin.process.traversal.P;
import org.apache.tinkerpop.gremlin.process.traversal.dsl.graph.GraphTraversalSource;
import org.apache.tinkerpop.gremlin.structure.Direction;
import org.apache.tinkerpop.gremlin.structure.Edge;
import org.apache.tinkerpop.gremlin.structure.T;
import org.apache.tinkerpop.gremlin.structure.Vertex;
import org.apache.tinkerpop.gremlin.structure.VertexProperty;
import org.janusgraph.core.JanusGraph;
import org.janusgraph.core.JanusGraphEdge;
import org.janusgraph.core.JanusGraphFactory;
import org.janusgraph.core.JanusGraphTransaction;
import org.janusgraph.core.JanusGraphVertex;
import org.janusgraph.core.PropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GraphStore} on JanusGraph: embedded BerkeleyDB JE by default, or Cassandra ({@code cql}), which several
 * engines share ({@link SharedStorage}: conflicting writes and schema application are retried). Opening applies
 * {@link GraphSchema}.
 *
 * <p>Each write runs in its own transaction, each read in its own read-only transaction. Reads run concurrently with
 * each other; a write runs alone (it waits for running reads, reads wait for it). Entity vertex ids are cached by
 * name ({@link GraphOptions#ENTITY_CACHE_SIZE}) so bulk upserts skip most index lookups.
 *
 * <p>Blocking: see {@link GraphStore}.
 */
public final class JanusGraphStore implements GraphStore {
  private static final Logger LOG = LoggerFactory.getLogger(JanusGraphStore.class);

  static final String ENTITY = "Entity";
  static final String ITEM = "Item";
  static final String HAS_ENTITY = "HAS_ENTITY";
  static final String COMPLEMENTS = "COMPLEMENTS";
  static final String NAME = "name";
  static final String ITEM_ID = "itemId";
  static final String TITLE = "title";
  static final String WEIGHT = "weight";
  static final String CONFIDENCE = "confidence";
  static final String SOURCE = "source";
  static final String EXPOSURES = "exposures";
  static final String CLICKS = "clicks";
  static final String UPDATED_AT = "updatedAt";

  /** BerkeleyDB JE lets one process open an environment twice; two JanusGraph instances on it must not. */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  private final JanusGraph graph;
  private final Path directory;
  private final GraphSchema.Report schemaReport;
  private final EntityIdCache entityIds;
  /** Whether other instances may write the same storage ({@code cql}): conflicting writes are then retried. */
  private final boolean shared;
  /**
   * Reads share, writes and close are exclusive. BerkeleyDB JE transactions hold read locks until they end
   * (REPEATABLE_READ), so a read overlapping a write can deadlock in JE, and JE then aborts one of them; keeping
   * them apart in the store costs little, as one worker thread calls the store at a time anyway. Fair, so that a
   * stream of reads cannot starve a write.
   */
  private final ReentrantReadWriteLock access = new ReentrantReadWriteLock(true);
  private volatile boolean closed;

  private JanusGraphStore(JanusGraph graph, Path directory, GraphSchema.Report schemaReport, int entityCacheSize,
                          boolean shared) {
    this.shared = shared;
    this.graph = graph;
    this.directory = directory;
    this.schemaReport = schemaReport;
    this.entityIds = new EntityIdCache(entityCacheSize);
  }

  /** Opens (creating if needed) the graph and brings its schema to the latest version on the class path. */
  public static JanusGraphStore open(GraphOptions options) {
    return open(options, GraphSchema.load());
  }

  /** Opens the graph and applies {@code schema}. */
  public static JanusGraphStore open(GraphOptions options, GraphSchema schema) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(schema, "schema");
    Path directory = GraphOptions.BERKELEYJE.equals(options.backend())
        ? Path.of(options.directory()).toAbsolutePath().normalize() : null;
    JanusGraphFactory.Builder builder = JanusGraphFactory.build();
    janusConfiguration(options).forEach(builder::set);
    if (directory != null && !OPEN_DIRECTORIES.add(directory)) {
      throw new GraphStoreException("cannot open the berkeleyje graph in " + directory
          + ": it is already open in this process");
    }
    if (GraphOptions.CQL.equals(options.backend())) {
      SharedStorage.Opened opened;
      try {
        opened = SharedStorage.openWithSchema(builder::open, schema);
      } catch (GraphStoreException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new GraphStoreException("cannot open the cql graph: " + rootMessage(e), e);
      }
      return new JanusGraphStore(opened.graph(), null, opened.report(), options.entityCacheSize(), true);
    }
    JanusGraph graph;
    try {
      graph = builder.open();
    } catch (RuntimeException e) {
      release(directory);
      throw new GraphStoreException("cannot open the " + options.backend() + " graph"
          + (directory != null ? " in " + directory : "") + ": " + rootMessage(e), e);
    }
    try {
      return new JanusGraphStore(graph, directory, schema.apply(graph), options.entityCacheSize(), false);
    } catch (RuntimeException e) {
      closeQuietly(graph);
      release(directory);
      throw e instanceof GraphStoreException g ? g
          : new GraphSchemaException("cannot apply the graph schema: " + rootMessage(e), e);
    }
  }

  private static void release(Path directory) {
    if (directory != null) {
      OPEN_DIRECTORIES.remove(directory);
    }
  }

  /**
   * The JanusGraph configuration for {@code options}: the store's defaults, then {@code options.properties()} on
   * top (without the store's own {@code kerec.*} keys).
   */
  static Map<String, Object> janusConfiguration(GraphOptions options) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("storage.backend", options.backend());
    // Every label, key and index comes from graph-schema/; writing anything undeclared fails.
    c.put("schema.default", "none");
    if (GraphOptions.BERKELEYJE.equals(options.backend())) {
      c.put("storage.directory", Path.of(options.directory()).toAbsolutePath().toString());
      // JE's own cache, as a share of the heap (JanusGraph's default is 65 %, too much in a shared JVM).
      c.put("storage.berkeleyje.cache-percentage", 10);
      // JanusGraph's database-level cache (cache.db-cache) stays off: on BerkeleyDB JE it made no measurable
      // difference to top-k reads or writes (JE's cache is in the same JVM), and it would cost another heap share.
    }
    if (GraphOptions.CQL.equals(options.backend())) {
      c.put("storage.hostname", "127.0.0.1");
      c.put("storage.cql.keyspace", "kerec");
    }
    options.properties().forEach((k, v) -> {
      if (!k.startsWith(GraphOptions.STORE_PREFIX)) {
        c.put(k, v);
      }
    });
    return c;
  }

  /** What opening did to the schema. */
  public GraphSchema.Report schemaReport() {
    return schemaReport;
  }

  /** The underlying graph, for tests in this package. */
  JanusGraph graph() {
    return graph;
  }

  int cachedEntities() {
    return entityIds.size();
  }

  // ---------------------------------------------------------------------------------------------- writes

  @Override
  public void upsertItems(List<ItemNode> items) {
    Objects.requireNonNull(items, "items").forEach(i -> Objects.requireNonNull(i, "item"));
    if (items.isEmpty()) {
      return;
    }
    write("upsertItems", tx -> {
      Writer w = new Writer(tx);
      Map<String, JanusGraphVertex> itemVertices = w.find(ITEM, ITEM_ID, items.stream().map(ItemNode::itemId).toList());
      w.preloadEntities(items.stream().flatMap(i -> i.entities().stream()).toList());
      for (ItemNode item : items) {
        JanusGraphVertex v = itemVertices.get(item.itemId());
        boolean fresh = v == null;
        if (fresh) {
          v = tx.addVertex(T.label, ITEM, ITEM_ID, item.itemId());
          itemVertices.put(item.itemId(), v);
        }
        // JanusGraph rewrites a property even when set to the value it has: only touch what changes.
        if (fresh || !Objects.equals(stringValue(v, TITLE), item.title())) {
          if (item.title() != null) {
            v.property(TITLE, item.title());
          } else {
            v.property(TITLE).remove();
          }
        }
        Map<Object, Edge> current = new HashMap<>();
        if (!fresh) { // stored, or created earlier in this call
          v.edges(Direction.OUT, HAS_ENTITY).forEachRemaining(e -> current.put(e.inVertex().id(), e));
        }
        for (String name : new LinkedHashSet<>(item.entities())) {
          JanusGraphVertex entity = w.entity(name, true);
          if (current.remove(entity.id()) == null) {
            v.addEdge(HAS_ENTITY, entity);
          }
        }
        current.values().forEach(Edge::remove);
      }
      return w;
    });
  }

  @Override
  public void upsertComplements(List<ComplementEdge> edges) {
    Objects.requireNonNull(edges, "edges").forEach(e -> Objects.requireNonNull(e, "edge"));
    if (edges.isEmpty()) {
      return;
    }
    write("upsertComplements", tx -> {
      Writer w = new Writer(tx);
      w.preloadEntities(edges.stream().flatMap(c -> Stream.of(c.from(), c.to())).toList());
      EdgeKeys keys = EdgeKeys.of(tx);
      for (ComplementEdge c : edges) {
        JanusGraphVertex from = w.entity(c.from(), true);
        JanusGraphVertex to = w.entity(c.to(), true);
        JanusGraphEdge e = complement(from, to);
        if (e != null && keys.sameVerdict(e, c)) {
          continue; // JanusGraph would rewrite the edge and its index entries for nothing
        }
        if (e == null) {
          e = from.addEdge(COMPLEMENTS, to, WEIGHT, c.weight(), CONFIDENCE, c.confidence(),
              EXPOSURES, c.exposures(), CLICKS, c.clicks(), UPDATED_AT, c.updatedAt());
          if (c.provenance() != null) {
            e.property(SOURCE, c.provenance());
          }
        } else {
          // A new verdict: exposures and clicks are feedback statistics and stay.
          e.property(WEIGHT, c.weight());
          e.property(CONFIDENCE, c.confidence());
          e.property(UPDATED_AT, c.updatedAt());
          if (c.provenance() != null) {
            e.property(SOURCE, c.provenance());
          } else {
            e.property(SOURCE).remove();
          }
        }
      }
      return w;
    });
  }

  @Override
  public int removeComplements(Collection<EdgeKey> edges) {
    Objects.requireNonNull(edges, "edges").forEach(e -> Objects.requireNonNull(e, "edge"));
    if (edges.isEmpty()) {
      return 0;
    }
    int[] removed = {0};
    write("removeComplements", tx -> {
      removed[0] = 0; // a retried attempt counts afresh
      Writer w = new Writer(tx);
      w.preloadEntities(edges.stream().flatMap(k -> Stream.of(k.from(), k.to())).toList());
      for (EdgeKey k : edges) {
        JanusGraphVertex from = w.entity(k.from(), false);
        JanusGraphVertex to = from == null ? null : w.entity(k.to(), false);
        JanusGraphEdge e = to == null ? null : complement(from, to);
        if (e != null) {
          e.remove();
          removed[0]++;
        }
      }
      return w;
    });
    return removed[0];
  }

  @Override
  public int applyFeedback(List<EdgeFeedback> feedback) {
    Objects.requireNonNull(feedback, "feedback").forEach(f -> Objects.requireNonNull(f, "feedback"));
    if (feedback.isEmpty()) {
      return 0;
    }
    int[] applied = {0};
    write("applyFeedback", tx -> {
      applied[0] = 0; // a retried attempt counts afresh
      Writer w = new Writer(tx);
      w.preloadEntities(feedback.stream().flatMap(f -> Stream.of(f.from(), f.to())).toList());
      EdgeKeys keys = EdgeKeys.of(tx);
      for (EdgeFeedback f : feedback) {
        JanusGraphVertex from = w.entity(f.from(), false);
        JanusGraphVertex to = from == null ? null : w.entity(f.to(), false);
        JanusGraphEdge e = to == null ? null : complement(from, to);
        if (e == null) {
          LOG.debug("feedback for missing edge {} -> {} ignored", f.from(), f.to());
          continue;
        }
        e.property(EXPOSURES, f.exposures());
        e.property(CLICKS, f.clicks());
        e.property(WEIGHT, f.newWeight());
        applied[0]++;
      }
      return w;
    });
    return applied[0];
  }

  /** The COMPLEMENTS edge from -> to, looked up by adjacent vertex (a point lookup in from's adjacency list). */
  private static JanusGraphEdge complement(JanusGraphVertex from, JanusGraphVertex to) {
    Iterator<JanusGraphEdge> it = from.query().direction(Direction.OUT).labels(COMPLEMENTS).adjacent(to)
        .edges().iterator();
    return it.hasNext() ? it.next() : null;
  }

  /** Resolves vertices inside one write transaction; remembers the entities it creates or finds. */
  private final class Writer {
    /** Values per has(key, within(...)) lookup: JanusGraph turns each into that many composite-index slices. */
    static final int LOOKUP_CHUNK = 256;

    final JanusGraphTransaction tx;
    final GraphTraversalSource g;
    final Map<String, JanusGraphVertex> entities = new HashMap<>();
    final Set<String> missing = new HashSet<>();
    final Map<String, Object> toCache = new HashMap<>();

    Writer(JanusGraphTransaction tx) {
      this.tx = tx;
      this.g = tx.traversal();
    }

    /** The stored vertices of {@code label} whose {@code key} is one of {@code values}, by value. */
    Map<String, JanusGraphVertex> find(String label, String key, Collection<String> values) {
      List<String> distinct = List.copyOf(new LinkedHashSet<>(values));
      Map<String, JanusGraphVertex> found = new HashMap<>();
      for (int i = 0; i < distinct.size(); i += LOOKUP_CHUNK) {
        List<String> chunk = distinct.subList(i, Math.min(distinct.size(), i + LOOKUP_CHUNK));
        Iterator<Vertex> it = g.V().has(label, key, P.within(chunk));
        while (it.hasNext()) {
          JanusGraphVertex v = (JanusGraphVertex) it.next();
          found.put(v.value(key), v);
        }
      }
      return found;
    }

    /** Resolves entity names in bulk: the id cache first, then one index lookup per chunk of the rest. */
    void preloadEntities(Collection<String> names) {
      List<String> lookup = new ArrayList<>();
      for (String name : new LinkedHashSet<>(names)) {
        if (entities.containsKey(name) || missing.contains(name)) {
          continue;
        }
        Object id = entityIds.id(name);
        if (id != null) {
          // The transaction skips the existence check: cached ids are of committed entities, which the store never
          // deletes.
          entities.put(name, tx.getVertex(id));
        } else {
          lookup.add(name);
        }
      }
      if (!lookup.isEmpty()) {
        Map<String, JanusGraphVertex> found = find(ENTITY, NAME, lookup);
        for (String name : lookup) {
          JanusGraphVertex v = found.get(name);
          if (v == null) {
            missing.add(name);
          } else {
            entities.put(name, v);
            toCache.put(name, v.id());
          }
        }
      }
    }

    /** The entity vertex, created when missing and {@code create}; {@code null} when missing otherwise. */
    JanusGraphVertex entity(String name, boolean create) {
      JanusGraphVertex v = entities.get(name);
      if (v == null && !missing.contains(name)) {
        preloadEntities(List.of(name));
        v = entities.get(name);
      }
      if (v == null && create) {
        v = tx.addVertex(T.label, ENTITY, NAME, name);
        entities.put(name, v);
        missing.remove(name);
        toCache.put(name, v.id());
      }
      return v;
    }
  }

  private void write(String op, Function<JanusGraphTransaction, Writer> body) {
    if (!shared) {
      writeOnce(op, body);
      return;
    }
    SharedStorage.retry(op, () -> {
      writeOnce(op, body);
      return null;
    });
  }

  private void writeOnce(String op, Function<JanusGraphTransaction, Writer> body) {
    if (access.getReadHoldCount() > 0) {
      throw new IllegalStateException(op + " called from inside a read (a forEach consumer?): it would deadlock");
    }
    access.writeLock().lock();
    try {
      ensureOpen();
      JanusGraphTransaction tx = graph.buildTransaction().checkExternalVertexExistence(false).start();
      Writer w;
      try {
        w = body.apply(tx);
        tx.commit();
      } catch (RuntimeException e) {
        rollbackQuietly(tx);
        throw e instanceof GraphStoreException g ? g : new GraphStoreException(op + " failed: " + rootMessage(e), e);
      }
      entityIds.putAll(w.toCache); // only after commit: ids of rolled-back vertices must not be cached
    } finally {
      access.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------- reads

  @Override
  public List<ComplementEdge> topComplements(String entity, int k) {
    Objects.requireNonNull(entity, "entity");
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0: " + k);
    }
    if (k == 0) {
      return List.of();
    }
    return read("topComplements", tx -> {
      JanusGraphVertex v = entityVertex(tx, entity);
      if (v == null) {
        return List.of();
      }
      // One slice of the vertex-centric index complementsByWeight that reads k edges, heaviest first. The same
      // query as g.V(id).local(outE(COMPLEMENTS).order().by(weight, desc).limit(k)), which JanusGraph folds into
      // it, at a third of the CPU (no traversal strategies per call). Written without local(), the traversal
      // reads every edge and sorts them in memory.
      EdgeKeys keys = EdgeKeys.of(tx);
      List<ComplementEdge> out = new ArrayList<>(Math.min(k, 64));
      for (JanusGraphEdge e : v.query().direction(Direction.OUT).labels(COMPLEMENTS).orderBy(WEIGHT, Order.desc)
          .limit(k).edges()) {
        out.add(keys.read(e, entity, entityName(e.inVertex())));
      }
      return out;
    });
  }

  @Override
  public Optional<ItemNode> item(String itemId) {
    Objects.requireNonNull(itemId, "itemId");
    return read("item", tx -> {
      Optional<Vertex> v = tx.traversal().V().has(ITEM, ITEM_ID, itemId).tryNext();
      if (v.isEmpty()) {
        return Optional.empty();
      }
      List<String> entities = new ArrayList<>();
      v.get().edges(Direction.OUT, HAS_ENTITY).forEachRemaining(e -> entities.add(entityName(e.inVertex())));
      return Optional.of(new ItemNode(itemId, stringValue(v.get(), TITLE), entities));
    });
  }

  @Override
  public void forEachItem(Consumer<ItemNode> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    read("forEachItem", tx -> {
      Map<Object, String> names = new HashMap<>();
      Iterator<Vertex> items = tx.traversal().V().hasLabel(ITEM);
      while (items.hasNext()) {
        Vertex v = items.next();
        List<String> entities = new ArrayList<>();
        v.edges(Direction.OUT, HAS_ENTITY).forEachRemaining(e -> entities.add(entityName(e.inVertex(), names)));
        consumer.accept(new ItemNode(v.value(ITEM_ID), stringValue(v, TITLE), entities));
      }
      return null;
    });
  }

  @Override
  public void forEachComplement(Consumer<ComplementEdge> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    read("forEachComplement", tx -> {
      EdgeKeys keys = EdgeKeys.of(tx);
      Map<Object, String> names = new HashMap<>();
      Iterator<Vertex> entities = tx.traversal().V().hasLabel(ENTITY);
      while (entities.hasNext()) {
        Vertex v = entities.next();
        Iterator<Edge> edges = v.edges(Direction.OUT, COMPLEMENTS);
        if (!edges.hasNext()) {
          continue;
        }
        String from = v.value(NAME);
        names.put(v.id(), from);
        while (edges.hasNext()) {
          JanusGraphEdge e = (JanusGraphEdge) edges.next();
          consumer.accept(keys.read(e, from, entityName(e.inVertex(), names)));
        }
      }
      return null;
    });
  }

  @Override
  public long countItems() {
    return read("countItems", tx -> tx.traversal().V().hasLabel(ITEM).count().next());
  }

  @Override
  public long countEntities() {
    return read("countEntities", tx -> tx.traversal().V().hasLabel(ENTITY).count().next());
  }

  @Override
  public long countComplements() {
    return read("countComplements", tx -> tx.traversal().V().hasLabel(ENTITY).outE(COMPLEMENTS).count().next());
  }

  /** The entity's vertex in a read transaction: through the id cache, else the name index; null if none. */
  private JanusGraphVertex entityVertex(JanusGraphTransaction tx, String name) {
    Object id = entityIds.id(name);
    if (id != null) {
      JanusGraphVertex v = tx.getVertex(id); // read transactions check existence
      if (v != null) {
        return v;
      }
      entityIds.remove(name);
    }
    Optional<Vertex> v = tx.traversal().V().has(ENTITY, NAME, name).tryNext();
    v.ifPresent(x -> entityIds.put(name, x.id()));
    return (JanusGraphVertex) v.orElse(null);
  }


  /** The name of an entity vertex met during a scan: the scan's own map, the id cache, then the vertex. */
  private String entityName(Vertex v, Map<Object, String> names) {
    String name = names.get(v.id());
    if (name == null) {
      name = entityIds.name(v.id());
      if (name == null) {
        name = v.value(NAME);
      }
      names.put(v.id(), name);
    }
    return name;
  }

  private String entityName(Vertex v) {
    String name = entityIds.name(v.id());
    if (name == null) {
      name = v.value(NAME);
      entityIds.put(name, v.id());
    }
    return name;
  }

  /**
   * The COMPLEMENTS property keys of one transaction. Reading an edge property through its key object skips the
   * by-name lookup and TinkerPop's property stream, which made up half of {@code topComplements}' CPU.
   */
  private record EdgeKeys(PropertyKey weight, PropertyKey confidence, PropertyKey source, PropertyKey exposures,
                          PropertyKey clicks, PropertyKey updatedAt) {
    static EdgeKeys of(JanusGraphTransaction tx) {
      return new EdgeKeys(tx.getPropertyKey(WEIGHT), tx.getPropertyKey(CONFIDENCE), tx.getPropertyKey(SOURCE),
          tx.getPropertyKey(EXPOSURES), tx.getPropertyKey(CLICKS), tx.getPropertyKey(UPDATED_AT));
    }

    ComplementEdge read(JanusGraphEdge e, String from, String to) {
      return new ComplementEdge(from, to, e.<Double>valueOrNull(weight), e.<Double>valueOrNull(confidence),
          e.<String>valueOrNull(source), count(e, exposures), count(e, clicks), count(e, updatedAt));
    }

    boolean sameVerdict(JanusGraphEdge e, ComplementEdge c) {
      Double w = e.valueOrNull(weight);
      Double conf = e.valueOrNull(confidence);
      return w != null && w == c.weight() && conf != null && conf == c.confidence()
          && Objects.equals(e.valueOrNull(source), c.provenance()) && count(e, updatedAt) == c.updatedAt();
    }

    static long count(JanusGraphEdge e, PropertyKey key) {
      Long v = e.valueOrNull(key);
      return v == null ? 0L : v;
    }
  }

  private static String stringValue(Vertex v, String key) {
    VertexProperty<String> p = v.property(key);
    return p.isPresent() ? p.value() : null;
  }

  private <R> R read(String op, Function<JanusGraphTransaction, R> body) {
    access.readLock().lock();
    try {
      ensureOpen();
      JanusGraphTransaction tx = graph.buildTransaction().readOnly().start();
      try {
        return body.apply(tx);
      } catch (GraphStoreException e) {
        throw e;
      } catch (RuntimeException e) {
        if (e.getClass().getName().startsWith("org.janusgraph") || e.getClass().getName().startsWith("org.apache")) {
          throw new GraphStoreException(op + " failed: " + rootMessage(e), e);
        }
        throw e; // the caller's consumer threw: pass it on as is
      } finally {
        rollbackQuietly(tx);
      }
    } finally {
      access.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  private void ensureOpen() {
    if (closed) {
      throw new GraphStoreException("the graph store is closed");
    }
  }

  /** Waits for running calls, then closes the graph (flushing and releasing the storage). Idempotent. */
  @Override
  public void close() {
    access.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        graph.close();
      } finally {
        release(directory);
      }
    } catch (RuntimeException e) {
      throw new GraphStoreException("closing the graph failed: " + rootMessage(e), e);
    } finally {
      access.writeLock().unlock();
    }
  }

  private static void rollbackQuietly(JanusGraphTransaction tx) {
    try {
      if (tx.isOpen()) {
        tx.rollback();
      }
    } catch (RuntimeException e) {
      LOG.warn("rollback failed", e);
    }
  }

  private static void closeQuietly(JanusGraph graph) {
    try {
      graph.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the graph after a failed open failed", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
        sb.append(" <- ").append(t.getMessage());
      }
    }
    return sb.toString();
  }
}
