package io.kerec.entity;

/** An entity dictionary that cannot be read or breaks a rule of its format; {@link #key()} names the offending key. */
public final class EntityDictionaryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key JSON path of the bad key, e.g. {@code entities.cake stand} or {@code dropWords.colours}
   * @param problem what is wrong with it
   */
  public EntityDictionaryException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /**
   * @param key JSON path of the bad key
   * @param problem what is wrong with it
   * @param cause the underlying failure
   */
  public EntityDictionaryException(String key, String problem, Throwable cause) {
    super(key + ": " + problem, cause);
    this.key = key;
  }

  /** JSON path of the offending key; {@code $} for the document as a whole. */
  public String key() {
    return key;
  }
}
