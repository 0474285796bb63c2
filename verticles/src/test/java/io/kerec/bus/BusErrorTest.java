package io.kerec.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bus error reaches the requester as the same typed object, and survives the clustered wire format. */
class BusErrorTest {
  @Test
  void theRequesterGetsTheTypedErrorWithItsFieldAndIndex() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      RecordCodec.registerAll(vertx);
      vertx.eventBus().consumer("test.fails", msg -> BusError.badInput("unknown item 'x'", "[3].itemId").replyTo(msg));
      Throwable failure = vertx.eventBus().request("test.fails", "go", Addresses.inEngine(5_000))
          .toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
      BusError error = BusError.from(failure.getCause() == null ? failure : failure.getCause());
      assertThat(error.status()).isEqualTo(400);
      assertThat(error.field()).isEqualTo("[3].itemId");
      assertThat(error.index()).isEqualTo(3);
      assertThat(error.toJson().encode()).isEqualTo("{\"error\":\"unknown item 'x'\",\"field\":\"[3].itemId\"}");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theWireFormatKeepsStatusMessageAndField() {
    BusError.Codec codec = new BusError.Codec();
    Buffer buffer = Buffer.buffer().appendString("xx");
    codec.encodeToWire(buffer, BusError.badInput("bad", "[0].ts"));
    BusError back = codec.decodeFromWire(2, buffer);
    assertThat(back.status()).isEqualTo(400);
    assertThat(back.error()).isEqualTo("bad");
    assertThat(back.index()).isZero();
    assertThat(codec.decodeFromWire(0, appended(codec, BusError.of(404, "unknown item a"))).field()).isNull();
  }

  @Test
  void otherFailuresMapToStatuses() {
    assertThat(BusError.from(new ReplyException(ReplyFailure.TIMEOUT, "t")).status()).isEqualTo(503);
    assertThat(BusError.from(new ReplyException(ReplyFailure.NO_HANDLERS, "kerec.x")).status()).isEqualTo(503);
    assertThat(BusError.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "gone")).status()).isEqualTo(404);
    assertThat(BusError.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, "odd")).status()).isEqualTo(500);
    assertThat(BusError.from(new IllegalStateException("boom")).error()).isEqualTo("boom");
    assertThat(BusError.badInput("empty", null).index()).isEqualTo(-1);
    assertThat(BusError.badInput("bad", "[x].id").index()).isEqualTo(-1);
  }

  private static Buffer appended(BusError.Codec codec, BusError e) {
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, e);
    return b;
  }
}
