package io.kerec.graph;

/** A graph store operation failed: storage error, constraint violation, store closed. Unchecked. */
public class GraphStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GraphStoreException(String message) {
    super(message);
  }

  public GraphStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
