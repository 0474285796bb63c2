package io.kerec.judge;

/**
 * The provider's HTTP endpoint answered with a non-2xx status. A 429 or 5xx usually deserves a retry after
 * {@link #retryAfterSeconds()}; a 4xx other than 429 (bad key, unknown model) does not.
 */
public class ProviderHttpException extends JudgeException {
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final int status;
  private final long retryAfterSeconds;
  private final long retryAfterMillis;
  private final String body;

  /**
   * @param status HTTP status code
   * @param retryAfterSeconds seconds from the {@code Retry-After} header, or -1 when absent or unparseable
   * @param body response body as text (may be empty)
   */
  public ProviderHttpException(int status, long retryAfterSeconds, String body) {
    this(status, retryAfterSeconds < 0 ? -1 : retryAfterSeconds * 1000, body, true);
  }

  /**
   * @param status HTTP status code
   * @param retryAfterMillis milliseconds from {@code retry-after-ms} or {@code Retry-After}, or -1 when absent
   * @param body response body as text (may be empty)
   * @param millis marks this constructor (the delay is in milliseconds)
   */
  public ProviderHttpException(int status, long retryAfterMillis, String body, boolean millis) {
    super("provider answered HTTP " + status
        + (retryAfterMillis >= 0 ? " (retry after " + retryAfterMillis + " ms)" : "")
        + ": " + abbreviate(body));
    this.status = status;
    this.retryAfterMillis = retryAfterMillis;
    this.retryAfterSeconds = retryAfterMillis < 0 ? -1 : (retryAfterMillis + 999) / 1000;
    this.body = body == null ? "" : body;
  }

  /** @return milliseconds to wait according to the server, or -1 when it sent no usable header */
  public long retryAfterMillis() {
    return retryAfterMillis;
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
