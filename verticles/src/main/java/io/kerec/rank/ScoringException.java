package io.kerec.rank;

/** The engine failed while scoring a batch (wraps DJL's checked {@code TranslateException}). */
public class ScoringException extends RankException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   * @param cause the underlying engine failure
   */
  public ScoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
