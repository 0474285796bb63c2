package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The throttle admits calls at the configured rates, first come first served, and pauses for Retry-After. */
@ExtendWith(VertxExtension.class)
class ThrottleTest {

  @Test
  void requestLimitSpacesCallsAfterTheBurst(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Throttle throttle = new Throttle(vertx, 600, 0, 500, 1);
      long start = System.nanoTime();
      List<Future<Throttle.Permit>> permits = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        permits.add(throttle.acquire(0));
      }
      Future.all(permits).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("5 at once, then 10 at 10/s").isBetween(0.9, 2.0);
        ctx.completeNow();
      })));
    });
  }

  @Test
  void tokensAreChargedByEstimateAndCorrected(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Throttle throttle = new Throttle(vertx, 0, 60_000, 1_000, 500);
      assertThat(throttle.availableTokens()).isEqualTo(1_000);
      throttle.acquire(800).onComplete(ctx.succeeding(permit -> ctx.verify(() -> {
        assertThat(throttle.availableTokens()).isBetween(200L, 210L);
        permit.settle(300);
        assertThat(throttle.availableTokens()).as("500 given back").isBetween(700L, 710L);
        throttle.acquire(100).onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          second.settle(400);
          assertThat(throttle.availableTokens()).as("300 more charged").isBetween(300L, 320L);
          ctx.completeNow();
        })));
      })));
    });
  }

  @Test
  void retryAfterHoldsEveryoneBack(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Throttle throttle = new Throttle(vertx, 0, 0, 1_000, 1);
      long start = System.nanoTime();
      throttle.pauseFor(300);
      long paused = throttle.pausedForMillis();
      Future.all(throttle.acquire(10), throttle.acquire(10)).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertThat(paused).isBetween(290L, 300L);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(299);
        ctx.completeNow();
      })));
    });
  }
}
