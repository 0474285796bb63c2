package io.kerec.graph.impl;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kerec.graph.GraphSchemaException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.tinkerpop.gremlin.structure.Edge;
import org.apache.tinkerpop.gremlin.structure.Vertex;
import org.janusgraph.core.EdgeLabel;
import org.janusgraph.core.JanusGraph;
import org.janusgraph.core.PropertyKey;
import org.janusgraph.core.RelationType;
import org.janusgraph.core.schema.JanusGraphIndex;
import org.janusgraph.core.schema.JanusGraphManagement;
import org.janusgraph.core.schema.JanusGraphSchemaType;
import org.janusgraph.core.schema.RelationTypeIndex;
import org.janusgraph.core.schema.SchemaAction;
import org.janusgraph.core.schema.SchemaStatus;
import org.janusgraph.graphdb.database.management.AbstractIndexStatusReport;
import org.janusgraph.graphdb.database.management.ManagementSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned graph schema of {@code graph-schema/} (see its README) and how to apply it to a JanusGraph.
 *
 * <p>{@link #apply} applies, in order, each version newer than the one recorded in the graph (the graph variable
 * {@value #VERSION_VARIABLE}), each in one management transaction, and records the version after each. Applying is
 * idempotent: an element that already exists with the same definition is skipped, one that exists with a different
 * definition fails with {@link GraphSchemaException} and nothing of that version is committed. Indexes that
 * JanusGraph does not enable at once (an index added later over keys that already hold data) are registered,
 * reindexed and awaited.
 *
 * <p>Blocking; call it before the graph takes traffic.
 */
public final class GraphSchema {
  private static final Logger LOG = LoggerFactory.getLogger(GraphSchema.class);

  /** Class path folder holding {@code index.json} and the version files. */
  public static final String DEFAULT_LOCATION = "graph-schema";
  /** Graph variable holding the last applied version (an Integer). */
  public static final String VERSION_VARIABLE = "kerec.schema.version";
  /** Graph variable prefix of the epoch-millisecond time each version was applied ({@code kerec.schema.v1.appliedAt}). */
  public static final String APPLIED_AT_PREFIX = "kerec.schema.v";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final List<SchemaFile> versions;
  private final Duration indexTimeout;

  private GraphSchema(List<SchemaFile> versions, Duration indexTimeout) {
    this.versions = List.copyOf(versions);
    this.indexTimeout = indexTimeout;
  }

  /** What {@link #apply} did. */
  public record Report(int fromVersion, int toVersion, List<String> created) {
    public Report {
      created = List.copyOf(created);
    }

    /** True when the graph was already up to date. */
    public boolean noop() {
      return fromVersion == toVersion && created.isEmpty();
    }
  }

  /** The schema in {@value #DEFAULT_LOCATION}/ on this class's class path. */
  public static GraphSchema load() {
    return load(GraphSchema.class.getClassLoader(), DEFAULT_LOCATION);
  }

  /**
   * The schema in {@code location}/ on {@code loader}'s class path: {@code index.json} names the version files, which
   * must hold versions 1..N in that order.
   */
  public static GraphSchema load(ClassLoader loader, String location) {
    Objects.requireNonNull(loader, "loader");
    String dir = location.endsWith("/") ? location : location + "/";
    SchemaFile.Index index = read(loader, dir + "index.json", SchemaFile.Index.class);
    if (index.versions() == null || index.versions().isEmpty()) {
      throw new GraphSchemaException(dir + "index.json lists no versions");
    }
    List<SchemaFile> files = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    Set<String> vertexLabels = new HashSet<>();
    Set<String> edgeLabels = new HashSet<>();
    for (String name : index.versions()) {
      SchemaFile file = read(loader, dir + name, SchemaFile.class);
      if (file.version() != files.size() + 1) {
        throw new GraphSchemaException(dir + name + " holds version " + file.version() + ", expected "
            + (files.size() + 1) + " (versions are 1..N in index.json order)");
      }
      file.validate(dir + name, keys, vertexLabels, edgeLabels);
      files.add(file);
    }
    return new GraphSchema(files, Duration.ofMinutes(2));
  }

  private static <T> T read(ClassLoader loader, String resource, Class<T> type) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new GraphSchemaException("schema resource not found on the class path: " + resource);
      }
      return JSON.readValue(in, type);
    } catch (IOException e) {
      throw new GraphSchemaException("cannot read schema resource " + resource + ": " + e.getMessage(), e);
    }
  }

  /** A copy that waits at most {@code timeout} for an index to change state (default 2 minutes). */
  public GraphSchema withIndexTimeout(Duration timeout) {
    return new GraphSchema(versions, timeout);
  }

  /** The first {@code version} versions only (to test upgrades from an older schema). */
  GraphSchema upTo(int version) {
    if (version < 1 || version > versions.size()) {
      throw new IllegalArgumentException("no version " + version);
    }
    return new GraphSchema(versions.subList(0, version), indexTimeout);
  }

  /** Highest version this schema knows. */
  public int latestVersion() {
    return versions.size();
  }

  /**
   * A schema element another instance has written only in part so far was read (on a shared store); JanusGraph
   * has cached that read, so only a graph opened anew sees the whole element.
   */
  static final class PartlyWrittenException extends GraphSchemaException {
    PartlyWrittenException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The version recorded in {@code graph}, 0 when none was applied. */
  public static int appliedVersion(JanusGraph graph) {
    Optional<Object> v = graph.variables().get(VERSION_VARIABLE);
    return v.map(o -> ((Number) o).intValue()).orElse(0);
  }

  /**
   * Brings {@code graph} to {@link #latestVersion()}.
   *
   * @throws GraphSchemaException on a conflicting definition, a graph newer than this schema, or an index that
   *                              cannot be enabled
   */
  public Report apply(JanusGraph graph) {
    int from = appliedVersion(graph);
    if (from > latestVersion()) {
      throw new GraphSchemaException("the graph has schema version " + from + " but this build knows only up to "
          + latestVersion() + "; refusing to run an older build against a newer graph");
    }
    List<String> created = new ArrayList<>();
    for (SchemaFile file : versions.subList(from, versions.size())) {
      created.addAll(applyVersion(graph, file));
      graph.variables().set(APPLIED_AT_PREFIX + file.version() + ".appliedAt", System.currentTimeMillis());
      graph.variables().set(VERSION_VARIABLE, file.version());
      LOG.info("graph schema version {} applied: {}", file.version(), file.description());
    }
    return new Report(from, latestVersion(), created);
  }

  /** Applies one version idempotently; returns the names of what it created. Package-private for tests. */
  List<String> applyVersion(JanusGraph graph, int version) {
    return applyVersion(graph, versions.get(version - 1));
  }

  private List<String> applyVersion(JanusGraph graph, SchemaFile file) {
    String where = "schema version " + file.version() + ": ";
    List<String> created = new ArrayList<>();
    JanusGraphManagement mgmt = graph.openManagement();
    try {
      for (SchemaFile.PropertyKeyDef p : file.propertyKeys()) {
        if (mgmt.containsRelationType(p.name())) {
          RelationType existing = mgmt.getRelationType(p.name());
          if (!(existing instanceof PropertyKey key)) {
            throw conflict(where, "property key " + p.name(), "an edge label of that name exists");
          }
          if (!key.dataType().equals(p.javaType()) || key.cardinality() != p.janusCardinality()) {
            throw conflict(where, "property key " + p.name(), "declared " + p.dataType() + "/" + p.janusCardinality()
                + ", graph has " + key.dataType().getSimpleName() + "/" + key.cardinality());
          }
        } else {
          mgmt.makePropertyKey(p.name()).dataType(p.javaType()).cardinality(p.janusCardinality()).make();
          created.add("propertyKey:" + p.name());
        }
      }
      for (SchemaFile.VertexLabelDef v : file.vertexLabels()) {
        if (!mgmt.containsVertexLabel(v.name())) {
          mgmt.makeVertexLabel(v.name()).make();
          created.add("vertexLabel:" + v.name());
        }
      }
      for (SchemaFile.EdgeLabelDef e : file.edgeLabels()) {
        if (mgmt.containsRelationType(e.name())) {
          RelationType existing = mgmt.getRelationType(e.name());
          if (!(existing instanceof EdgeLabel label)) {
            throw conflict(where, "edge label " + e.name(), "a property key of that name exists");
          }
          if (label.multiplicity() != e.janusMultiplicity() || !label.isDirected()) {
            throw conflict(where, "edge label " + e.name(), "declared " + e.janusMultiplicity() + ", graph has "
                + label.multiplicity() + (label.isDirected() ? "" : " (unidirected)"));
          }
        } else {
          mgmt.makeEdgeLabel(e.name()).multiplicity(e.janusMultiplicity()).make();
          created.add("edgeLabel:" + e.name());
        }
      }
      for (SchemaFile.CompositeIndexDef i : file.compositeIndexes()) {
        if (mgmt.containsGraphIndex(i.name())) {
          checkCompositeIndex(where, mgmt, i, mgmt.getGraphIndex(i.name()));
        } else {
          JanusGraphManagement.IndexBuilder b = mgmt.buildIndex(i.name(), i.onVertices() ? Vertex.class : Edge.class);
          for (String k : i.keys()) {
            b.addKey(existingKey(where, mgmt, k));
          }
          if (i.indexOnly() != null) {
            b.indexOnly(i.onVertices() ? mgmt.getVertexLabel(i.indexOnly()) : mgmt.getEdgeLabel(i.indexOnly()));
          }
          if (i.unique()) {
            b.unique();
          }
          JanusGraphIndex index = b.buildCompositeIndex();
          mgmt.setConsistency(index, i.janusConsistency());
          created.add("compositeIndex:" + i.name());
        }
      }
      for (SchemaFile.EdgeIndexDef i : file.edgeIndexes()) {
        EdgeLabel label = mgmt.getEdgeLabel(i.edgeLabel());
        if (label == null) {
          throw new GraphSchemaException(where + "edge index " + i.name() + ": no edge label " + i.edgeLabel());
        }
        if (mgmt.containsRelationIndex(label, i.name())) {
          checkEdgeIndex(where, i, mgmt.getRelationIndex(label, i.name()));
        } else {
          PropertyKey[] keys = i.keys().stream().map(k -> existingKey(where, mgmt, k)).toArray(PropertyKey[]::new);
          mgmt.buildEdgeIndex(label, i.name(), i.janusDirection(), i.janusOrder(), keys);
          created.add("edgeIndex:" + i.edgeLabel() + "." + i.name());
        }
      }
      mgmt.commit();
    } catch (GraphSchemaException e) {
      rollback(mgmt);
      throw e;
    } catch (AssertionError | NullPointerException e) {
      // JanusGraph asserts (with -ea; without, the read returns null) that a schema vertex it can see has its
      // definition. On a shared (cql) store another instance's schema transaction can be visible in part: its name
      // index row before the vertex's own row. JanusGraph caches what it read, so SharedStorage opens the graph anew.
      rollback(mgmt);
      throw new PartlyWrittenException(where + "a schema element is only partly written (another instance is "
          + "applying the schema): " + e, e);
    } catch (RuntimeException e) {
      rollback(mgmt);
      throw new GraphSchemaException(where + "JanusGraph refused the schema: " + e.getMessage(), e);
    }
    enableIndexes(graph, file, where);
    return created;
  }

  private static void checkCompositeIndex(String where, JanusGraphManagement mgmt, SchemaFile.CompositeIndexDef def,
                                          JanusGraphIndex index) {
    List<String> keys = Arrays.stream(index.getFieldKeys()).map(PropertyKey::name).toList();
    JanusGraphSchemaType only = index.getSchemaTypeConstraint();
    String onlyName = only == null ? null : only.name();
    Class<?> element = def.onVertices() ? Vertex.class : Edge.class;
    List<String> diffs = new ArrayList<>();
    if (!index.isCompositeIndex()) {
      diffs.add("graph has a mixed index");
    }
    if (!element.isAssignableFrom(index.getIndexedElement())) {
      diffs.add("graph indexes " + index.getIndexedElement().getSimpleName());
    }
    if (!keys.equals(def.keys())) {
      diffs.add("keys " + def.keys() + " vs " + keys);
    }
    if (index.isUnique() != def.unique()) {
      diffs.add("unique " + def.unique() + " vs " + index.isUnique());
    }
    if (!Objects.equals(onlyName, def.indexOnly())) {
      diffs.add("indexOnly " + def.indexOnly() + " vs " + onlyName);
    }
    if (mgmt.getConsistency(index) != def.janusConsistency()) {
      diffs.add("consistency " + def.janusConsistency() + " vs " + mgmt.getConsistency(index));
    }
    if (!diffs.isEmpty()) {
      throw conflict(where, "index " + def.name(), String.join(", ", diffs));
    }
  }

  private static void checkEdgeIndex(String where, SchemaFile.EdgeIndexDef def, RelationTypeIndex index) {
    List<String> keys = Arrays.stream(index.getSortKey()).map(RelationType::name).toList();
    if (index.getDirection() != def.janusDirection() || index.getSortOrder() != def.janusOrder()
        || !keys.equals(def.keys())) {
      throw conflict(where, "edge index " + def.name(), "declared " + def.janusDirection() + " " + def.janusOrder()
          + " " + def.keys() + ", graph has " + index.getDirection() + " " + index.getSortOrder() + " " + keys);
    }
  }

  private static PropertyKey existingKey(String where, JanusGraphManagement mgmt, String name) {
    PropertyKey key = mgmt.getPropertyKey(name);
    if (key == null) {
      throw new GraphSchemaException(where + "property key " + name + " does not exist");
    }
    return key;
  }

  private static GraphSchemaException conflict(String where, String what, String detail) {
    return new GraphSchemaException(where + what + " conflicts with the graph: " + detail);
  }

  private static void rollback(JanusGraphManagement mgmt) {
    try {
      if (mgmt.isOpen()) {
        mgmt.rollback();
      }
    } catch (RuntimeException ignored) {
      // the original failure matters more
    }
  }

  /**
   * An index created together with its keys is ENABLED at once; one created over keys that already existed starts
   * INSTALLED and has to be registered with every open instance, then reindexed. Also repairs a version whose
   * previous application stopped half-way.
   */
  private void enableIndexes(JanusGraph graph, SchemaFile file, String where) {
    for (SchemaFile.CompositeIndexDef def : file.compositeIndexes()) {
      SchemaStatus status = graphIndexStatus(graph, def.name());
      if (status == SchemaStatus.ENABLED) {
        continue;
      }
      LOG.info("graph index {} is {}; registering and reindexing", def.name(), status);
      if (status == SchemaStatus.INSTALLED) {
        updateGraphIndex(graph, def.name(), SchemaAction.REGISTER_INDEX);
        await(where, def.name(), ManagementSystem.awaitGraphIndexStatus(graph, def.name())
            .status(SchemaStatus.REGISTERED, SchemaStatus.ENABLED)
            .timeout(indexTimeout.toMillis(), ChronoUnit.MILLIS));
        status = graphIndexStatus(graph, def.name());
      }
      if (status == SchemaStatus.REGISTERED) {
        updateGraphIndex(graph, def.name(), SchemaAction.REINDEX);
        await(where, def.name(), ManagementSystem.awaitGraphIndexStatus(graph, def.name())
            .status(SchemaStatus.ENABLED).timeout(indexTimeout.toMillis(), ChronoUnit.MILLIS));
      } else if (status != SchemaStatus.ENABLED) {
        throw new GraphSchemaException(where + "index " + def.name() + " is " + status + "; enable it by hand");
      }
    }
    for (SchemaFile.EdgeIndexDef def : file.edgeIndexes()) {
      SchemaStatus status = edgeIndexStatus(graph, def);
      if (status == SchemaStatus.ENABLED) {
        continue;
      }
      LOG.info("edge index {}.{} is {}; registering and reindexing", def.edgeLabel(), def.name(), status);
      if (status == SchemaStatus.INSTALLED) {
        updateEdgeIndex(graph, def, SchemaAction.REGISTER_INDEX);
        await(where, def.name(), ManagementSystem.awaitRelationIndexStatus(graph, def.name(), def.edgeLabel())
            .status(SchemaStatus.REGISTERED, SchemaStatus.ENABLED)
            .timeout(indexTimeout.toMillis(), ChronoUnit.MILLIS));
        status = edgeIndexStatus(graph, def);
      }
      if (status == SchemaStatus.REGISTERED) {
        updateEdgeIndex(graph, def, SchemaAction.REINDEX);
        await(where, def.name(), ManagementSystem.awaitRelationIndexStatus(graph, def.name(), def.edgeLabel())
            .status(SchemaStatus.ENABLED).timeout(indexTimeout.toMillis(), ChronoUnit.MILLIS));
      } else if (status != SchemaStatus.ENABLED) {
        throw new GraphSchemaException(where + "edge index " + def.name() + " is " + status + "; enable it by hand");
      }
    }
  }

  private static SchemaStatus graphIndexStatus(JanusGraph graph, String name) {
    JanusGraphManagement mgmt = graph.openManagement();
    try {
      JanusGraphIndex index = mgmt.getGraphIndex(name);
      SchemaStatus worst = SchemaStatus.ENABLED;
      for (PropertyKey k : index.getFieldKeys()) {
        SchemaStatus s = index.getIndexStatus(k);
        if (s != SchemaStatus.ENABLED) {
          worst = s;
        }
      }
      return worst;
    } finally {
      mgmt.rollback();
    }
  }

  private static SchemaStatus edgeIndexStatus(JanusGraph graph, SchemaFile.EdgeIndexDef def) {
    JanusGraphManagement mgmt = graph.openManagement();
    try {
      return mgmt.getRelationIndex(mgmt.getEdgeLabel(def.edgeLabel()), def.name()).getIndexStatus();
    } finally {
      mgmt.rollback();
    }
  }

  private void updateGraphIndex(JanusGraph graph, String name, SchemaAction action) {
    JanusGraphManagement mgmt = graph.openManagement();
    try {
      mgmt.updateIndex(mgmt.getGraphIndex(name), action).get();
      mgmt.commit();
    } catch (Exception e) {
      rollback(mgmt);
      throw new GraphSchemaException("index " + name + ": " + action + " failed: " + e.getMessage(), e);
    }
  }

  private void updateEdgeIndex(JanusGraph graph, SchemaFile.EdgeIndexDef def, SchemaAction action) {
    JanusGraphManagement mgmt = graph.openManagement();
    try {
      mgmt.updateIndex(mgmt.getRelationIndex(mgmt.getEdgeLabel(def.edgeLabel()), def.name()), action).get();
      mgmt.commit();
    } catch (Exception e) {
      rollback(mgmt);
      throw new GraphSchemaException("edge index " + def.name() + ": " + action + " failed: " + e.getMessage(), e);
    }
  }

  private static void await(String where, String index,
                            Callable<? extends AbstractIndexStatusReport> watcher) {
    AbstractIndexStatusReport report;
    try {
      report = watcher.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraphSchemaException(where + "interrupted while waiting for index " + index, e);
    } catch (Exception e) {
      throw new GraphSchemaException(where + "waiting for index " + index + " failed: " + e.getMessage(), e);
    }
    if (!report.getSucceeded()) {
      throw new GraphSchemaException(where + "index " + index + " did not reach " + report.getTargetStatuses()
          + " within " + report.getElapsed() + " (another JanusGraph instance open on the same storage that does not"
          + " answer? see JanusGraphManagement.getOpenInstances)");
    }
  }
}
