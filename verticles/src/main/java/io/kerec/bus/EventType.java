package io.kerec.bus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Kinds of user events. */
public enum EventType {
  PURCHASE, EXPOSURE, CLICK;

  /** Wire name, lower case. */
  @JsonValue
  public String wire() {
    return name().toLowerCase();
  }

  /** Parses a wire name; empty when unknown. */
  public static Optional<EventType> parse(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
  }

  @JsonCreator
  public static EventType fromWire(String wire) {
    return parse(wire).orElseThrow(() -> new IllegalArgumentException("unknown event type " + wire));
  }
}
