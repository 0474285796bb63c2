package io.kerec.bus;

/** Input rejected: {@code field} names the offending field as a path such as {@code [3].itemId}. */
public final class ValidationException extends RuntimeException {
  private final String field;

  public ValidationException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** Path of the offending field, or null when the whole body is at fault. */
  public String field() {
    return field;
  }
}
