package io.kerec.judge;

import java.util.Objects;

/**
 * A directed pair of entities: does buying {@code source} make {@code target} a complement worth recommending?
 *
 * <p>Direction matters: "tent → tent peg" may be complementary while "tent peg → tent" is not. Both names are
 * entity names as stored in the knowledge graph (normalised, lower case); they are never blank.
 *
 * @param source the entity the shopper has just bought
 * @param target the entity that might be recommended next
 */
public record EntityPair(String source, String target) {

  /** Validates that both names are present and not blank. */
  public EntityPair {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (source.isBlank() || target.isBlank()) {
      throw new IllegalArgumentException("blank entity name in pair: '" + source + "' -> '" + target + "'");
    }
  }

  /** @return the same pair with source and target swapped */
  public EntityPair reversed() {
    return new EntityPair(target, source);
  }

  /** @return true when source and target are the same entity (never complementary) */
  public boolean isLoop() {
    return source.equals(target);
  }

  @Override
  public String toString() {
    return source + " -> " + target;
  }
}
