package io.kerec.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/** The meter registry the engine reports to: Vert.x's Prometheus registry, or a local one when metrics are off. */
public final class Meters {
  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  private Meters() {
  }

  /** The registry to register meters in. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? FALLBACK : registry;
  }
}
