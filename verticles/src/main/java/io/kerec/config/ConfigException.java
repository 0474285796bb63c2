package io.kerec.config;

/** A configuration value is missing, malformed or out of range; {@code key} names it as a JSON path. */
public final class ConfigException extends IllegalArgumentException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(key + ": " + message, cause);
    this.key = key;
  }

  /** JSON path of the offending setting, e.g. {@code http.port}. */
  public String key() {
    return key;
  }
}
