package io.kerec.graph;

import java.util.Objects;

/** A directed COMPLEMENTS edge's endpoints: entity {@code from} complements entity {@code to}. */
public record EdgeKey(String from, String to) {
  public EdgeKey {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
