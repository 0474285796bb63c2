package io.kerec.judge;

/** Base of the failures a {@link VerdictProvider} reports through a failed future. */
public class JudgeException extends RuntimeException {

  /** @param message what went wrong */
  public JudgeException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong
   * @param cause underlying failure
   */
  public JudgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
