package io.kerec.judge;

/**
 * The call was not sent because the circuit breaker in front of the provider is open: recent calls failed with
 * 5xx, timeouts or refused connections. Nothing was spent; the pairs should wait and be asked again.
 */
public class ProviderUnavailableException extends JudgeException {
  /** @param message why, with the breaker's state */
  public ProviderUnavailableException(String message) {
    super(message);
  }
}
