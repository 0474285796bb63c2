package io.kerec.graph;

/**
 * The graph schema could not be loaded or applied: an unreadable or invalid version file, a definition that conflicts
 * with what the graph already holds (same name, different type), or a graph written by a newer schema version.
 */
public class GraphSchemaException extends GraphStoreException {
  private static final long serialVersionUID = 1L;

  public GraphSchemaException(String message) {
    super(message);
  }

  public GraphSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
