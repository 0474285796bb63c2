package io.kerec.store;

/** PostgreSQL could not be started, migrated or reached. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
