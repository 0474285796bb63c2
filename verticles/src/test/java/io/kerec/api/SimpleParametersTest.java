package io.kerec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimpleParametersTest {
  private static final List<String> VALUES = List.of("10", "1", "0", "-1", "1000", "1001", "007", "+5", "1e1", "10.0",
      "99999999999999999999", "", "u1", "a".repeat(256), "a".repeat(257), "é".repeat(256), "x y", "null");

  /** Integers take the shortcut only where the full validation agrees; strings are judged as they are. */
  @Test
  void acceptsOnlyWhatTheFullValidationAccepts() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = OpenAPIContract.from(vertx, OpenApiValidation.CONTRACT)
          .toCompletionStage().toCompletableFuture().get();
      SimpleParameters plain = SimpleParameters.of(contract);
      RequestValidatorImpl full = new RequestValidatorImpl(vertx, new CachedSchemas(contract));
      int shortcuts = 0;
      for (Operation op : contract.operations()) {
        for (Parameter p : op.getParameters()) {
          for (String v : VALUES) {
            RequestParameterImpl value = new RequestParameterImpl(v);
            if (plain.accepts(p, v) && !plain.isString(p)) {
              shortcuts++;
              assertThatCode(() -> full.validateParameter(p, value)).as(op.getOperationId() + " " + p.getName() + "=" + v)
                  .doesNotThrowAnyException();
            }
          }
          assertThat(plain.accepts(p, null)).isFalse();
        }
      }
      Operation recommendations = contract.findOperation("/v1/users/u1/recommendations", HttpMethod.GET);
      Parameter k = recommendations.getParameters().stream().filter(p -> p.getName().equals("k")).findFirst()
          .orElseThrow();
      assertThat(plain.accepts(k, "10")).isTrue();
      assertThat(plain.accepts(k, "1001")).isFalse();
      assertThat(plain.accepts(k, "0")).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> full.validateParameter(k, new RequestParameterImpl("0")))
          .isInstanceOf(ValidatorException.class);
      assertThat(shortcuts).as("plain parameters take the shortcut").isGreaterThan(5);
      Parameter userId = recommendations.getParameters().stream().filter(p -> p.getName().equals("userId"))
          .findFirst().orElseThrow();
      for (String id : List.of("14286.0", "-1", "1e5", "true", "null", "{}", "[1]", "a/b", "é".repeat(256))) {
        assertThat(plain.accepts(userId, id)).as("ids are strings as they are: %s", id).isTrue();
        assertThat(plain.stringProblem(userId, id)).isNull();
      }
      assertThat(plain.stringProblem(userId, "")).isEqualTo("userId must be 1 to 256 characters long");
      assertThat(plain.stringProblem(userId, "a".repeat(257))).isEqualTo("userId must be 1 to 256 characters long");
      assertThat(plain.accepts(userId, "\uD83D\uDE00".repeat(256))).as("256 code points").isTrue();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
