package io.kerec.rank;

/**
 * Base class of the unchecked failures raised by the rank package: device choice, training,
 * scoring and model artefacts. Callers that only want to know "ranking failed" catch this type.
 */
public class RankException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   */
  public RankException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public RankException(String message, Throwable cause) {
    super(message, cause);
  }
}
