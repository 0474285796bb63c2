package io.kerec.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Event-bus codec for an immutable message record: passed by reference inside one JVM, JSON on the wire
 * (clustered event bus), so sibling services in other JVMs read the same shapes.
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  RecordCodec(Class<T> type) {
    this.type = type;
  }

  /**
   * Registers a codec for every {@link Messages#TYPES} type, and {@link BusError}'s, as their defaults; safe to call
   * more than once.
   */
  public static void registerAll(Vertx vertx) {
    for (Class<?> type : Messages.TYPES) {
      register(vertx, type);
    }
    try {
      vertx.eventBus().registerDefaultCodec(BusError.class, new BusError.Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // another engine in the same Vert.x instance registered it first
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another engine in the same Vert.x instance registered it first
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    try {
      byte[] bytes = Json.MAPPER.writeValueAsBytes(value);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return Json.MAPPER.readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "kerec." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
