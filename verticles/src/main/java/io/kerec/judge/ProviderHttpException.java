package io.kerec.judge;

/**
 * The provider's HTTP endpoint answered with a non-2xx status. A 429 or 5xx usually deserves a retry after
 * {@link #retryAfterSeconds()}; a 4xx other than 429 (bad key, unknown model) does not.
 */
public class ProviderHttpException extends JudgeException {
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final int status;
  private final long retryAfterSeconds;
  private final String body;

  /**
   * @param status HTTP status code
   * @param retryAfterSeconds seconds from the {@code Retry-After} header, or -1 when absent or unparseable
   * @param body response body as text (may be empty)
   */
  public ProviderHttpException(int status, long retryAfterSeconds, String body) {
    super("provider answered HTTP " + status
        + (retryAfterSeconds >= 0 ? " (retry after " + retryAfterSeconds + " s)" : "")
        + ": " + abbreviate(body));
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.body = body == null ? "" : body;
  }

  /** @return the HTTP status code */
  public int status() {
    return status;
  }

  /** @return seconds to wait according to {@code Retry-After}, or -1 when the header was absent or unparseable */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** @return true when the server sent a usable {@code Retry-After} */
  public boolean hasRetryAfter() {
    return retryAfterSeconds >= 0;
  }

  /** @return true for 408, 429 and 5xx: the same request may succeed later */
  public boolean retryable() {
    return status == 408 || status == 429 || status >= 500;
  }

  /** @return the response body as text */
  public String body() {
    return body;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_BODY_IN_MESSAGE ? s : s.substring(0, MAX_BODY_IN_MESSAGE) + "…";
  }
}
