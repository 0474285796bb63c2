package io.kerec.graph.impl;

import io.kerec.graph.GraphSchemaException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.tinkerpop.gremlin.process.traversal.Order;
import org.apache.tinkerpop.gremlin.structure.Direction;
import org.janusgraph.core.Cardinality;
import org.janusgraph.core.Multiplicity;
import org.janusgraph.core.schema.ConsistencyModifier;

/**
 * One version file of {@code graph-schema/} (see {@code graph-schema/README.md}), as read by Jackson. Unknown fields
 * are rejected so a typo in a file fails loudly instead of being skipped.
 */
record SchemaFile(int version, String description, List<PropertyKeyDef> propertyKeys,
                  List<VertexLabelDef> vertexLabels, List<EdgeLabelDef> edgeLabels,
                  List<CompositeIndexDef> compositeIndexes, List<EdgeIndexDef> edgeIndexes) {

  SchemaFile {
    propertyKeys = propertyKeys == null ? List.of() : List.copyOf(propertyKeys);
    vertexLabels = vertexLabels == null ? List.of() : List.copyOf(vertexLabels);
    edgeLabels = edgeLabels == null ? List.of() : List.copyOf(edgeLabels);
    compositeIndexes = compositeIndexes == null ? List.of() : List.copyOf(compositeIndexes);
    edgeIndexes = edgeIndexes == null ? List.of() : List.copyOf(edgeIndexes);
  }

  /** The index file: version files in application order. */
  record Index(String comment, List<String> versions) {
  }

  record PropertyKeyDef(String name, String dataType, String cardinality) {
    Class<?> javaType() {
      Class<?> type = DATA_TYPES.get(dataType);
      if (type == null) {
        throw new GraphSchemaException("property key " + name + ": unknown dataType '" + dataType + "', one of "
            + DATA_TYPES.keySet());
      }
      return type;
    }

    Cardinality janusCardinality() {
      return parse(Cardinality.class, cardinality == null ? "SINGLE" : cardinality, "property key " + name);
    }
  }

  record VertexLabelDef(String name) {
  }

  record EdgeLabelDef(String name, String multiplicity) {
    Multiplicity janusMultiplicity() {
      return parse(Multiplicity.class, multiplicity == null ? "MULTI" : multiplicity, "edge label " + name);
    }
  }

  /** A composite graph index over {@code keys}; {@code element} is {@code vertex} or {@code edge}. */
  record CompositeIndexDef(String name, String element, List<String> keys, String indexOnly, boolean unique,
                           String consistency) {
    ConsistencyModifier janusConsistency() {
      return parse(ConsistencyModifier.class, consistency == null ? "DEFAULT" : consistency, "index " + name);
    }

    boolean onVertices() {
      String e = element == null ? "vertex" : element.toLowerCase(Locale.ROOT);
      if (!e.equals("vertex") && !e.equals("edge")) {
        throw new GraphSchemaException("index " + name + ": element must be vertex or edge, not " + element);
      }
      return e.equals("vertex");
    }
  }

  /** A vertex-centric index on {@code edgeLabel} sorted by {@code keys} in {@code order}. */
  record EdgeIndexDef(String name, String edgeLabel, String direction, String order, List<String> keys) {
    Direction janusDirection() {
      return parse(Direction.class, direction == null ? "BOTH" : direction, "edge index " + name);
    }

    Order janusOrder() {
      return parse(Order.class, order == null ? "asc" : order.toLowerCase(Locale.ROOT), "edge index " + name);
    }
  }

  static final Map<String, Class<?>> DATA_TYPES = Map.ofEntries(
      Map.entry("String", String.class), Map.entry("Character", Character.class),
      Map.entry("Boolean", Boolean.class), Map.entry("Byte", Byte.class), Map.entry("Short", Short.class),
      Map.entry("Integer", Integer.class), Map.entry("Long", Long.class), Map.entry("Float", Float.class),
      Map.entry("Double", Double.class), Map.entry("Date", Date.class), Map.entry("UUID", UUID.class),
      Map.entry("BigInteger", BigInteger.class), Map.entry("BigDecimal", BigDecimal.class));

  /** Checks what can be checked without a graph: names present, enums valid, references declared. */
  void validate(String file, Set<String> keysSoFar, Set<String> vertexLabelsSoFar, Set<String> edgeLabelsSoFar) {
    String where = file + " (version " + version + "): ";
    if (version < 1) {
      throw new GraphSchemaException(where + "version must be >= 1");
    }
    Set<String> names = new HashSet<>();
    for (PropertyKeyDef p : propertyKeys) {
      requireName(where, "property key", p.name());
      p.javaType();
      p.janusCardinality();
      keysSoFar.add(p.name());
      unique(where, names, p.name());
    }
    for (EdgeLabelDef e : edgeLabels) {
      requireName(where, "edge label", e.name());
      e.janusMultiplicity();
      edgeLabelsSoFar.add(e.name());
      unique(where, names, e.name()); // property keys and edge labels share one namespace in JanusGraph
    }
    for (VertexLabelDef v : vertexLabels) {
      requireName(where, "vertex label", v.name());
      vertexLabelsSoFar.add(v.name());
    }
    for (CompositeIndexDef i : compositeIndexes) {
      requireName(where, "index", i.name());
      i.onVertices();
      i.janusConsistency();
      requireKeys(where, "index " + i.name(), i.keys(), keysSoFar);
      if (i.indexOnly() != null
          && !(i.onVertices() ? vertexLabelsSoFar : edgeLabelsSoFar).contains(i.indexOnly())) {
        throw new GraphSchemaException(where + "index " + i.name() + ": indexOnly label " + i.indexOnly()
            + " is not declared");
      }
    }
    for (EdgeIndexDef i : edgeIndexes) {
      requireName(where, "edge index", i.name());
      i.janusDirection();
      i.janusOrder();
      requireKeys(where, "edge index " + i.name(), i.keys(), keysSoFar);
      if (!edgeLabelsSoFar.contains(i.edgeLabel())) {
        throw new GraphSchemaException(where + "edge index " + i.name() + ": edge label " + i.edgeLabel()
            + " is not declared");
      }
    }
  }

  private static void requireName(String where, String what, String name) {
    if (name == null || name.isBlank()) {
      throw new GraphSchemaException(where + what + " without a name");
    }
  }

  private static void unique(String where, Set<String> names, String name) {
    if (!names.add(name)) {
      throw new GraphSchemaException(where + "'" + name + "' is declared twice");
    }
  }

  private static void requireKeys(String where, String what, List<String> keys, Set<String> declared) {
    if (keys == null || keys.isEmpty()) {
      throw new GraphSchemaException(where + what + ": no keys");
    }
    for (String k : keys) {
      if (!declared.contains(k)) {
        throw new GraphSchemaException(where + what + ": property key " + k + " is not declared");
      }
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new GraphSchemaException(what + ": '" + value + "' is not a " + type.getSimpleName());
  }
}
