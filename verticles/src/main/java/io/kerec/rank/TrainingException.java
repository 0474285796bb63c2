package io.kerec.rank;

/** Training could not run or produced an unusable model (for example, a non-finite loss). */
public class TrainingException extends RankException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   */
  public TrainingException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong
   * @param cause the underlying engine failure
   */
  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
