package io.kerec.judge;

/** The provider could not be reached or did not answer in time (connection refused, timeout, reset). */
public class ProviderTransportException extends JudgeException {

  /**
   * @param message what failed, including the endpoint
   * @param cause the underlying transport failure
   */
  public ProviderTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
