package io.kerec.graph.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.graph.GraphOptions;
import io.kerec.graph.GraphSchemaException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.tinkerpop.gremlin.process.traversal.Order;
import org.apache.tinkerpop.gremlin.structure.Direction;
import org.apache.tinkerpop.gremlin.structure.T;
import org.apache.tinkerpop.gremlin.structure.Vertex;
import org.janusgraph.core.EdgeLabel;
import org.janusgraph.core.JanusGraph;
import org.janusgraph.core.JanusGraphFactory;
import org.janusgraph.core.JanusGraphTransaction;
import org.janusgraph.core.Multiplicity;
import org.janusgraph.core.schema.ConsistencyModifier;
import org.janusgraph.core.schema.JanusGraphIndex;
import org.janusgraph.core.schema.JanusGraphManagement;
import org.janusgraph.core.schema.RelationTypeIndex;
import org.janusgraph.core.schema.SchemaStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphSchemaTest {
  @TempDir
  Path dir;

  private JanusGraph openRaw(GraphOptions options) {
    JanusGraphFactory.Builder b = JanusGraphFactory.build();
    JanusGraphStore.janusConfiguration(options).forEach(b::set);
    return b.open();
  }

  @Test
  void classpathSchemaHasVersionOne() {
    assertThat(GraphSchema.load().latestVersion()).isEqualTo(1);
  }

  @Test
  void appliesV1OnceAndTheSecondTimeIsANoop() {
    JanusGraph graph = openRaw(GraphOptions.berkeleyje(dir.toString()));
    try {
      GraphSchema schema = GraphSchema.load();
      GraphSchema.Report first = schema.apply(graph);
      assertThat(first.fromVersion()).isZero();
      assertThat(first.toVersion()).isEqualTo(1);
      assertThat(first.created()).hasSize(9 + 2 + 2 + 2 + 1)
          .contains("propertyKey:weight", "vertexLabel:Entity", "edgeLabel:COMPLEMENTS",
              "compositeIndex:entityByName", "edgeIndex:COMPLEMENTS.complementsByWeight");
      assertThat(GraphSchema.appliedVersion(graph)).isEqualTo(1);
      assertThat(graph.variables().<Long>get("kerec.schema.v1.appliedAt")).isPresent();

      GraphSchema.Report second = schema.apply(graph);
      assertThat(second.noop()).isTrue();
      // Even forced (as after a crash between commit and recording the version), v1 creates nothing.
      assertThat(schema.applyVersion(graph, 1)).isEmpty();

      JanusGraphManagement mgmt = graph.openManagement();
      try {
        assertThat(mgmt.getPropertyKey("exposures").dataType()).isEqualTo(Long.class);
        EdgeLabel complements = mgmt.getEdgeLabel("COMPLEMENTS");
        assertThat(complements.multiplicity()).isEqualTo(Multiplicity.SIMPLE);
        JanusGraphIndex byName = mgmt.getGraphIndex("entityByName");
        assertThat(byName.isUnique()).isTrue();
        assertThat(byName.getSchemaTypeConstraint().name()).isEqualTo("Entity");
        assertThat(byName.getIndexStatus(mgmt.getPropertyKey("name"))).isEqualTo(SchemaStatus.ENABLED);
        assertThat(mgmt.getConsistency(byName)).isEqualTo(ConsistencyModifier.LOCK);
        RelationTypeIndex byWeight = mgmt.getRelationIndex(complements, "complementsByWeight");
        assertThat(byWeight.getSortOrder()).isEqualTo(Order.desc);
        assertThat(byWeight.getDirection()).isEqualTo(Direction.OUT);
        assertThat(byWeight.getIndexStatus()).isEqualTo(SchemaStatus.ENABLED);
      } finally {
        mgmt.rollback();
      }
    } finally {
      graph.close();
    }
  }

  @Test
  void schemaDefaultNoneRejectsUndeclaredLabels() {
    JanusGraph graph = openRaw(GraphOptions.inMemory());
    try {
      GraphSchema.load().apply(graph);
      JanusGraphTransaction tx = graph.newTransaction();
      try {
        assertThatThrownBy(() -> tx.addVertex(T.label, "Person")).hasMessageContaining("Person");
        assertThatThrownBy(() -> tx.addVertex(T.label, "Entity", "colour", "red")).hasMessageContaining("colour");
      } finally {
        tx.rollback();
      }
    } finally {
      graph.close();
    }
  }

  @Test
  void conflictingPropertyTypeFailsAndCommitsNothing() {
    JanusGraph graph = openRaw(GraphOptions.berkeleyje(dir.toString()));
    try {
      JanusGraphManagement mgmt = graph.openManagement();
      mgmt.makePropertyKey("weight").dataType(String.class).make();
      mgmt.commit();

      assertThatThrownBy(() -> GraphSchema.load().apply(graph))
          .isInstanceOf(GraphSchemaException.class)
          .hasMessageContaining("property key weight")
          .hasMessageContaining("Double")
          .hasMessageContaining("String");
      assertThat(GraphSchema.appliedVersion(graph)).isZero();
      JanusGraphManagement check = graph.openManagement();
      try {
        assertThat(check.containsPropertyKey("name")).isFalse(); // the whole version rolled back
      } finally {
        check.rollback();
      }
    } finally {
      graph.close();
    }
  }

  @Test
  void nameUsedByAnotherKindOfElementConflicts() {
    JanusGraph graph = openRaw(GraphOptions.inMemory());
    try {
      JanusGraphManagement mgmt = graph.openManagement();
      mgmt.makeEdgeLabel("title").make();
      mgmt.commit();
      assertThatThrownBy(() -> GraphSchema.load().apply(graph))
          .isInstanceOf(GraphSchemaException.class)
          .hasMessageContaining("property key title")
          .hasMessageContaining("edge label of that name exists");
    } finally {
      graph.close();
    }
  }

  @Test
  void conflictingIndexAndMultiplicityFail() {
    JanusGraph graph = openRaw(GraphOptions.inMemory());
    try {
      JanusGraphManagement mgmt = graph.openManagement();
      mgmt.makeEdgeLabel("HAS_ENTITY").multiplicity(Multiplicity.MULTI).make();
      mgmt.commit();
      assertThatThrownBy(() -> GraphSchema.load().apply(graph))
          .isInstanceOf(GraphSchemaException.class)
          .hasMessageContaining("edge label HAS_ENTITY")
          .hasMessageContaining("MULTI");
    } finally {
      graph.close();
    }
    JanusGraph other = openRaw(GraphOptions.inMemory());
    try {
      JanusGraphManagement mgmt = other.openManagement();
      mgmt.buildIndex("entityByName", Vertex.class)
          .addKey(mgmt.makePropertyKey("name").dataType(String.class).make()).buildCompositeIndex();
      mgmt.commit();
      assertThatThrownBy(() -> GraphSchema.load().apply(other))
          .isInstanceOf(GraphSchemaException.class)
          .hasMessageContaining("index entityByName")
          .hasMessageContaining("unique true vs false")
          .hasMessageContaining("indexOnly Entity vs null");
    } finally {
      other.close();
    }
  }

  @Test
  void refusesAGraphWithANewerVersion() {
    JanusGraph graph = openRaw(GraphOptions.inMemory());
    try {
      graph.variables().set(GraphSchema.VERSION_VARIABLE, 7);
      assertThatThrownBy(() -> GraphSchema.load().apply(graph))
          .isInstanceOf(GraphSchemaException.class)
          .hasMessageContaining("version 7");
    } finally {
      graph.close();
    }
  }

  @Test
  void invalidFilesFailToLoad() {
    assertThatThrownBy(() -> GraphSchema.load(getClass().getClassLoader(), "no-such-schema"))
        .isInstanceOf(GraphSchemaException.class)
        .hasMessageContaining("no-such-schema/index.json");
  }

  /** Tagged slow: JanusGraph's reindex job takes about 11 s; {@code mvn -P unit} leaves it out. */
  @Test
  @Tag("slow")
  void upgradeAddsIndexesOverExistingDataAndReindexes() {
    GraphSchema schema = GraphSchema.load(getClass().getClassLoader(), "graph-schema-upgrade");
    GraphOptions options = GraphOptions.berkeleyje(dir.toString());
    JanusGraph graph = openRaw(options);
    try {
      schema.upTo(1).apply(graph);
      JanusGraphTransaction tx = graph.newTransaction();
      Vertex tent = tx.addVertex(T.label, "Entity", "name", "tent");
      Vertex pegs = tx.addVertex(T.label, "Entity", "name", "pegs");
      Vertex lamp = tx.addVertex(T.label, "Entity", "name", "lamp");
      tent.addEdge("COMPLEMENTS", pegs, "weight", 0.5);
      tent.addEdge("COMPLEMENTS", lamp, "weight", 0.9);
      tx.commit();

      GraphSchema.Report report = schema.apply(graph);
      assertThat(report.fromVersion()).isEqualTo(1);
      assertThat(report.toVersion()).isEqualTo(2);
      assertThat(report.created()).containsExactly("propertyKey:clicks", "compositeIndex:entityByName",
          "edgeIndex:COMPLEMENTS.complementsByWeight");
      JanusGraphManagement mgmt = graph.openManagement();
      try {
        assertThat(mgmt.getGraphIndex("entityByName").getIndexStatus(mgmt.getPropertyKey("name")))
            .isEqualTo(SchemaStatus.ENABLED);
        assertThat(mgmt.getRelationIndex(mgmt.getEdgeLabel("COMPLEMENTS"), "complementsByWeight").getIndexStatus())
            .isEqualTo(SchemaStatus.ENABLED);
      } finally {
        mgmt.rollback();
      }
    } finally {
      graph.close();
    }
    // The reindexed data is found through the index alone.
    JanusGraph strict = openRaw(options.with("query.force-index", "true"));
    try {
      assertThat(GraphSchema.appliedVersion(strict)).isEqualTo(2);
      JanusGraphTransaction tx = strict.buildTransaction().readOnly().start();
      try {
        assertThat(tx.traversal().V().has("Entity", "name", "tent").outE("COMPLEMENTS")
            .order().by("weight", Order.desc).inV().values("name").toList()).containsExactly("lamp", "pegs");
      } finally {
        tx.rollback();
      }
    } finally {
      strict.close();
    }
  }

  @Test
  void janusConfigurationLetsPropertiesOverrideDefaultsAndKeepsStoreKeysOut() {
    GraphOptions options = new GraphOptions("berkeleyje", dir.toString(),
        Map.of("storage.berkeleyje.cache-percentage", "20", GraphOptions.ENTITY_CACHE_SIZE, "10"));
    Map<String, Object> c = JanusGraphStore.janusConfiguration(options);
    assertThat(c).containsEntry("storage.backend", "berkeleyje")
        .containsEntry("schema.default", "none")
        .containsEntry("storage.berkeleyje.cache-percentage", "20")
        .doesNotContainKey(GraphOptions.ENTITY_CACHE_SIZE);
    assertThat(options.entityCacheSize()).isEqualTo(10);
  }
}
