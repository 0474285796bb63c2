package io.kerec.config;

import java.util.Arrays;

final class Require {
  private Require() {
  }

  static void nonBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "must be set");
    }
  }

  static void range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + value);
    }
  }

  static void range(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + value);
    }
  }

  static void oneOf(String key, String value, String... allowed) {
    if (value == null || Arrays.stream(allowed).noneMatch(value::equals)) {
      throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", was " + value);
    }
  }
}
