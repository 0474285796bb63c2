package io.kerec.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The failure reply of every request on the bus: an HTTP-like status, a message, and for bad input the field it
 * names ({@code [3].itemId}) and so the batch index. Sent as the reply body ({@link #replyTo}), it fails the
 * requester's future with this very object inside one JVM (JSON on the clustered wire, {@link Codec}), so
 * receivers read {@link #status()}, {@link #field()} and {@link #index()} instead of parsing text.
 */
public final class BusError extends ReplyException {
  private static final long serialVersionUID = 1L;
  private final String field;

  private BusError(int status, String error, String field) {
    super(ReplyFailure.RECIPIENT_FAILURE, status, error == null ? "failed" : error);
    this.field = field;
  }

  /** A failure with a status. */
  public static BusError of(int status, String error) {
    return new BusError(status, error, null);
  }

  /** Bad input (400), naming the field: {@code [i].name} for element {@code i} of a batch, or null for the body. */
  public static BusError badInput(String error, String field) {
    return new BusError(400, error, field);
  }

  /** What a request failed with, as a bus error: itself, a timeout or a missing handler (503), or a 500. */
  public static BusError from(Throwable e) {
    if (e instanceof BusError b) {
      return b;
    }
    if (e instanceof ReplyException r) {
      return switch (r.failureType()) {
        case TIMEOUT -> new BusError(503, "timed out waiting for the engine", null);
        case NO_HANDLERS -> new BusError(503, "no engine service answers " + r.getMessage(), null);
        default -> new BusError(r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500,
            r.getMessage(), null);
      };
    }
    return new BusError(500, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null);
  }

  /** Fails {@code msg}'s request with this error. */
  public void replyTo(Message<?> msg) {
    msg.reply(this);
  }

  /** The HTTP-like status. */
  public int status() {
    return failureCode();
  }

  /** The message. */
  public String error() {
    return getMessage();
  }

  /** The field bad input names, or null. */
  public String field() {
    return field;
  }

  /** The batch element the field names ({@code [3].itemId} → 3), or -1. */
  public int index() {
    if (field == null || !field.startsWith("[") || field.indexOf(']') < 2) {
      return -1;
    }
    try {
      return Integer.parseInt(field.substring(1, field.indexOf(']')));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The error body of the HTTP API: {@code {"error", "field"}}. */
  public JsonObject toJson() {
    JsonObject body = new JsonObject().put("error", error());
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }

  @Override
  public String toString() {
    return "BusError(" + status() + (field == null ? "" : ", " + field) + "): " + error();
  }

  /** By reference inside one JVM, {@code {"status","error","field"}} on the wire. */
  static final class Codec implements MessageCodec<BusError, BusError> {
    @Override
    public void encodeToWire(Buffer buffer, BusError e) {
      Buffer json = new JsonObject().put("status", e.status()).put("error", e.error()).put("field", e.field())
          .toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public BusError decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      JsonObject json = new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
      return new BusError(json.getInteger("status", 500), json.getString("error"), json.getString("field"));
    }

    @Override
    public BusError transform(BusError e) {
      return e;
    }

    @Override
    public String name() {
      return "kerec.BusError";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
